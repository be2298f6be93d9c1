// fleetftp: one binary, one subcommand per role (see src/cli/).
#include "cli/commands.hpp"

int main(int argc, char** argv) { return fleet::cli::run(argc, argv); }
