// Session: one FTP control connection's protocol state machine (RFC 959 and
// extensions). It consumes command lines and produces replies through a
// ReplySink, and directs data transfers to storage nodes (or carries listings
// itself); it never owns a socket of the control connection, so it can be
// driven by tests without one.
//
// Events are handled one at a time on the master's event loop: command lines
// (queued while a transfer runs, except ABOR and STAT, which act at once) and
// transfer completions.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ftp/command.hpp"
#include "ftp/hostport.hpp"
#include "ftp/view_root.hpp"
#include "master/control_channel.hpp"
#include "master/listing_builder.hpp"
#include "master/local_transfer.hpp"
#include "master/session_env.hpp"

namespace fleet::master {

struct ClientInfo {
  std::string ip;          // the client's address as the master sees it
  bool ipv6 = false;
  std::string local_ip;    // the master's address on this connection
};

class Session : public LineReceiver, public std::enable_shared_from_this<Session> {
 public:
  Session(asio::any_io_executor ex, SessionEnv& env, std::shared_ptr<ReplySink> sink, ClientInfo client);
  ~Session();

  // Greets the client and handles events until QUIT, disconnect or idle timeout.
  asio::awaitable<void> run();

  // Input from the control connection.
  void push_line(std::string line, bool overlong) override;
  void push_closed() override;
  // False once [ftp] max_queued_lines wait: the channel stops reading.
  bool accepts_lines() const override;

 private:
  // --- where the next data connection comes from ---
  struct NoData {};
  struct NodePassive {        // a listener on a storage node
    std::string node;
    std::uint64_t ticket = 0;
    std::uint16_t port = 0;
    // A pooled listener whose OpenPassive is held back until the transfer
    // command (or the release) goes to the node with it: one wake-up of the
    // node instead of two.
    bool open_held = false;
  };
  struct MasterPassive {      // a listener on the master (listings, relay)
    std::shared_ptr<net::PassiveListener> listener;
  };
  struct ActiveTarget {       // PORT/EPRT: the client listens
    ftp::HostPort target;
  };
  using DataSetup = std::variant<NoData, NodePassive, MasterPassive, ActiveTarget>;

  enum class Op { List, Nlst, Mlsd, Retr, Stor, Appe, Stou };

  // A running transfer: one or more tickets on nodes (node-to-node transfers
  // use two), or a transfer the master carries itself.
  struct Transfer {
    Op op = Op::Retr;
    std::string path;
    std::string node;                 // where the file is stored / read ("" = master)
    std::uint64_t offset = 0;
    std::vector<std::pair<std::string, std::uint64_t>> tickets;  // (node, ticket)
    std::size_t pending = 0;          // completions still expected
    std::shared_ptr<LocalTransfer> local;
    TransferOutcome outcome;          // merged so far
    bool have_store_outcome = false;
    std::uint64_t store_ticket = 0;   // the ticket whose outcome describes the stored file
    std::uint64_t client_ticket = 0;  // the ticket facing the client (bytes moved)
    bool abort_requested = false;
    std::chrono::steady_clock::time_point started;
  };

  using Handler = asio::awaitable<void> (Session::*)(const ftp::Command&);
  struct CommandSpec {
    const char* verb;
    Handler handler;
    bool needs_login;
    const char* help;
  };
  static const std::vector<CommandSpec>& command_table();
  static const CommandSpec* find_command(const std::string& verb);

  asio::awaitable<void> handle_line(std::string line, bool overlong);
  void reply(int code, std::string_view text);
  bool is_urgent(const std::string& line) const;
  // Arguments resolve in the client's view (its "/" is view_'s root) into
  // namespace paths; shown() maps a namespace path back for a reply.
  std::optional<std::string> resolve(std::string_view arg) const;
  std::optional<std::string> resolve_or_reply(std::string_view arg, int code = 550);
  std::string shown(std::string_view vfs_path) const { return view_.to_client(vfs_path); }
  // The MLSx perm fact's rights of this session.
  Rights rights() const;
  // Anonymous sessions: whether [anonymous] lets `c` run; replies 550 if not.
  bool anonymous_allows(const ftp::Command& c);
  void login_anonymous(std::string_view password);
  // Back to "not logged in" (USER again, REIN, end of session).
  void end_login();
  // SIZE/MDTM: the file's entry, or a 550 reply; remembers it for PASV.
  std::optional<meta::Entry> plain_file_or_reply(const std::string& arg);
  void wake();

