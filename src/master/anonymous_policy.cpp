#include "master/anonymous_policy.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace fleet::master {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  return true;
}

template <std::size_t N>
bool one_of(std::string_view verb, const std::array<std::string_view, N>& verbs) {
  for (auto v : verbs)
    if (verb == v) return true;
  return false;
}

// Change or remove what exists: with [anonymous] other_write only.
constexpr std::array<std::string_view, 6> kChangeVerbs = {"DELE", "RMD", "XRMD", "RNFR", "RNTO", "MFMT"};
// Create something new: with [anonymous] upload only.
constexpr std::array<std::string_view, 3> kCreateVerbs = {"STOU", "MKD", "XMKD"};

}  // namespace

bool is_anonymous_name(std::string_view user) { return iequals(user, "anonymous") || iequals(user, "ftp"); }

AnonymousDecision anonymous_decision(const ftp::Command& c, bool upload, bool other_write) {
  using Kind = AnonymousDecision::Kind;
  const std::string_view verb = c.verb;
  if (verb == "SMNT") return {Kind::Denied, {}};
  if (one_of(verb, kChangeVerbs)) return {other_write ? Kind::Allowed : Kind::Denied, {}};
  if (one_of(verb, kCreateVerbs)) return {upload ? Kind::Allowed : Kind::Denied, {}};
  if (verb == "STOR" || verb == "APPE") {
    if (!upload) return {Kind::Denied, {}};
    if (other_write) return {Kind::Allowed, {}};
    return {Kind::NewFileOnly, c.arg};
  }
  if (verb == "SITE") {
    const std::string_view arg = c.arg;
    const std::string_view sub = arg.substr(0, arg.find(' '));
    return {sub.empty() || iequals(sub, "help") ? Kind::Allowed : Kind::Denied, {}};
  }
  if (verb == "PRET") {
    auto inner = ftp::parse_command(c.arg);
    // A malformed PRET gets its own syntax error from the command itself.
    if (!inner || inner->verb == "PRET") return {Kind::Allowed, {}};
    return anonymous_decision(*inner, upload, other_write);
  }
  return {Kind::Allowed, {}};
}

std::string_view anonymous_rights_text(bool upload, bool other_write) {
  if (upload && other_write) return "read, upload, and change or delete existing files";
  if (upload) return "read, and upload of new files";
  if (other_write) return "read, and change or delete existing files";
  return "read-only";
}

std::string loggable_password(std::string_view password) {
  constexpr std::size_t kMax = 64;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(std::min(password.size(), kMax) + 8);
  for (std::size_t i = 0; i < password.size(); ++i) {
    if (i == kMax) {
      out += "...";
      break;
    }
    const auto ch = static_cast<unsigned char>(password[i]);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += static_cast<char>(ch);
    } else if (ch < 0x20 || ch == 0x7f) {
      out += "\\x";
      out += kHex[ch >> 4];
      out += kHex[ch & 0xf];
    } else {
      out += static_cast<char>(ch);  // UTF-8 bytes pass: names in e-mail addresses may use them
    }
  }
  return out;
}

}  // namespace fleet::master
