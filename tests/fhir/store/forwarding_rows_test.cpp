// The forwarding tables (sqlite_forwarding.cpp, migration step 10) over a
// real SQLite file: a subscription's state kept and replaced, its queue in
// commit order with each version once, removal up to a seq, a unit that
// fails leaving nothing queued, and both surviving a reopen.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fhir/core/errors.hpp"
#include "fhir/store/store.hpp"
#include "tests/fhir/store/temp_store.hpp"

namespace fhir::store {
namespace {

using test::write_sync;

SubscriptionState state(std::string id, std::string status = "requested") {
  SubscriptionState s;
  s.id = std::move(id);
  s.client_id = "partner-a";
  s.purpose = "TREAT";
  s.status = std::move(status);
  s.criteria_type = "Observation";
  s.updated_ms = 5;
  return s;
}

OutboxItem item(std::string sub, std::int64_t seq) {
  OutboxItem i;
  i.subscription_id = std::move(sub);
  i.seq = seq;
  i.type = "Observation";
  i.id = "o" + std::to_string(seq);
  i.version = 1;
  i.queued_ms = 7;
  return i;
}

std::vector<std::int64_t> seqs(const std::vector<OutboxItem>& items) {
  std::vector<std::int64_t> out;
  for (const auto& i : items) out.push_back(i.seq);
  return out;
}

class ForwardingRowsTest : public test::TempStoreTest {
 protected:
  void SetUp() override {
    TempStoreTest::SetUp();
    open();
  }
};

TEST_F(ForwardingRowsTest, KeepsAndReplacesASubscriptionsState) {
  ASSERT_TRUE(write_sync(*store_, [](WriteTxn& tx) { return tx.put_subscription_state(state("s1")); }).ok());
  SubscriptionState changed = state("s1", "error");
  changed.events = 12;
  changed.failures = 3;
  changed.next_attempt_ms = 99;
  changed.last_success_ms = 40;
  changed.last_error = "HTTP 503";
  changed.last_error_ms = 41;
  changed.user_id = "Practitioner/p7";
  ASSERT_TRUE(write_sync(*store_, [&](WriteTxn& tx) { return tx.put_subscription_state(changed); }).ok());
  auto read = store_->read_subscription_state("s1");
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->status, "error");
  EXPECT_EQ((*read)->events, 12);
  EXPECT_EQ((*read)->failures, 3);
  EXPECT_EQ((*read)->next_attempt_ms, 99);
  EXPECT_EQ((*read)->last_error, "HTTP 503");
  EXPECT_EQ((*read)->client_id, "partner-a");
  EXPECT_EQ((*read)->purpose, "TREAT");
  EXPECT_EQ((*read)->user_id, "Practitioner/p7");
  auto all = store_->subscription_states();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);
  auto none = store_->read_subscription_state("nope");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_F(ForwardingRowsTest, RefusesAStateWithoutOwnerOrWithAnUnknownStatus) {
  SubscriptionState no_client = state("s1");
  no_client.client_id.clear();
  auto st = write_sync(*store_, [&](WriteTxn& tx) { return tx.put_subscription_state(no_client); });
  EXPECT_EQ(st.issue().code, err::kInvalidValue.issue_code);
  st = write_sync(*store_, [](WriteTxn& tx) { return tx.put_subscription_state(state("s1", "paused")); });
  EXPECT_EQ(st.issue().code, err::kInvalidValue.issue_code);
  auto all = store_->subscription_states();
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->empty());
}

// Writers reload their cached criteria when the generation moves: on a
// matching change, not after every delivery's counters.
TEST_F(ForwardingRowsTest, OnlyAMatchingChangeMovesTheSubscriptionGeneration) {
  auto generation = [&] {
    auto g = store_->read_meta(kSubscriptionGenerationMeta);
    EXPECT_TRUE(g.ok());
    return g.ok() ? g->value_or("") : "";
  };
  ASSERT_TRUE(write_sync(*store_, [](WriteTxn& tx) { return tx.put_subscription_state(state("s1")); }).ok());
  const std::string created = generation();
  EXPECT_FALSE(created.empty());
  SubscriptionState counted = state("s1");
  counted.events = 5;
  ASSERT_TRUE(write_sync(*store_, [&](WriteTxn& tx) {
                return tx.put_subscription_state(counted, StateChange::delivery);
              }).ok());
  EXPECT_EQ(generation(), created);
  ASSERT_TRUE(write_sync(*store_, [](WriteTxn& tx) {
                return tx.put_subscription_state(state("s1", "active"), StateChange::matching);
              }).ok());
  EXPECT_NE(generation(), created);
}

