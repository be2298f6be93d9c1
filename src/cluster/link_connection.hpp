// LinkConnection: one framed, multiplexed node-link connection (either end).
//
// Frames are a 4-byte big-endian length plus a serialized link::Envelope.
// Requests get a fresh id and are matched with their reply by id, so many can
// be in flight at once; everything else is handed to the message handler given
// to run(). All methods must be called from the connection's executor (the
// processes run one event loop thread each, so there is no locking).
//
// A small file costs a message each way, so the link saves system calls:
// what is sent while one handler runs leaves in one write, after it (or at
// flush()), and a read takes every frame the kernel holds at once.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "link.pb.h"

namespace fleet::cluster {

class LinkConnection : public std::enable_shared_from_this<LinkConnection> {
 public:
  static constexpr std::uint32_t kMaxFrame = 64u << 20;

  explicit LinkConnection(asio::ip::tcp::socket socket);
  ~LinkConnection();

  LinkConnection(const LinkConnection&) = delete;
  LinkConnection& operator=(const LinkConnection&) = delete;

  // Queues a message; never blocks. Messages are written in order, together
  // with the others queued before the current handler returns. A message
  // larger than kMaxFrame is not sent (the peer would drop the link for it):
  // it is logged and send() returns false.
  bool send(const link::Envelope& env);

  // Writes what is queued now instead of after the current handler: for a
  // caller whose next step (a reply to an FTP client) should not come first.
  void flush();

  // Replies to request `request_id` with `env` (sets env.id). Id 0 is an
  // event, which is never answered: nothing is sent. A reply over the frame
  // limit is replaced by an OpResult{ok=false} that says so.
  void reply(std::uint64_t request_id, link::Envelope env);

  // Sends `env` as a request and waits for its reply. nullopt on timeout or
  // when the link closes first. A request over the frame limit is not sent:
  // its reply is an OpResult{ok=false} that says so, at once.
  asio::awaitable<std::optional<link::Envelope>> call(link::Envelope env,
                                                      std::chrono::milliseconds timeout);

  // Reads one frame directly (used for the handshake, before run()).
  asio::awaitable<std::optional<link::Envelope>> read_one();

  // Reads frames until the link closes: replies complete their call(), every
  // other message goes to `on_message`. Returns when the link is closed.
  asio::awaitable<void> run(std::function<void(link::Envelope)> on_message);

  void close();
  bool is_open() const { return open_; }
  const std::string& remote_ip() const { return remote_ip_; }
  // This end's address: the one the peer sees connections from us come from.
  const std::string& local_ip() const { return local_ip_; }
  asio::any_io_executor executor() { return socket_.get_executor(); }

 private:
  struct PendingCall {
    std::shared_ptr<asio::steady_timer> timer;
    std::optional<link::Envelope> reply;
  };

  asio::awaitable<void> write_loop();
  // The next complete frame in in_, if any: nullopt when more bytes are
  // needed, or an error (`bad` set) when the frame is oversized or undecodable.
  std::optional<link::Envelope> take_frame(bool& bad);

  asio::ip::tcp::socket socket_;
  std::string remote_ip_;
  std::string local_ip_;
  bool open_ = true;
  bool writing_ = false;      // write_loop() owns out_
  bool flush_posted_ = false;
  std::string out_;           // frames not yet handed to the kernel
  std::vector<char> in_;      // read buffer: [in_begin_, in_end_) holds bytes not yet taken as frames
  std::size_t in_begin_ = 0;
  std::size_t in_end_ = 0;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, std::shared_ptr<PendingCall>> pending_;
};

}  // namespace fleet::cluster
