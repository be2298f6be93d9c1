// A MetaStore that passes every call to a real one, except that the calls
// named in `fail` throw (as SQLite busy or a full disk would), for tests of
// what the master does when its metadata store fails.
#pragma once

#include <set>
#include <stdexcept>
#include <string>

#include "meta/store.hpp"

namespace fleet::master::testing {

class FaultyStore : public meta::MetaStore {
 public:
  explicit FaultyStore(meta::MetaStore& real) : real_(real) {}
  std::set<std::string> fail;  // "put_file", "lookup", "make_dir", ...

  std::optional<meta::Entry> lookup(std::string_view p) override { return check("lookup"), real_.lookup(p); }
  std::vector<meta::Entry> list_dir(std::string_view p) override { return check("list_dir"), real_.list_dir(p); }
  std::optional<meta::Entry> next_file(std::string_view p) override { return check("next_file"), real_.next_file(p); }
  meta::Status make_dir(std::string_view p, std::string_view o, std::int64_t t) override {
    return check("make_dir"), real_.make_dir(p, o, t);
  }
  meta::Status remove_dir(std::string_view p) override { return check("remove_dir"), real_.remove_dir(p); }
  meta::Status put_file(std::string_view p, std::uint64_t s, std::int64_t t, std::string_view o, std::uint32_t c,
                        std::string_view n) override {
    return check("put_file"), real_.put_file(p, s, t, o, c, n);
  }
  meta::Status remove_file(std::string_view p, meta::Entry* r) override { return check("remove_file"), real_.remove_file(p, r); }
  meta::Status rename(std::string_view f, std::string_view t, std::optional<meta::Entry>* r) override {
    return check("rename"), real_.rename(f, t, r);
  }
  meta::Status set_mtime(std::string_view p, std::int64_t t) override { return check("set_mtime"), real_.set_mtime(p, t); }
  meta::Status add_copy(std::string_view p, std::string_view n) override { return real_.add_copy(p, n); }
  std::vector<std::pair<std::string, std::uint64_t>> files_on_node(std::string_view n) override {
    return real_.files_on_node(n);
  }
  std::optional<std::string> path_of(std::int64_t id) override { return real_.path_of(id); }
  meta::Status set_replicas(std::string_view p, int r) override { return check("set_replicas"), real_.set_replicas(p, r); }
  meta::Status remove_copy(std::string_view p, std::string_view n) override { return real_.remove_copy(p, n); }
  std::vector<meta::FileRef> under_replicated(const std::vector<std::string>& o, std::int64_t a, std::int64_t u,
                                              std::size_t l) override {
    return real_.under_replicated(o, a, u, l);
  }
  std::int64_t last_entry_id() override { return real_.last_entry_id(); }
  std::unique_ptr<MetaStore> open_another() override { return real_.open_another(); }
  std::vector<meta::FileRef> files_on_node_batch(std::string_view n, std::int64_t a, std::size_t l) override {
    return real_.files_on_node_batch(n, a, l);
  }
  std::vector<meta::FileRef> files_batch(std::int64_t a, std::size_t l) override { return real_.files_batch(a, l); }
  std::vector<meta::NodeUsage> node_usage() override { return real_.node_usage(); }
  std::vector<std::string> nodes_with_copies() override { return real_.nodes_with_copies(); }
  void enqueue_node_op(std::string_view n, meta::NodeOp::Kind k, std::string_view p, std::string_view p2) override {
    real_.enqueue_node_op(n, k, p, p2);
  }
  std::vector<meta::NodeOp> node_ops(std::string_view n, std::size_t l) override { return real_.node_ops(n, l); }
  void ack_node_op(std::int64_t s) override { real_.ack_node_op(s); }
  std::int64_t begin_inventory(std::string_view n) override { return real_.begin_inventory(n); }
  meta::ReconcileResult reconcile_batch(std::string_view n, std::int64_t g, const std::vector<meta::InventoryItem>& i,
                                        meta::UnknownFilePolicy p) override {
    return real_.reconcile_batch(n, g, i, p);
  }
  std::vector<std::string> end_inventory(std::string_view n, std::int64_t g) override { return real_.end_inventory(n, g); }
  void set_node_flag(std::string_view n, std::string_view f, bool on) override { real_.set_node_flag(n, f, on); }
  bool node_flag(std::string_view n, std::string_view f) override { return real_.node_flag(n, f); }
  bool add_user(const meta::UserRecord& u) override { return real_.add_user(u); }
  std::optional<meta::UserRecord> get_user(std::string_view n) override { return check("get_user"), real_.get_user(n); }
  std::vector<meta::UserRecord> list_users() override { return real_.list_users(); }
  bool delete_user(std::string_view n) override { return real_.delete_user(n); }
  bool set_password(std::string_view n, std::string_view h) override { return real_.set_password(n, h); }
  void record_transfers(const std::vector<meta::TransferRecord>& b) override { real_.record_transfers(b); }
  std::vector<meta::TransferRecord> recent_transfers(std::size_t l) override { return real_.recent_transfers(l); }

 private:
  void check(const char* call) const {
    if (fail.contains(call)) throw std::runtime_error(std::string(call) + ": database is locked");
  }
  meta::MetaStore& real_;
};

}  // namespace fleet::master::testing
