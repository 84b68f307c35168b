// The read cache never serves a version older than an acknowledged write,
// and picks up other processes' writes (carebridge import) promptly.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "gateway/storage/read_cache.hpp"
#include "tests/support/fixture_paths.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/server_process.hpp"

namespace carebridge::test {
namespace {

std::shared_ptr<const fhir::store::VersionRecord> record(const std::string& id, std::int64_t v,
                                                         std::size_t size = 10) {
  auto r = std::make_shared<fhir::store::VersionRecord>();
  r->type = "Patient";
  r->id = id;
  r->version = v;
  r->json = std::string(size, 'x');
  return r;
}

TEST(ReadCacheTest, RefusesAReadThatRacedAnInvalidation) {
  gateway::ReadCache cache(1 << 20);
  auto epoch = cache.epoch("Patient", "a");
  cache.invalidate("Patient", "a");  // a write committed while the read was out
  cache.put(record("a", 1), epoch);
  EXPECT_EQ(cache.get("Patient", "a"), nullptr);
  cache.put(record("a", 2), cache.epoch("Patient", "a"));
  ASSERT_NE(cache.get("Patient", "a"), nullptr);
  EXPECT_EQ(cache.get("Patient", "a")->version, 2);
  cache.invalidate("Patient", "a");
  EXPECT_EQ(cache.get("Patient", "a"), nullptr);
}

TEST(ReadCacheTest, StaysWithinItsBudget) {
  gateway::ReadCache cache(64 * 1024);  // 1 KiB per shard
  for (int i = 0; i < 1000; ++i) {
    std::string id = "p" + std::to_string(i);
    cache.put(record(id, 1, 300), cache.epoch("Patient", id));
  }
  int cached = 0;
  for (int i = 0; i < 1000; ++i) cached += cache.get("Patient", "p" + std::to_string(i)) != nullptr;
  EXPECT_GT(cached, 0);
  EXPECT_LE(cached, 64 * 3);  // at most ~2 entries of ~470 bytes per 1 KiB shard
  gateway::ReadCache off(0);
  off.put(record("a", 1), off.epoch("Patient", "a"));
  EXPECT_EQ(off.get("Patient", "a"), nullptr);
}

class ReadCacheServerTest : public GatewayTest {};

TEST_F(ReadCacheServerTest, ReadsFollowWritesAndDeletes) {
  ASSERT_EQ(client().put("Patient/a", R"({"resourceType":"Patient","id":"a","active":true})").status, 201);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(client().get("Patient/a").header("etag"), "W/\"1\"");
  ASSERT_EQ(client().put("Patient/a", R"({"resourceType":"Patient","id":"a","active":false})").status, 200);
  auto r = client().get("Patient/a");
  EXPECT_EQ(r.header("etag"), "W/\"2\"");
  EXPECT_FALSE(r.json().find("active")->as_bool());
  ASSERT_EQ(client().del("Patient/a").status, 204);
  EXPECT_EQ(client().get("Patient/a").status, 410);
  EXPECT_EQ(client().get("Patient/a").status, 410);  // now from the cache
  // A transaction's writes invalidate too.
  ASSERT_EQ(client().post("", R"({"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient","id":"a"},"request":{"method":"PUT","url":"Patient/a"}}]})").status, 200);
  EXPECT_EQ(client().get("Patient/a").status, 200);
}

TEST(ReadCacheProcessTest, AnotherProcessesWritesArePickedUp) {
  TempDir dir;
  std::string db = (dir.path() / "s.db").string();
  ServerProcess server(db);
  ASSERT_TRUE(server.started());
  TestClient client(server.base_url(), cli_admin_token(db));
  ASSERT_EQ(client.put("Patient/a", R"({"resourceType":"Patient","id":"a","active":true})").status, 201);
  EXPECT_EQ(client.get("Patient/a").header("etag"), "W/\"1\"");  // cached now
  std::string file = (dir.path() / "a.json").string();
  std::ofstream(file) << R"({"resourceType":"Patient","id":"a","active":false})";
  std::string out;
  ASSERT_EQ(run_binary({"import", "--db", db, "--share-dir", share_dir(), file}, &out), 0) << out;
  // The follower polls every 10 ms; allow generously for a loaded machine.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::string etag;
  while (std::chrono::steady_clock::now() < deadline) {
    etag = client.get("Patient/a").header("etag");
    if (etag == "W/\"2\"") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(etag, "W/\"2\"");
}

}  // namespace
}  // namespace carebridge::test
