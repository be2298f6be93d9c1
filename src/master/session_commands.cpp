// Session: the commands that need no part of their own — informational
// (NOOP, SYST, FEAT, OPTS, HELP, HOST, STAT), transfer parameters (TYPE,
// MODE, STRU, ALLO, REST) — and the listings, built here from the VFS and
// carried by the TransferRouter.
#include <algorithm>
#include <cctype>
#include <ctime>

#include "ftp/command_table.hpp"
#include "ftp/reply_codes.hpp"
#include "master/listing_builder.hpp"
#include "master/session.hpp"

namespace fleet::master {

namespace {

// LIST/NLST take ls-style options before the path ("LIST -la dir"). Only
// -a (and -A) changes anything: dot files are shown.
struct ListArgument {
  std::string path;
  bool show_hidden = false;
};
ListArgument parse_list_argument(std::string arg) {
  ListArgument out;
  while (!arg.empty() && arg[0] == '-') {
    const auto space = arg.find(' ');
    const auto options = arg.substr(1, space == std::string::npos ? std::string::npos : space - 1);
    if (options.find_first_of("aA") != std::string::npos) out.show_hidden = true;
    arg = space == std::string::npos ? "" : arg.substr(space + 1);
  }
  out.path = std::move(arg);
  return out;
}
}  // namespace

asio::awaitable<void> Session::cmd_site(const ftp::Command& c) {
  site_.run(c);
  co_return;
}

asio::awaitable<void> Session::cmd_noop(const ftp::Command&) {
  reply(ftp::kCommandOk, "NOOP ok.");
  co_return;
}

asio::awaitable<void> Session::cmd_syst(const ftp::Command&) {
  reply(ftp::kSystemType, "UNIX Type: L8");
  co_return;
}

asio::awaitable<void> Session::cmd_feat(const ftp::Command&) {
  reply(ftp::kSystemStatus, ftp::feat_text(true, ctx_.state.mlst_facts()));
  co_return;
}

asio::awaitable<void> Session::cmd_opts(const ftp::Command& c) {
  auto space = c.arg.find(' ');
  std::string name = c.arg.substr(0, space);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::toupper(ch); });
  std::string value = space == std::string::npos ? "" : c.arg.substr(space + 1);
  if (name == "UTF8") {
    std::transform(value.begin(), value.end(), value.begin(), [](unsigned char ch) { return std::toupper(ch); });
    if (value == "ON" || value.empty()) reply(ftp::kCommandOk, "UTF8 mode is always on.");
    else reply(ftp::kNotImplementedForParam, "UTF8 cannot be turned off; paths are UTF-8.");
  } else if (name == "MLST") {
    // RFC 3659 §7.9: the facts MLST and MLSD send from now on; facts we do
    // not offer are ignored, and the reply names the selection.
    ctx_.state.set_mlst_facts(ftp::parse_mlst_opts(value));
    const auto selected = ftp::mlst_facts_text(ctx_.state.mlst_facts());
    reply(ftp::kCommandOk, selected.empty() ? std::string("MLST OPTS") : "MLST OPTS " + selected);
  } else {
    reply(ftp::kSyntaxErrorInArgs, "OPTS: unknown option '" + name + "'.");
  }
  co_return;
}

asio::awaitable<void> Session::cmd_help(const ftp::Command& c) {
  if (c.arg.empty()) {
    reply(ftp::kHelpMessage, ftp::help_text());
    co_return;
  }
  std::string verb = c.arg;
  std::transform(verb.begin(), verb.end(), verb.begin(), [](unsigned char ch) { return std::toupper(ch); });
  if (auto text = ftp::help_text(verb); !text.empty()) reply(ftp::kHelpMessage, text);
  else reply(ftp::kNotImplemented, "Unknown command '" + verb + "'.");
  co_return;
}

asio::awaitable<void> Session::cmd_host(const ftp::Command& c) {
  // RFC 7151: HOST must come before login; one virtual host serves every name.
  if (!ctx_.state.host_allowed()) reply(ftp::kBadSequence, "HOST must be sent before USER.");
  else if (c.arg.empty()) reply(ftp::kSyntaxErrorInArgs, "Syntax error: HOST needs a name.");
  else reply(ftp::kServiceReady, "Host accepted.");
  co_return;
}

// ---------------------------------------------------------------- transfer parameters

asio::awaitable<void> Session::cmd_type(const ftp::Command& c) {
  switch (ctx_.state.set_type(c.arg)) {
    case ftp::ProtocolState::TypeChange::Binary: reply(ftp::kCommandOk, "Type set to I."); break;
    case ftp::ProtocolState::TypeChange::Ascii: reply(ftp::kCommandOk, "Type set to A."); break;
    case ftp::ProtocolState::TypeChange::NotSupported:
      reply(ftp::kNotImplementedForParam, "Type not supported; use A or I.");
      break;
    case ftp::ProtocolState::TypeChange::BadSyntax: reply(ftp::kSyntaxErrorInArgs, "Syntax error: TYPE A or TYPE I."); break;
  }
  co_return;
}

