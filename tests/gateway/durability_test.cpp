// Acknowledged writes survive kill -9: concurrent clients create resources
// through the real binary, the process is killed without warning, and a
// restarted server has every acknowledged write and nothing half-written.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "tests/support/gateway_fixture.hpp"
#include "tests/support/server_process.hpp"

namespace carebridge::test {
namespace {

TEST(DurabilityTest, AcknowledgedCreatesSurviveKill9) {
  TempDir dir;
  std::string db = (dir.path() / "store.db").string();
  std::mutex mu;
  std::vector<std::string> acknowledged;  // guarded by mu
  const std::string token = cli_admin_token(db);
  {
    ServerProcess server(db);
    ASSERT_TRUE(server.started());
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < 8; ++c) {
      clients.emplace_back([&, c] {
        TestClient client(server.base_url(), token);
        for (int i = 0; !stop; ++i) {
          std::string body = R"({"resourceType":"Observation","status":"final","code":{"text":"c)" +
                             std::to_string(c) + "-" + std::to_string(i) + R"("}})";
          auto r = client.try_request("POST", "Observation", body);
          if (!r || r->status != 201) break;  // the server died under us
          std::lock_guard lock(mu);
          acknowledged.push_back(std::string(r->json().string_at("id")));
        }
      });
    }
    // Kill once enough writes were acknowledged, while clients still write.
    for (;;) {
      {
        std::lock_guard lock(mu);
        if (acknowledged.size() >= 300) break;
      }
      std::this_thread::yield();
    }
    int status = server.signal_and_wait(SIGKILL);
    EXPECT_TRUE(WIFSIGNALED(status));
    stop = true;
    for (auto& t : clients) t.join();
  }
  ServerProcess restarted(db);
  ASSERT_TRUE(restarted.started());
  TestClient client(restarted.base_url(), token);
  for (const auto& id : acknowledged) {
    auto r = client.get("Observation/" + id);
    ASSERT_EQ(r.status, 200) << "acknowledged write lost: " << id;
    ASSERT_EQ(r.json().string_at("id"), id);  // whole, parseable, ours
  }
  // Nothing half-written: every stored version reads back as a whole resource.
  auto h = client.get("Observation/_history?_count=1000");
  ASSERT_EQ(h.status, 200);
  auto bundle = h.json();
  std::int64_t total = std::stoll(bundle.find("total")->text());
  EXPECT_GE(total, static_cast<std::int64_t>(acknowledged.size()));
  for (const auto& e : bundle.find("entry")->items())
    EXPECT_EQ(e.find("resource")->string_at("resourceType"), "Observation");
}

}  // namespace
}  // namespace carebridge::test
