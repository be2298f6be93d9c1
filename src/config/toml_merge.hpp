// Merging an operator's TOML into a generated configuration.
//
// `fleetftp up` writes master.toml itself and accepts the operator's own
// settings through --extra-config. Appending that file's text fails as soon
// as it names a table the generated file already has (`[ftp]`), so instead
// both are parsed and the operator's tables are merged into the generated
// ones: keys the operator sets win, tables merge recursively, and anything
// else (an array, an array of tables, a value) replaces what was generated.
//
// Pure functions, no state. Throws std::runtime_error naming the file, line
// and column when the operator's file is not valid TOML, or when one side
// has a table where the other has a value (`ftp = 1` against `[ftp]`).
#pragma once

#include <string>
#include <string_view>

namespace fleet::config {

// Returns `generated` with `overlay` merged into it, as TOML text.
// `overlay_name` names the overlay in error messages (usually its file).
std::string merge_toml(std::string_view generated, std::string_view overlay, const std::string& overlay_name);

}  // namespace fleet::config
