// A store indexed by another extraction (an older build, or one from
// before search) is reindexed when the server opens it.
#include <gtest/gtest.h>

#include <csignal>

#include "fhir/store/sqlite_connection.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_client.hpp"

namespace carebridge::test {
namespace {

long total(const TestClient& client, const std::string& query) {
  auto r = client.get(query);
  EXPECT_EQ(r.status, 200) << r.body;
  const auto json = r.json();
  return std::stol(json.find("total")->text());
}

TEST(SearchReindexTest, AStoreWithAnotherIndexStampIsReindexedOnOpen) {
  TempDir dir;
  const std::string db = (dir.path() / "s.db").string();
  {
    ServerProcess server(db);
    ASSERT_TRUE(server.started());
    TestClient client(server.base_url(), cli_admin_token(db));
    ASSERT_EQ(client.put("Patient/r1", R"({"resourceType":"Patient","id":"r1","name":[{"family":"Reindex"}]})").status,
              201);
    ASSERT_EQ(total(client, "Patient?family=reindex"), 1);
    ASSERT_EQ(server.signal_and_wait(SIGTERM), 0);
  }
  {
    // What an older build leaves: rows missing, another stamp.
    auto conn = fhir::store::Connection::open(db, fhir::store::Connection::Mode::read_write_create, 1000);
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)->exec("DELETE FROM ix_string; UPDATE store_meta SET value = 'old' WHERE key = 'index'").ok());
  }
  ServerProcess restarted(db);
  ASSERT_TRUE(restarted.started());
  TestClient client(restarted.base_url(), cli_admin_token(db));
  EXPECT_EQ(total(client, "Patient?family=reindex"), 1);
  EXPECT_EQ(total(client, "Patient?family=other"), 0);
}

}  // namespace
}  // namespace carebridge::test
