// LIMIT values for SQLite, which takes signed 64-bit integers: a caller's
// "no limit" (SIZE_MAX) must not wrap around to a negative number, which
// SQLite would read as "no limit" only by accident.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

namespace fleet::meta {

inline std::int64_t sql_limit(std::size_t limit) {
  constexpr auto kMax = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(limit < kMax ? limit : kMax);
}

}  // namespace fleet::meta
