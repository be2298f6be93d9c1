// The FTP commands the master understands, in one table: whether each needs
// a login (RFC 959 §5.4 sequencing; RFC 2389, 7151 allow a few before it),
// whether it acts at once while a transfer runs (ABOR and STAT, RFC 959
// §4.1.3), its HELP syntax line, and the FEAT line it contributes (RFC 2389).
// The session dispatches on it; HELP and FEAT are generated from it, so a
// command cannot be served without being listed, or listed without a reply.
// Pure data and functions: no state, nothing throws.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "ftp/listing.hpp"

namespace fleet::ftp {

struct CommandInfo {
  std::string_view verb;
  bool needs_login;
  bool acts_during_transfer;  // handled at once, ahead of queued commands
  std::string_view help;      // "Syntax: ..." text for HELP <verb>
  std::string_view feat;      // FEAT line without its leading space; empty for none
};

// Every command, in HELP order.
std::span<const CommandInfo> command_table();

// The entry for an upper-cased verb, or nullptr.
const CommandInfo* find_command(std::string_view verb);

// Whether a raw command line is one that acts during a transfer.
bool acts_during_transfer(std::string_view line);

// The text of the 214 reply to HELP (all verbs, ten to a line) and to
// HELP <verb> (its syntax); nullopt-like empty string for an unknown verb.
std::string help_text();
std::string help_text(std::string_view verb);

// The text of the 211 reply to FEAT: the commands' FEAT lines and the
// features that are no command (TVFS, UTF8). `epsv_served` says whether
// EPSV is offered to this session at all; `mlst_facts` (OPTS MLST) which
// MLST facts are starred as selected.
std::string feat_text(bool epsv_served = true, unsigned mlst_facts = kAllMlsxFacts);

}  // namespace fleet::ftp