asio::awaitable<void> Session::cmd_mode(const ftp::Command& c) {
  std::string arg = c.arg;
  std::transform(arg.begin(), arg.end(), arg.begin(), [](unsigned char ch) { return std::toupper(ch); });
  if (arg == "S") reply(ftp::kCommandOk, "Mode set to S.");
  else if (arg == "B" || arg == "C" || arg == "Z") reply(ftp::kNotImplementedForParam, "Only stream mode (S) is supported.");
  else reply(ftp::kSyntaxErrorInArgs, "Syntax error: MODE S.");
  co_return;
}

asio::awaitable<void> Session::cmd_stru(const ftp::Command& c) {
  std::string arg = c.arg;
  std::transform(arg.begin(), arg.end(), arg.begin(), [](unsigned char ch) { return std::toupper(ch); });
  if (arg == "F") reply(ftp::kCommandOk, "Structure set to F.");
  else if (arg == "R" || arg == "P") reply(ftp::kNotImplementedForParam, "Only file structure (F) is supported.");
  else reply(ftp::kSyntaxErrorInArgs, "Syntax error: STRU F.");
  co_return;
}

asio::awaitable<void> Session::cmd_allo(const ftp::Command&) {
  reply(ftp::kCommandSuperfluous, "ALLO not needed; space is allocated as data arrives.");
  co_return;
}

asio::awaitable<void> Session::cmd_not_implemented(const ftp::Command& c) {
  reply(ftp::kNotImplemented, c.verb + " is not implemented.");
  co_return;
}

asio::awaitable<void> Session::cmd_rest(const ftp::Command& c) {
  if (!ctx_.state.set_rest(c.arg)) {
    reply(ftp::kSyntaxErrorInArgs, "REST needs a non-negative byte offset.");
    co_return;
  }
  reply(ftp::kPendingFurtherInfo,
        "Restarting at " + std::to_string(ctx_.state.rest()) + ". Send STOR or RETR to initiate transfer.");
}

// ---------------------------------------------------------------- status and listings

asio::awaitable<void> Session::cmd_stat(const ftp::Command& c) {
  if (c.arg.empty()) {
    std::string text = "fleetftp status:\n Connected from " + ctx_.client.ip + "\n Logged in as " + ctx_.state.user() +
                       "\n TYPE: " + (ctx_.state.ascii() ? "ASCII" : "BINARY") + ", STRUcture: File, MODE: Stream\n";
    if (router_.running()) text += " Transfer in progress: " + ctx_.shown(router_.current()->path) + "\n";
    else text += " No data connection\n";
    reply(ftp::kSystemStatus, text + "End of status.");
    co_return;
  }
  if (router_.running()) {
    reply(ftp::kFileBusy, "A transfer is in progress; STAT <path> is not available now.");
    co_return;
  }
  // STAT <path>: a LIST over the control connection (RFC 959: reply 213).
  const auto list_arg = parse_list_argument(c.arg);
  const std::string& arg = list_arg.path;
  auto path = ctx_.state.resolve(arg.empty() ? "." : arg);
  auto entry = path ? ctx_.env.store.lookup(*path) : std::nullopt;
  if (!entry) {
    reply(ftp::kFileUnavailable, "No such file or directory.");
    co_return;
  }
  std::string text = "Status of " + ctx_.shown(*path) + ":\n";
  for (const auto& line : listing_lines(ctx_.env.store, ListingFormat::List, *path, *entry, std::time(nullptr),
                                        [this](const meta::Entry& e) { return ctx_.offline(e); }, ctx_.rights(),
                                        {}, {list_arg.show_hidden}))
    text += line + "\n";
  reply(ftp::kFileStatus, text + "End of status.");
}

// LIST, NLST and MLSD differ in format and in what they accept: LIST and
// NLST take ls-style options and may name a file; MLSD needs a directory.
asio::awaitable<void> Session::list_command(TransferOp op, ListingFormat format, const ftp::Command& c) {
  const auto list_arg = op == TransferOp::Mlsd ? ListArgument{c.arg, true} : parse_list_argument(c.arg);
  const std::string& arg = list_arg.path;
  auto path = ctx_.state.resolve(arg.empty() ? "." : arg);
  auto entry = path ? ctx_.env.store.lookup(*path) : std::nullopt;
  if (!entry) {
    reply(ftp::kFileUnavailable, arg + ": No such file or directory.");
    co_return;
  }
  if (op == TransferOp::Mlsd && !entry->is_dir) {
    reply(ftp::kSyntaxErrorInArgs, arg + ": not a directory (use MLST for a file).");
    co_return;
  }
  co_await router_.listing(op, join_crlf(listing_lines(ctx_.env.store, format, *path, *entry, std::time(nullptr),
                                                       [this](const meta::Entry& e) { return ctx_.offline(e); },
                                                       ctx_.rights(), ctx_.shown(*path),
                                                       {list_arg.show_hidden, ctx_.state.mlst_facts()})));
}

}  // namespace fleet::master
