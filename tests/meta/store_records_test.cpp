// Users and the transfer log of the SQLite store.
#include <gtest/gtest.h>

#include "store_fixture.hpp"

namespace fleet::meta {
namespace {

using testing::StoreTest;

UserRecord user(const std::string& name, const std::string& hash = "$argon2id$x") {
  UserRecord u;
  u.name = name;
  u.password_hash = hash;
  u.home = "/home/" + name;
  u.enabled = true;
  u.created = 1700000000;
  return u;
}

TEST_F(StoreTest, AddAndGetUser) {
  UserRecord u = user("alice");
  u.enabled = false;
  ASSERT_TRUE(store_->add_user(u));
  auto got = store_->get_user("alice");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "alice");
  EXPECT_EQ(got->password_hash, "$argon2id$x");
  EXPECT_EQ(got->home, "/home/alice");
  EXPECT_FALSE(got->enabled);
  EXPECT_EQ(got->created, 1700000000);
  EXPECT_FALSE(store_->get_user("bob"));
  EXPECT_FALSE(store_->get_user("Alice"));
}

TEST_F(StoreTest, AddUserRefusesATakenName) {
  ASSERT_TRUE(store_->add_user(user("alice", "first")));
  EXPECT_FALSE(store_->add_user(user("alice", "second")));
  EXPECT_EQ(store_->get_user("alice")->password_hash, "first");
}

TEST_F(StoreTest, ListUsersSortedByName) {
  ASSERT_TRUE(store_->add_user(user("carol")));
  ASSERT_TRUE(store_->add_user(user("alice")));
  ASSERT_TRUE(store_->add_user(user("bob")));
  auto users = store_->list_users();
  ASSERT_EQ(users.size(), 3u);
  EXPECT_EQ(users[0].name, "alice");
  EXPECT_EQ(users[1].name, "bob");
  EXPECT_EQ(users[2].name, "carol");
  EXPECT_EQ(users[2].home, "/home/carol");
}

TEST_F(StoreTest, SetPassword) {
  ASSERT_TRUE(store_->add_user(user("alice", "old")));
  EXPECT_TRUE(store_->set_password("alice", "new"));
  EXPECT_EQ(store_->get_user("alice")->password_hash, "new");
  EXPECT_FALSE(store_->set_password("nobody", "new"));
}

TEST_F(StoreTest, DeleteUser) {
  ASSERT_TRUE(store_->add_user(user("alice")));
  EXPECT_TRUE(store_->delete_user("alice"));
  EXPECT_FALSE(store_->get_user("alice"));
  EXPECT_FALSE(store_->delete_user("alice"));
  EXPECT_TRUE(store_->list_users().empty());
  EXPECT_TRUE(store_->add_user(user("alice")));  // the name is free again
}

TransferRecord transfer(std::int64_t time, const std::string& path) {
  TransferRecord t;
  t.time = time;
  t.user = "alice";
  t.client_ip = "192.0.2.7";
  t.path = path;
  t.direction = 'o';
  t.bytes = 100;
  t.crc32 = 7;
  t.complete = true;
  t.node = "n1";
  t.duration_ms = 15;
  return t;
}

TEST_F(StoreTest, TransfersRoundTrip) {
  TransferRecord t = transfer(1700000001, "/up");
  t.direction = 'i';
  t.bytes = 1ull << 40;
  t.crc32 = 0xFFFFFFFF;
  t.complete = false;
  t.client_ip = "2001:db8::1";
  t.node = "n2";
  t.duration_ms = 123456;
  store_->record_transfer(t);
  auto got = store_->recent_transfers(10);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].time, 1700000001);
  EXPECT_EQ(got[0].user, "alice");
  EXPECT_EQ(got[0].client_ip, "2001:db8::1");
  EXPECT_EQ(got[0].path, "/up");
  EXPECT_EQ(got[0].direction, 'i');
  EXPECT_EQ(got[0].bytes, 1ull << 40);
  EXPECT_EQ(got[0].crc32, 0xFFFFFFFFu);
  EXPECT_FALSE(got[0].complete);
  EXPECT_EQ(got[0].node, "n2");
  EXPECT_EQ(got[0].duration_ms, 123456);
}

TEST_F(StoreTest, RecentTransfersNewestFirstAndLimited) {
  // Same timestamp for two: the order written decides.
  store_->record_transfer(transfer(100, "/first"));
  store_->record_transfer(transfer(200, "/second"));
  store_->record_transfer(transfer(200, "/third"));
  auto two = store_->recent_transfers(2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].path, "/third");
  EXPECT_EQ(two[1].path, "/second");
  EXPECT_EQ(store_->recent_transfers(100).size(), 3u);
  EXPECT_EQ(store_->recent_transfers(SIZE_MAX).size(), 3u);
  EXPECT_TRUE(store_->recent_transfers(0).empty());
}

}  // namespace
}  // namespace fleet::meta