  // --- commands (session.cpp, session_files.cpp) ---
  asio::awaitable<void> cmd_user(const ftp::Command& c);
  asio::awaitable<void> cmd_pass(const ftp::Command& c);
  asio::awaitable<void> cmd_acct(const ftp::Command& c);
  asio::awaitable<void> cmd_rein(const ftp::Command& c);
  asio::awaitable<void> cmd_quit(const ftp::Command& c);
  asio::awaitable<void> cmd_noop(const ftp::Command& c);
  asio::awaitable<void> cmd_syst(const ftp::Command& c);
  asio::awaitable<void> cmd_feat(const ftp::Command& c);
  asio::awaitable<void> cmd_opts(const ftp::Command& c);
  asio::awaitable<void> cmd_help(const ftp::Command& c);
  asio::awaitable<void> cmd_stat(const ftp::Command& c);
  asio::awaitable<void> cmd_site(const ftp::Command& c);
  asio::awaitable<void> cmd_host(const ftp::Command& c);
  asio::awaitable<void> cmd_type(const ftp::Command& c);
  asio::awaitable<void> cmd_mode(const ftp::Command& c);
  asio::awaitable<void> cmd_stru(const ftp::Command& c);
  asio::awaitable<void> cmd_allo(const ftp::Command& c);
  asio::awaitable<void> cmd_not_implemented(const ftp::Command& c);
  asio::awaitable<void> cmd_pwd(const ftp::Command& c);
  asio::awaitable<void> cmd_cwd(const ftp::Command& c);
  asio::awaitable<void> cmd_cdup(const ftp::Command& c);
  asio::awaitable<void> cmd_mkd(const ftp::Command& c);
  asio::awaitable<void> cmd_rmd(const ftp::Command& c);
  asio::awaitable<void> cmd_dele(const ftp::Command& c);
  asio::awaitable<void> cmd_rnfr(const ftp::Command& c);
  asio::awaitable<void> cmd_rnto(const ftp::Command& c);
  asio::awaitable<void> cmd_size(const ftp::Command& c);
  asio::awaitable<void> cmd_mdtm(const ftp::Command& c);
  asio::awaitable<void> cmd_mfmt(const ftp::Command& c);
  asio::awaitable<void> cmd_mlst(const ftp::Command& c);
  asio::awaitable<void> cmd_rest(const ftp::Command& c);
  asio::awaitable<void> cmd_abor(const ftp::Command& c);

  // --- data connection setup and transfers (session_data.cpp) ---
  asio::awaitable<void> cmd_port(const ftp::Command& c);
  asio::awaitable<void> cmd_eprt(const ftp::Command& c);
  asio::awaitable<void> cmd_pasv(const ftp::Command& c);
  asio::awaitable<void> cmd_epsv(const ftp::Command& c);
  asio::awaitable<void> cmd_pret(const ftp::Command& c);
  asio::awaitable<void> cmd_list(const ftp::Command& c);
  asio::awaitable<void> cmd_nlst(const ftp::Command& c);
  asio::awaitable<void> cmd_mlsd(const ftp::Command& c);
  asio::awaitable<void> cmd_retr(const ftp::Command& c);
  asio::awaitable<void> cmd_stor(const ftp::Command& c);
  asio::awaitable<void> cmd_appe(const ftp::Command& c);
  asio::awaitable<void> cmd_stou(const ftp::Command& c);

