// ProtocolState: what one FTP control session remembers between commands,
// and RFC 959's rules about which command may follow which — with no sockets,
// store or nodes, so every rule is unit-tested as pure code.
//
//   login    USER -> PASS (RFC 959 §5.4); a new USER or REIN ends a login
//   cwd      a namespace path inside the session's view (ViewRoot)
//   TYPE     A or I (L 8); other types are refused
//   REST     survives only the commands that may sit between it and its
//            RETR/STOR (data-connection setup, TYPE, SIZE, MDTM, NOOP);
//            APPE never uses it, so it is cleared there too
//   RNFR     must be followed directly by RNTO (RFC 959 §4.1.3)
//   PRET     the next PASV/EPSV's hint; used once
//   EPSV ALL after it, only EPSV sets up data connections (RFC 2428 §4)
//   OPTS MLST the facts MLST and MLSD send (RFC 3659 §7.9)
//
// One object per session, used on the session's thread only; nothing throws
// except std::bad_alloc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "ftp/command.hpp"
#include "ftp/listing.hpp"
#include "ftp/view_root.hpp"

namespace fleet::ftp {

class ProtocolState {
 public:
  // Sequencing, called with each command's verb before its handler runs:
  // drops a pending RNFR unless the verb is RNTO, and the REST offset unless
  // the verb keeps it.
  void before_command(std::string_view verb);
  static bool keeps_rest(std::string_view verb);

  // --- login ---
  bool logged_in() const { return logged_in_; }
  bool anonymous() const { return anonymous_; }
  const std::string& user() const { return user_; }
  // USER: any login in force ends first (the caller releases what it held).
  void user_given(std::string name, bool anonymous);
  bool awaiting_password() const { return !pending_user_.empty(); }
  bool pending_anonymous() const { return pending_anonymous_; }
  const std::string& pending_user() const { return pending_user_; }
  // PASS: the USER it answers is used once, whatever the outcome.
  std::string take_pending_user();
  void logged_in_as(std::string user, bool anonymous, ViewRoot view, std::string home);
  // Back to "not logged in": view and cwd return to "/".
  void end_login();
  // REIN (RFC 959 §4.1.1): everything back to a fresh connection's state.
  void reinitialize();
  // HOST (RFC 7151 §3) is only valid before USER.
  bool host_allowed() const { return !logged_in_ && pending_user_.empty(); }

  // --- names ---
  const std::string& cwd() const { return cwd_; }
  void set_cwd(std::string path) { cwd_ = std::move(path); }
  const ViewRoot& view() const { return view_; }
  // A client's argument as a namespace path (nullopt for an invalid one).
  std::optional<std::string> resolve(std::string_view arg) const { return view_.resolve(cwd_, arg); }
  // A namespace path as the client sees it.
  std::string shown(std::string_view vfs_path) const { return view_.to_client(vfs_path); }

  // --- TYPE ---
  enum class TypeChange { Binary, Ascii, NotSupported, BadSyntax };
  // Applies TYPE's argument; NotSupported and BadSyntax leave it unchanged.
  TypeChange set_type(std::string_view arg);
  bool ascii() const { return ascii_; }

  // --- REST ---
  // false for anything but a decimal non-negative offset.
  bool set_rest(std::string_view arg);
  std::uint64_t rest() const { return rest_; }
  std::uint64_t take_rest() { return std::exchange(rest_, 0); }

  // --- RNFR/RNTO ---
  void set_rename_from(std::string path) { rnfr_ = std::move(path); }
  std::optional<std::string> take_rename_from() { return std::exchange(rnfr_, std::nullopt); }

  // --- PRET ---
  void set_pret(Command c) { pret_ = std::move(c); }
  const std::optional<Command>& pret() const { return pret_; }
  void clear_pret() { pret_.reset(); }
  bool pret_is_listing() const;
  bool pret_is_upload() const;

  // --- EPSV ALL ---
  void set_epsv_all() { epsv_all_ = true; }
  bool epsv_all() const { return epsv_all_; }

  // --- OPTS MLST (RFC 3659 §7.9): the facts MLST and MLSD send ---
  void set_mlst_facts(unsigned facts) { mlst_facts_ = facts; }
  unsigned mlst_facts() const { return mlst_facts_; }

  // --- what the next transfer is probably about (for PASV without PRET) ---
  // SIZE/MDTM/MLST named a file: clients ask that just before a download.
  void file_named(std::string path);
  // RETR of a file: a client fetching a directory takes the next file next.
  void file_retrieved(std::string path);
  const std::string& predicted_path() const { return predicted_path_; }
  bool predict_next_in_directory() const { return predict_next_; }

 private:
  bool logged_in_ = false;
  bool anonymous_ = false;
  std::string user_;
  std::string pending_user_;
  bool pending_anonymous_ = false;
  ViewRoot view_;
  std::string cwd_ = "/";
  bool ascii_ = false;
  std::uint64_t rest_ = 0;
  std::optional<std::string> rnfr_;
  std::optional<Command> pret_;
  bool epsv_all_ = false;
  unsigned mlst_facts_ = kAllMlsxFacts;
  std::string predicted_path_;
  bool predict_next_ = false;
};

}  // namespace fleet::ftp
