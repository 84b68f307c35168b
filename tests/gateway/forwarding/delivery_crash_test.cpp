// No queued delivery is lost across a kill -9 (issue 10). The real binary
// queues notifications for a receiver that answers 503; it is killed
// without warning with all of them still queued; restarted on the same
// store with the receiver answering, it delivers every acknowledged write,
// in the order the writes were acknowledged.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/gateway/forwarding/notifications.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/receiver_server.hpp"
#include "tests/support/server_process.hpp"

namespace carebridge::test {
namespace {

// Registers a client through the command line and mints it a token.
std::string cli_client_token(const std::string& db, const std::vector<std::string>& add_args,
                             const std::string& id) {
  std::vector<std::string> args = {"client", "add", "--db", db, "--id", id};
  args.insert(args.end(), add_args.begin(), add_args.end());
  std::string out;
  EXPECT_EQ(run_binary(args, &out), 0) << out;
  out.clear();
  EXPECT_EQ(run_binary({"token", "--db", db, "--client", id, "--purpose", "TREAT", "--access-token-seconds", "86400"},
                       &out),
            0)
      << out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  const std::size_t nl = out.rfind('\n');
  return nl == std::string::npos ? out : out.substr(nl + 1);
}

template <class F>
bool eventually(F done) {
  for (int i = 0; i < 4000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

TEST(DeliveryCrashTest, QueuedDeliveriesSurviveKill9InCommitOrder) {
  TempDir dir;
  const std::string db = (dir.path() / "store.db").string();
  ReceiverServer receiver;
  receiver.on("/hook", ReceiverReply::answer(503));
  const std::string source = cli_client_token(db, {"--role", "source", "--organization", "Organization/ehr"}, "ehr");
  const std::string partner = cli_client_token(
      db, {"--role", "partner", "--organization", "Organization/clinic", "--endpoint-prefix", receiver.url("/")},
      "clinic");
  // Quick retries, and never in error: what was queued must all arrive.
  const std::vector<std::string> settings = {"--forward-retry-base-ms", "20", "--forward-retry-max-ms", "100",
                                             "--forward-error-after", "1000000", "--forward-poll-ms", "5"};
  std::vector<std::string> acknowledged;
  std::string subscription;
  {
    ServerProcess server(db, settings);
    ASSERT_TRUE(server.started());
    TestClient ehr(server.base_url(), source);
    TestClient clinic(server.base_url(), partner);
    ASSERT_EQ(ehr.put("Patient/p1", R"({"resourceType":"Patient","id":"p1"})").status, 201);
    auto sub = clinic.post(
        "Subscription",
        R"({"resourceType":"Subscription","status":"requested","reason":"care","criteria":"Observation?patient=p1","channel":{"type":"rest-hook","endpoint":")" +
            receiver.url("/hook") +
            R"(","payload":"application/fhir+json","_payload":{"extension":[{"url":"http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content","valueCode":"id-only"}]}}})");
    ASSERT_EQ(sub.status, 201) << sub.body;
    subscription = std::string(sub.json().string_at("id"));
    for (int i = 0; i < 30; ++i) {
      auto r = ehr.post("Observation", R"({"resourceType":"Observation","status":"final","code":{"text":"PHQ-9"},)"
                                       R"("subject":{"reference":"Patient/p1"},"valueInteger":)" +
                                           std::to_string(i) + "}");
      ASSERT_EQ(r.status, 201) << r.body;
      acknowledged.push_back("Observation/" + std::string(r.json().string_at("id")) + "/_history/1");
    }
    ASSERT_TRUE(eventually([&] { return receiver.count("/hook") >= 2; }));  // it is trying, and failing
    const int status = server.signal_and_wait(SIGKILL);
    EXPECT_TRUE(WIFSIGNALED(status));
  }
  // Nothing got through before the kill: only refused handshakes.
  for (const auto& n : notifications(receiver, "/hook")) EXPECT_EQ(n.type, "handshake") << n.body;
  receiver.on("/hook", ReceiverReply::answer(200));
  ServerProcess restarted(db, settings);
  ASSERT_TRUE(restarted.started());
  ASSERT_TRUE(eventually([&] { return delivered_focus(receiver, "/hook").size() >= acknowledged.size(); }))
      << delivered_focus(receiver, "/hook").size() << " of " << acknowledged.size() << " delivered";
  EXPECT_EQ(delivered_focus(receiver, "/hook"), acknowledged);
  TestClient clinic(restarted.base_url(), partner);
  ASSERT_TRUE(eventually([&] {
    return clinic.get("Subscription/" + subscription).json().string_at("status") == "active";
  }));
}

}  // namespace
}  // namespace carebridge::test
