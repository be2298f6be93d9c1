// The default of [ftp] data_timeout, in one place for the two processes that
// apply it: the master (its own data connections) and the nodes (theirs,
// when a master does not send the value in its Welcome, proto/link.proto).
#pragma once

#include <chrono>

namespace fleet::config {

// A transfer whose data connection moves no byte for this long is ended with
// 426. vsftpd's data_connection_timeout has the same default.
inline constexpr std::chrono::seconds kDefaultDataTimeout{300};

}  // namespace fleet::config
