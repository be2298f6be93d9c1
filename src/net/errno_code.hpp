// errno_code: the current errno as a std::error_code, for the places that
// call the OS directly (sendfile, splice, open, rename...) and report errors
// the same way asio does.
#pragma once

#include <cerrno>
#include <system_error>

namespace fleet::net {

inline std::error_code errno_code() { return {errno, std::system_category()}; }

}  // namespace fleet::net