TEST_F(ForwardingRowsTest, QueuesInSeqOrderOncePerVersionAndDequeuesUpToASeq) {
  auto st = write_sync(*store_, [](WriteTxn& tx) -> Status {
    if (auto s = tx.put_subscription_state(state("s1")); !s) return s;
    if (auto s = tx.put_subscription_state(state("s2")); !s) return s;
    for (std::int64_t seq : {30, 10, 20, 10})  // out of order, and 10 twice
      if (auto s = tx.enqueue(item("s1", seq)); !s) return s;
    return tx.enqueue(item("s2", 15));
  });
  ASSERT_TRUE(st.ok()) << st.issue().diagnostics;
  auto queued = store_->outbox("s1", 10);
  ASSERT_TRUE(queued.ok());
  EXPECT_EQ(seqs(*queued), (std::vector<std::int64_t>{10, 20, 30}));
  EXPECT_EQ(queued->front().id, "o10");
  auto first = store_->outbox("s1", 2);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(seqs(*first), (std::vector<std::int64_t>{10, 20}));
  auto after = store_->outbox("s1", 10, 10);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(seqs(*after), (std::vector<std::int64_t>{20, 30}));
  std::int64_t removed = 0;
  ASSERT_TRUE(write_sync(*store_, [&](WriteTxn& tx) -> Status {
                auto n = tx.dequeue("s1", 20);
                if (!n) return n.take_issue();
                removed = *n;
                return ok_status();
              }).ok());
  EXPECT_EQ(removed, 2);
  EXPECT_EQ(*store_->outbox_count("s1"), 1);
  EXPECT_EQ(*store_->outbox_count("s2"), 1);  // another subscription's queue is its own
  // The list of states says which have anything queued.
  ASSERT_TRUE(write_sync(*store_, [](WriteTxn& tx) -> Status {
                if (auto s = tx.put_subscription_state(state("s3")); !s) return s;
                auto n = tx.dequeue("s2", 100);
                return n ? ok_status() : n.take_issue();
              }).ok());
  auto states = store_->subscription_states();
  ASSERT_TRUE(states.ok());
  ASSERT_EQ(states->size(), 3u);
  EXPECT_TRUE((*states)[0].queued);   // s1
  EXPECT_FALSE((*states)[1].queued);  // s2, emptied
  EXPECT_FALSE((*states)[2].queued);  // s3, never queued
}

TEST_F(ForwardingRowsTest, AFailedUnitQueuesNothingAndRemovingASubscriptionDropsItsQueue) {
  auto st = write_sync(*store_, [](WriteTxn& tx) -> Status {
    if (auto s = tx.put_subscription_state(state("s1")); !s) return s;
    return tx.enqueue(item("s1", 1));
  });
  ASSERT_TRUE(st.ok());
  st = write_sync(*store_, [](WriteTxn& tx) -> Status {
    if (auto s = tx.enqueue(item("s1", 2)); !s) return s;
    return make_issue(err::kInvalidValue, "the unit fails after queueing");
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(*store_->outbox_count("s1"), 1);
  ASSERT_TRUE(write_sync(*store_, [](WriteTxn& tx) { return tx.remove_subscription_state("s1"); }).ok());
  EXPECT_EQ(*store_->outbox_count("s1"), 0);
  EXPECT_FALSE(store_->read_subscription_state("s1")->has_value());
}

TEST_F(ForwardingRowsTest, StateAndQueueSurviveAReopen) {
  ASSERT_TRUE(write_sync(*store_, [](WriteTxn& tx) -> Status {
                if (auto s = tx.put_subscription_state(state("s1", "active")); !s) return s;
                return tx.enqueue(item("s1", 4));
              }).ok());
  store_->close();
  store_.reset();
  open();
  auto read = store_->read_subscription_state("s1");
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->status, "active");
  auto queued = store_->outbox("s1", 10);
  ASSERT_TRUE(queued.ok());
  EXPECT_EQ(seqs(*queued), std::vector<std::int64_t>{4});
}

}  // namespace
}  // namespace fhir::store
