// StallWatch: notices a data connection whose byte count stopped moving
// ([ftp] data_timeout). Pure logic: the caller passes the time, so tests
// drive it with made-up time points. Not thread-safe; one per transfer.
#pragma once

#include <chrono>
#include <cstdint>

namespace fleet::node {

class StallWatch {
 public:
  using Clock = std::chrono::steady_clock;

  // Starts counting at `now` (the data connection is up).
  void start(Clock::time_point now, std::uint64_t bytes) {
    running_ = true;
    last_bytes_ = bytes;
    last_change_ = now;
  }
  bool running() const { return running_; }

  // Looks at the byte count at `now`: true once it has not changed for
  // `limit` (and never before start()).
  bool stalled(std::uint64_t bytes, Clock::time_point now, Clock::duration limit) {
    if (!running_) return false;
    if (bytes != last_bytes_) {
      last_bytes_ = bytes;
      last_change_ = now;
      return false;
    }
    return now - last_change_ >= limit;
  }

 private:
  bool running_ = false;
  std::uint64_t last_bytes_ = 0;
  Clock::time_point last_change_{};
};

}  // namespace fleet::node
