// What anonymous FTP sessions may do ([anonymous] in the master config), as
// pure decisions the Session acts on. The rules follow vsftpd's
// anon_upload_enable and anon_other_write_enable: reading is always allowed;
// with `upload` an anonymous user may create files (STOR, APPE, STOU) and
// directories (MKD); only with `other_write` may they also delete, rename,
// change times, and overwrite or append to a file that exists. SITE commands
// other than HELP show or change cluster internals and are always refused.
#pragma once

#include <string>
#include <string_view>

#include "ftp/command.hpp"

namespace fleet::master {

// "anonymous" or "ftp", in any case (RFC 1635).
bool is_anonymous_name(std::string_view user);

struct AnonymousDecision {
  enum class Kind {
    Allowed,
    Denied,
    NewFileOnly,  // allowed only if `target` names no existing entry
  };
  Kind kind = Kind::Allowed;
  std::string target;  // the path argument to check, for NewFileOnly
};

// The decision for one command of an anonymous session. PRET is judged by the
// command it announces, so a client learns before PASV that STOR is refused.
AnonymousDecision anonymous_decision(const ftp::Command& c, bool upload, bool other_write = false);

// What anonymous users may do, in words, for the 230 reply and the master's
// start-up log line.
std::string_view anonymous_rights_text(bool upload, bool other_write);

// The password an anonymous user gave (by convention an e-mail address), fit
// for a log line: at most 64 bytes, control bytes, quotes and backslashes
// escaped, so a client cannot forge or break log lines.
std::string loggable_password(std::string_view password);

}  // namespace fleet::master
