// The client registry (sqlite_clients.cpp, migration steps 4 and 9) over a
// real SQLite file in a fresh temp directory per test: endpoint prefixes
// kept with the client, and the generation moving with every change.
#include <gtest/gtest.h>

#include <stdlib.h>  // mkdtemp

#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fhir/core/clock.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/store/sqlite_connection.hpp"
#include "fhir/store/sqlite_migrations.hpp"
#include "fhir/store/sqlite_store.hpp"
#include "fhir/store/store.hpp"
#include "tests/fhir/store/temp_store.hpp"

namespace fhir::store {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kT0 = 1'700'000'000'000;

using test::write_sync;

ClientRecord partner(std::string id, std::vector<std::string> prefixes) {
  ClientRecord c;
  c.id = std::move(id);
  c.role = "partner";
  c.organization = "Organization/o";
  c.created_ms = kT0;
  c.endpoint_prefixes = std::move(prefixes);
  return c;
}

class ClientsTest : public test::TempStoreTest {
 protected:
  ClientsTest() : TempStoreTest(kT0) {}
  Status add(const ClientRecord& c) {
    return write_sync(*store_, [&c](WriteTxn& tx) { return tx.add_client(c); });
  }
  Status put(const ClientRecord& c) {
    return write_sync(*store_, [&c](WriteTxn& tx) { return tx.put_client(c); });
  }
  std::vector<std::string> prefixes_of(const std::string& id) {
    auto c = store_->read_client(id);
    EXPECT_TRUE(c.ok() && c->has_value()) << id;
    return c.ok() && c->has_value() ? (*c)->endpoint_prefixes : std::vector<std::string>{"(none)"};
  }
  std::int64_t generation() {
    auto g = store_->client_generation();
    EXPECT_TRUE(g.ok());
    return g.ok() ? *g : -1;
  }

};

TEST_F(ClientsTest, PrefixesAreKeptWithTheClientInByteOrderOnce) {
  open();
  ASSERT_TRUE(add(partner("b", {"https://z.example/", "https://a.example/fhir", "https://z.example/"})).ok());
  ASSERT_TRUE(add(partner("a", {})).ok());
  ASSERT_TRUE(add(partner("c", {"http://127.0.0.1:9000/hook"})).ok());
  EXPECT_EQ(prefixes_of("b"), (std::vector<std::string>{"https://a.example/fhir", "https://z.example/"}));
  EXPECT_TRUE(prefixes_of("a").empty());
  auto all = store_->list_clients();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, "a");
  EXPECT_TRUE((*all)[0].endpoint_prefixes.empty());
  EXPECT_EQ((*all)[1].endpoint_prefixes.size(), 2u);
  EXPECT_EQ((*all)[2].endpoint_prefixes, std::vector<std::string>{"http://127.0.0.1:9000/hook"});
  // They outlive a reopen, and revoking keeps them (the row stays).
  store_->close();
  open();
  ASSERT_TRUE(write_sync(*store_, [](WriteTxn& tx) { return tx.revoke_client("b", kT0 + 1); }).ok());
  EXPECT_EQ(prefixes_of("b").size(), 2u);
}

TEST_F(ClientsTest, ADuplicateIdLeavesTheFirstClientsPrefixes) {
  open();
  ASSERT_TRUE(add(partner("a", {"https://a.example/"})).ok());
  const std::int64_t g = generation();
  auto again = add(partner("a", {"https://evil.example/"}));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.issue().code, err::kConflict.issue_code);
  EXPECT_EQ(prefixes_of("a"), std::vector<std::string>{"https://a.example/"});
  EXPECT_EQ(generation(), g);
}

