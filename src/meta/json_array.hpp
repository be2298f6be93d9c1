// A list of strings as a JSON array, to pass a list of any length to SQLite as
// one parameter (read back with json_each): a statement with one placeholder
// per element would be a new statement for every list length.
#pragma once

#include <string>
#include <vector>

namespace fleet::meta {

std::string json_string_array(const std::vector<std::string>& items);

}  // namespace fleet::meta
