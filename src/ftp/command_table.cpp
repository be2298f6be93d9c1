#include "ftp/command_table.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "ftp/command.hpp"

namespace fleet::ftp {

namespace {

// needs_login = false: allowed before login (RFC 959 §5.4, RFC 2389 FEAT/OPTS,
// RFC 7151 HOST, RFC 4217 AUTH).
constexpr std::array kCommands = {
    CommandInfo{"USER", false, false, "USER <name>", ""},
    CommandInfo{"PASS", false, false, "PASS <password>", ""},
    CommandInfo{"ACCT", false, false, "ACCT <account>", ""},
    CommandInfo{"REIN", false, false, "REIN", ""},
    CommandInfo{"QUIT", false, false, "QUIT", ""},
    CommandInfo{"NOOP", false, false, "NOOP", ""},
    CommandInfo{"SYST", false, false, "SYST", ""},
    CommandInfo{"FEAT", false, false, "FEAT", ""},
    CommandInfo{"OPTS", false, false, "OPTS <command> [<options>]", ""},
    CommandInfo{"HELP", false, false, "HELP [<command>]", ""},
    CommandInfo{"HOST", false, false, "HOST <name>", "HOST"},
    CommandInfo{"AUTH", false, false, "AUTH <mechanism>", ""},
    CommandInfo{"STAT", true, true, "STAT [<path>]", ""},
    CommandInfo{"SITE", true, false, "SITE <command>", ""},
    CommandInfo{"TYPE", true, false, "TYPE <A|I|L 8>", ""},
    CommandInfo{"MODE", true, false, "MODE S", ""},
    CommandInfo{"STRU", true, false, "STRU F", ""},
    CommandInfo{"ALLO", true, false, "ALLO <size>", ""},
    CommandInfo{"SMNT", true, false, "SMNT <path>", ""},
    CommandInfo{"PWD", true, false, "PWD", ""},
    CommandInfo{"XPWD", true, false, "XPWD", ""},
    CommandInfo{"CWD", true, false, "CWD <path>", ""},
    CommandInfo{"XCWD", true, false, "XCWD <path>", ""},
    CommandInfo{"CDUP", true, false, "CDUP", ""},
    CommandInfo{"XCUP", true, false, "XCUP", ""},
    CommandInfo{"MKD", true, false, "MKD <path>", ""},
    CommandInfo{"XMKD", true, false, "XMKD <path>", ""},
    CommandInfo{"RMD", true, false, "RMD <path>", ""},
    CommandInfo{"XRMD", true, false, "XRMD <path>", ""},
    CommandInfo{"DELE", true, false, "DELE <path>", ""},
    CommandInfo{"RNFR", true, false, "RNFR <path>", ""},
    CommandInfo{"RNTO", true, false, "RNTO <path>", ""},
    CommandInfo{"SIZE", true, false, "SIZE <path>", "SIZE"},
    CommandInfo{"MDTM", true, false, "MDTM <path>", "MDTM"},
    CommandInfo{"MFMT", true, false, "MFMT <YYYYMMDDHHMMSS> <path>", "MFMT"},
    CommandInfo{"MLST", true, false, "MLST [<path>]", "MLST type*;size*;modify*;perm*;unique*;"},
    CommandInfo{"REST", true, false, "REST <offset>", "REST STREAM"},
    CommandInfo{"ABOR", true, true, "ABOR", ""},
    CommandInfo{"PORT", true, false, "PORT h1,h2,h3,h4,p1,p2", ""},
    CommandInfo{"EPRT", true, false, "EPRT |af|addr|port|", "EPRT"},
    CommandInfo{"PASV", true, false, "PASV", ""},
    CommandInfo{"EPSV", true, false, "EPSV [1|2|ALL]", "EPSV"},
    CommandInfo{"PRET", true, false, "PRET <command> [<args>]", "PRET"},
    CommandInfo{"LIST", true, false, "LIST [<path>]", ""},
    CommandInfo{"NLST", true, false, "NLST [<path>]", ""},
    CommandInfo{"MLSD", true, false, "MLSD [<path>]", ""},
    CommandInfo{"RETR", true, false, "RETR <path>", ""},
    CommandInfo{"STOR", true, false, "STOR <path>", ""},
    CommandInfo{"APPE", true, false, "APPE <path>", ""},
    CommandInfo{"STOU", true, false, "STOU", ""},
};

// Features that are no command of their own (RFC 3659 TVFS; RFC 2640 UTF8).
constexpr std::array<std::string_view, 2> kOtherFeatures = {"TVFS", "UTF8"};

}  // namespace

std::span<const CommandInfo> command_table() { return kCommands; }

const CommandInfo* find_command(std::string_view verb) {
  for (const auto& c : kCommands)
    if (c.verb == verb) return &c;
  return nullptr;
}

bool acts_during_transfer(std::string_view line) {
  auto cmd = parse_command(line);
  if (!cmd) return false;
  const auto* info = find_command(cmd->verb);
  return info && info->acts_during_transfer;
}

std::string help_text() {
  std::string text = "The following commands are recognized:\n";
  std::size_t col = 0;
  for (const auto& c : kCommands) {
    text += ' ';
    text += c.verb;
    text.append(5 - c.verb.size(), ' ');
    if (++col % 10 == 0) text += '\n';
  }
  if (col % 10 != 0) text += '\n';
  return text + "Help OK.";
}

std::string help_text(std::string_view verb) {
  const auto* c = find_command(verb);
  return c ? "Syntax: " + std::string(c->help) : std::string();
}

std::string feat_text(bool epsv_served, unsigned mlst_facts) {
  const std::string mlst = mlst_feat_line(mlst_facts);
  std::vector<std::string_view> lines(kOtherFeatures.begin(), kOtherFeatures.end());
  for (const auto& c : kCommands) {
    if (c.feat.empty() || (!epsv_served && c.verb == "EPSV")) continue;
    lines.push_back(c.verb == "MLST" ? std::string_view(mlst) : c.feat);
  }
  std::sort(lines.begin(), lines.end());
  // RFC 2389 §3.2: each feature line starts with a space.
  std::string text = "Features:\n";
  for (auto l : lines) {
    text += ' ';
    text += l;
    text += '\n';
  }
  return text + "End";
}

}  // namespace fleet::ftp
