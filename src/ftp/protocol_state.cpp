#include "ftp/protocol_state.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace fleet::ftp {

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char ch) { return std::toupper(ch); });
  return out;
}
}  // namespace

bool ProtocolState::keeps_rest(std::string_view verb) {
  // The commands a client may send between REST and the RETR/STOR it is for.
  // APPE is not one: it always writes at the end, and a REST left over from
  // before it would otherwise apply to a later STOR.
  static constexpr std::array<std::string_view, 12> kKeep = {"REST", "RETR", "STOR", "PASV", "EPSV", "PORT",
                                                             "EPRT", "PRET", "TYPE", "SIZE", "MDTM", "NOOP"};
  return std::find(kKeep.begin(), kKeep.end(), verb) != kKeep.end();
}

void ProtocolState::before_command(std::string_view verb) {
  if (rnfr_ && verb != "RNTO") rnfr_.reset();
  if (!keeps_rest(verb)) rest_ = 0;
}

void ProtocolState::user_given(std::string name, bool anonymous) {
  if (logged_in_) end_login();
  pending_user_ = std::move(name);
  pending_anonymous_ = anonymous;
}

std::string ProtocolState::take_pending_user() {
  pending_anonymous_ = false;
  return std::exchange(pending_user_, {});
}

void ProtocolState::logged_in_as(std::string user, bool anonymous, ViewRoot view, std::string home) {
  pending_user_.clear();
  pending_anonymous_ = false;
  logged_in_ = true;
  anonymous_ = anonymous;
  user_ = std::move(user);
  view_ = std::move(view);
  cwd_ = std::move(home);
}

void ProtocolState::end_login() {
  logged_in_ = false;
  anonymous_ = false;
  user_.clear();
  view_ = ViewRoot();
  cwd_ = "/";
}

void ProtocolState::reinitialize() { *this = ProtocolState(); }

ProtocolState::TypeChange ProtocolState::set_type(std::string_view arg) {
  const auto a = upper(arg);
  if (a == "I" || a == "L 8" || a == "L8") {
    ascii_ = false;
    return TypeChange::Binary;
  }
  if (a == "A" || a == "A N") {
    ascii_ = true;
    return TypeChange::Ascii;
  }
  if (a == "E" || a == "E N" || a == "A T" || a == "A C" || a.rfind("L ", 0) == 0) return TypeChange::NotSupported;
  return TypeChange::BadSyntax;
}

bool ProtocolState::set_rest(std::string_view arg) {
  std::uint64_t offset = 0;
  const auto* end = arg.data() + arg.size();
  auto [p, ec] = std::from_chars(arg.data(), end, offset);
  if (arg.empty() || ec != std::errc() || p != end) return false;
  rest_ = offset;
  return true;
}

bool ProtocolState::pret_is_listing() const {
  return pret_ && (pret_->verb == "LIST" || pret_->verb == "NLST" || pret_->verb == "MLSD");
}

bool ProtocolState::pret_is_upload() const {
  return pret_ && (pret_->verb == "STOR" || pret_->verb == "STOU" || pret_->verb == "APPE");
}

void ProtocolState::file_named(std::string path) {
  predicted_path_ = std::move(path);
  predict_next_ = false;
}

void ProtocolState::file_retrieved(std::string path) {
  predicted_path_ = std::move(path);
  predict_next_ = true;
}

}  // namespace fleet::ftp
