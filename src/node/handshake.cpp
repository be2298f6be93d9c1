#include "node/handshake.hpp"

#include <spdlog/spdlog.h>

#include <memory>

#include "cluster/link_auth.hpp"

namespace fleet::node {

namespace {

struct Outcome {
  std::optional<link::Welcome> welcome;  // set when welcomed
  std::string problem;                     // otherwise: what went wrong
};

asio::awaitable<Outcome> exchange(cluster::LinkConnection& link, const NodeContext& context) {
  const auto& config = context.config;
  const auto node_nonce = cluster::random_nonce();
  link::Envelope hello;
  auto* h = hello.mutable_hello();
  h->set_version(link::VERSION_CURRENT);
  h->set_node_name(config.name);
  h->set_node_nonce(node_nonce);
  h->set_data_address(config.data_address);
  h->set_public_address(config.public_address);
  h->set_handoff_scope(context.handoff_scope);
  h->set_handoff_name(context.handoff_name);
  link.send(hello);

  auto challenge = co_await link.read_one();
  if (!challenge || !challenge->has_challenge())
    co_return Outcome{std::nullopt, "closed the link without sending a challenge (does it know this node?)"};
  const auto& c = challenge->challenge();
  const auto expected = cluster::link_proof(config.link_key, "master", node_nonce, c.master_nonce());
  if (!cluster::proofs_equal(expected, c.master_proof()))
    co_return Outcome{std::nullopt, "failed authentication (is the link key the same on both?)"};

  link::Envelope proof;
  proof.mutable_auth_proof()->set_node_proof(
      cluster::link_proof(config.link_key, "node", c.master_nonce(), node_nonce));
  link.send(proof);

  auto welcome = co_await link.read_one();
  if (!welcome || !welcome->has_welcome())
    co_return Outcome{std::nullopt, "did not accept this node's proof (is the link key the same on both?)"};
  co_return Outcome{welcome->welcome(), {}};
}

}  // namespace

asio::awaitable<std::optional<link::Welcome>> authenticate_to_master(cluster::LinkConnection& link,
                                                                   const NodeContext& context,
                                                                   std::chrono::milliseconds timeout) {
  // A master that never answers must not hold the node forever: closing the
  // link ends the pending read. The flags are shared because the timer's
  // handler may still run after this coroutine has finished.
  struct Watch {
    bool finished = false;
    bool fired = false;
  };
  auto watch = std::make_shared<Watch>();
  asio::steady_timer watchdog(link.executor());
  watchdog.expires_after(timeout);
  watchdog.async_wait([watch, weak = link.weak_from_this()](std::error_code ec) {
    if (ec || watch->finished) return;
    watch->fired = true;
    if (auto l = weak.lock()) l->close();
  });
  const auto& config = context.config;
  auto outcome = co_await exchange(link, context);
  watch->finished = true;
  watchdog.cancel();
  if (!outcome.welcome) {
    if (!watch->fired && !link.is_open()) co_return std::nullopt;  // closed here: the node is stopping
    if (watch->fired) {
      outcome.problem = "did not complete the handshake within " +
                        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) + " s";
    }
    spdlog::error("master {}:{} {}; closing the link", config.master_host, config.master_port, outcome.problem);
    link.close();
  }
  co_return outcome.welcome;
}

}  // namespace fleet::node