  bool accept_active_target(const ftp::HostPort& hp, const char* verb);
  // Opens a listener for the next data connection: on a node chosen for what is
  // coming, or on the master. Replies with an error itself and returns false.
  asio::awaitable<bool> open_passive(bool for_epsv, DataSetup& out);
  // A listener on `node` for `ticket`: a pooled one (its OpenPassive sent now,
  // or held back with `hold_open`, which is only for the client's own data
  // connection: send_held_open() allows the client's address), else one the
  // node opens on request.
  asio::awaitable<std::optional<NodePassive>> open_node_listener(const std::string& node, std::uint64_t ticket,
                                                                 const std::string& allowed_ip, bool hold_open);
  void send_held_open(NodePassive& np);
  // The data connection set up for the next transfer, now the transfer's.
  DataSetup take_data_setup();
  std::shared_ptr<net::PassiveListener> open_master_listener();
  // Which node should the next passive connection go to, given PRET and what
  // the session did last. nullopt = the master itself (listings).
  std::optional<std::string> predict_node();
  bool pret_is_listing() const;
  void release_data_setup();
  // The client's end of a data connection the master carries itself.
  ClientEnd relay_client_end(const DataSetup& setup) const;
  // The master's own address as `node` sees it (its end of the node link).
  std::string master_address_for(const std::string& node);
  // Whether a file has no copy that can be read now (for listings).
  bool offline(const meta::Entry& e);
  asio::awaitable<void> list_command(Op op, ListingFormat format, const ftp::Command& c);
  std::string listing_payload(ListingFormat format, const std::string& path, const meta::Entry& entry);
  asio::awaitable<void> send_listing(Op op, std::string payload);
  asio::awaitable<std::optional<std::string>> start_forwarded(const DataSetup& setup, link::StartTransfer storage_side,
                                                              const std::string& storage_node, bool upload);
  asio::awaitable<std::optional<std::string>> start_handed_off(NodePassive client_side,
                                                               link::StartTransfer storage_side,
                                                               const std::string& storage_node, bool upload);
  asio::awaitable<void> start_retr(const std::string& path);
  asio::awaitable<void> start_store(Op op, const std::string& path);
  // Starts one ticket's transfer on a node without waiting for it (a
  // refusal arrives as its TransferDone); the reason if the node is offline.
  std::optional<std::string> start_on_node(const std::string& node, link::StartTransfer start, bool client_facing,
                                           bool stores_file);
  void watch_ticket(const std::string& node, std::uint64_t ticket);
  void on_done(std::uint64_t ticket, TransferOutcome outcome);
  asio::awaitable<void> finish_transfer();
  void abort_transfer();
  void record(const Transfer& t, bool complete);
  // --- changes on the nodes' disks (session_files.cpp) ---
  struct NodeFailure {
    std::string node;
    std::string error;
  };
  // Runs `op` on each connected node of `targets` in turn, stopping at the
  // first real failure; `done` gets the nodes where it took effect, `offline`
  // the ones that were not connected.
  asio::awaitable<std::optional<NodeFailure>> run_on_nodes(const std::vector<std::string>& targets, link::FileOp op,
                                                           std::vector<std::string>& done,
                                                           std::vector<std::string>& offline);
  // Keeps a change for nodes that are away, replayed when they return.
  void queue_for(const std::vector<std::string>& nodes, meta::NodeOp::Kind kind, const std::string& path,
                 const std::string& path2);
  // Fire and forget (offline nodes get deletes queued): for cleanups whose
  // failure changes no reply.
  void file_op_everywhere(const std::vector<std::string>& nodes, link::FileOp op);
  // Every node the cluster knows: connected, lost, or holding copies in the VFS.
  std::vector<std::string> known_nodes();
  // Names starting with ".fleetftp-" belong to the nodes' housekeeping.
  static bool is_reserved(const std::string& path);

  SessionEnv& env_;
  std::shared_ptr<ReplySink> sink_;
  ClientInfo client_;

  // Input events.
  // A list, not a deque: an empty std::deque still allocates, and idle
  // sessions (thousands per master) have no lines queued.
  std::list<std::pair<std::string, bool>> lines_;
  bool closed_ = false;
  bool quit_ = false;
  asio::steady_timer wake_;

  // Login.
  bool logged_in_ = false;
  std::string pending_user_;
  bool pending_anonymous_ = false;  // USER named the anonymous account and [anonymous] is enabled
  std::string user_;
  bool anonymous_ = false;          // logged in anonymously: confined to view_, writes restricted
  ftp::ViewRoot view_;              // the namespace part this session sees as "/"

  // Protocol state.
  std::string cwd_ = "/";         // a namespace path, always inside view_
  bool ascii_ = false;
  std::uint64_t rest_ = 0;
  std::optional<std::string> rnfr_;
  std::optional<ftp::Command> pret_;
  std::string predicted_path_;   // last file named by SIZE/MDTM/MLST or retrieved: the next transfer is likely about it
  bool predict_next_ = false;    // it was retrieved: rather the next file of its directory
  bool epsv_all_ = false;
  DataSetup data_;
  std::unique_ptr<Transfer> transfer_;  // a pointer: idle sessions hold none
};

}  // namespace fleet::master