TEST_F(ClientsTest, PutReplacesThePrefixesAndMovesTheGenerationOnlyOnAChange) {
  open();
  ASSERT_TRUE(put(partner("a", {"https://a.example/", "https://b.example/"})).ok());
  const std::int64_t g0 = generation();
  EXPECT_GT(g0, 0);
  // The same set in another order, with a repeat, is no change.
  ASSERT_TRUE(put(partner("a", {"https://b.example/", "https://a.example/", "https://a.example/"})).ok());
  EXPECT_EQ(generation(), g0);
  // A prefix fewer is a change, and only the prefixes changed.
  ASSERT_TRUE(put(partner("a", {"https://b.example/"})).ok());
  const std::int64_t g1 = generation();
  EXPECT_GT(g1, g0);
  EXPECT_EQ(prefixes_of("a"), std::vector<std::string>{"https://b.example/"});
  // None declared: none kept (a stale allowlist entry must not survive).
  ASSERT_TRUE(put(partner("a", {})).ok());
  EXPECT_GT(generation(), g1);
  EXPECT_TRUE(prefixes_of("a").empty());
  // A change of the row alone keeps the prefixes as declared.
  ASSERT_TRUE(put(partner("a", {"https://c.example/"})).ok());
  ClientRecord scoped = partner("a", {"https://c.example/"});
  scoped.scopes = "system/Observation.rs";
  const std::int64_t g2 = generation();
  ASSERT_TRUE(put(scoped).ok());
  EXPECT_GT(generation(), g2);
  EXPECT_EQ(prefixes_of("a"), std::vector<std::string>{"https://c.example/"});
}

TEST_F(ClientsTest, APrefixTheReadCouldNotGiveBackIsRefused) {
  open();
  for (const std::string& bad : {std::string(), std::string("https://a.example/\nhttps://evil.example/"),
                                 std::string("https://a.example/\x01")}) {
    auto st = add(partner("a", {"https://ok.example/", bad}));
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.issue().code, err::kInvalidValue.issue_code);
    EXPECT_EQ(st.issue().severity, err::kInvalidValue.severity);
    auto put_st = put(partner("a", {bad}));
    ASSERT_FALSE(put_st.ok());
    EXPECT_EQ(put_st.issue().code, err::kInvalidValue.issue_code);
  }
  auto none = store_->read_client("a");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value()) << "nothing was registered";
  EXPECT_EQ(generation(), 0);
}

TEST_F(ClientsTest, AStoreOfThePreviousSchemaGainsTheTableAndKeepsItsClients) {
  const auto steps = store_migrations();
  ASSERT_GE(steps.back().version, 9);
  {
    auto conn = Connection::open(path_, Connection::Mode::read_write_create, 1000);
    ASSERT_TRUE(conn.ok());
    auto applied = migrate(**conn, steps.first(8));
    ASSERT_TRUE(applied.ok());
    EXPECT_EQ(*applied, 8);
    ASSERT_TRUE((*conn)
                    ->exec("INSERT INTO client VALUES ('old', 'partner', 'Organization/o', '', '', 0, 1, NULL)")
                    .ok());
  }
  open();
  EXPECT_TRUE(prefixes_of("old").empty());
  ASSERT_TRUE(put(partner("old", {"https://old.example/"})).ok());
  EXPECT_EQ(prefixes_of("old"), std::vector<std::string>{"https://old.example/"});
  store_->close();
  auto conn = Connection::open(path_, Connection::Mode::read_write_create, 1000);
  ASSERT_TRUE(conn.ok());
  auto version = (*conn)->prepare("PRAGMA user_version");
  ASSERT_TRUE(version.ok() && version->step().ok());
  EXPECT_EQ(version->int64(0), steps.back().version);
  // The table itself refuses a repeat and a prefix of no client.
  EXPECT_FALSE((*conn)->exec("INSERT INTO client_endpoint VALUES ('old', 'https://old.example/')").ok());
  EXPECT_FALSE((*conn)->exec("PRAGMA foreign_keys = ON; INSERT INTO client_endpoint VALUES ('nobody', 'x')").ok());
}

}  // namespace
}  // namespace fhir::store
