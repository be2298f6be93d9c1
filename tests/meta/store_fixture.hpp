// A SQLite metadata store in a fresh temporary file, with shorthands for the
// calls tests make most.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "meta/store.hpp"
#include "support/temp_dir.hpp"

namespace fleet::meta::testing {

class StoreTest : public ::testing::Test {
 protected:
  StoreTest() : file_(dir_.file("meta.sqlite")), store_(open_sqlite_store(file_)) {}

  // Closes and reopens the file, as a restarted master would.
  void reopen() {
    store_.reset();
    store_ = open_sqlite_store(file_);
  }

  Status mkdir(const std::string& path) { return store_->make_dir(path, "alice", 1000); }
  Status put(const std::string& path, std::uint64_t size = 10, const std::string& node = "n1") {
    return store_->put_file(path, size, 2000, "alice", 0xABCD, node);
  }
  std::vector<std::string> names(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : store_->list_dir(dir)) out.push_back(e.name);
    return out;
  }
  std::vector<std::string> nodes(const std::string& path) {
    auto e = store_->lookup(path);
    return e ? e->nodes : std::vector<std::string>{"<missing>"};
  }

  fleet::testing::TempDir dir_;
  std::filesystem::path file_;
  std::unique_ptr<MetaStore> store_;
};

}  // namespace fleet::meta::testing
