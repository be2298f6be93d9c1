// A fresh directory under the system temp dir for one test, removed with
// everything in it when the test ends.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

namespace fleet::meta::testing {

class TempDir {
 public:
  TempDir() {
    // pid + random bits: unique across parallel test processes (ctest -j).
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("fleetftp-meta-" + std::to_string(::getpid()) + "-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::filesystem::path file(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace fleet::meta::testing
