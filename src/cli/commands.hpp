// The command-line interface: parses argv and runs one subcommand
// (master, node, up, user add/list/del). Returns the process exit code.
#pragma once

namespace fleet::cli {

int run(int argc, char** argv);

}  // namespace fleet::cli
