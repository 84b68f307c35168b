// No queued delivery is lost across a kill -9 of the gateway (issue 10).
// The real binary, clients registered through its command line, a real
// receiver on loopback: while the receiver answers 503 the handshake never
// succeeds, so every acknowledged write sits in the durable outbox; the
// process is killed without warning; restarted on the same store with the
// receiver answering, it handshakes first and then delivers every
// acknowledged write, full-resource, in the order the writes were
// acknowledged (commit order), numbered from 1 without a gap.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstddef>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/gateway/forwarding/notifications.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/receiver_server.hpp"
#include "tests/support/server_process.hpp"

namespace carebridge::test {
namespace {

constexpr int kWrites = 30;

// Bounds for eventually(): generous, the real binary runs on the system clock.
constexpr std::chrono::seconds kBound{20};

// `carebridge client add` then `carebridge token`, as an operator would;
// returns the access token (the last line printed).
std::string register_and_token(const std::string& db, const std::string& id, const std::vector<std::string>& add) {
  std::vector<std::string> args = {"client", "add", "--db", db, "--id", id};
  args.insert(args.end(), add.begin(), add.end());
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

std::string observation(int value) {
  return R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]},)"
         R"("subject":{"reference":"Patient/p1"},"effectiveDateTime":"2025-01-01T00:00:00Z","valueQuantity":{"value":)" +
         std::to_string(value) + "}}";
}

std::string subscription(const std::string& endpoint) {
  return R"({"resourceType":"Subscription","status":"requested","reason":"care coordination",)"
         R"("criteria":"Observation?patient=p1","channel":{"type":"rest-hook","endpoint":")" +
         endpoint +
         R"(","payload":"application/fhir+json","_payload":{"extension":[{"url":"http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content","valueCode":"full-resource"}]}}})";
}

// The two clients both tests use: a source EHR and a partner clinic
// allowed to be sent to the receiver.
struct Clients {
  std::string source;
  std::string partner;
};

Clients register_clients(const std::string& db, const ReceiverServer& receiver) {
  return {register_and_token(db, "ehr", {"--role", "source", "--organization", "Organization/ehr"}),
          register_and_token(db, "clinic", {"--role", "partner", "--organization", "Organization/clinic",
                                            "--endpoint-prefix", receiver.url("/")})};
}

// Patient/p1 written by the EHR, then the clinic's Subscription to its
// Observations at `endpoint`; returns the Subscription's id ("" on failure).
std::string subscribe_to_p1(const TestClient& ehr, const TestClient& clinic, const std::string& endpoint) {
  EXPECT_EQ(ehr.put("Patient/p1", R"({"resourceType":"Patient","id":"p1"})").status / 100, 2);
  auto sub = clinic.post("Subscription", subscription(endpoint));
  EXPECT_EQ(sub.status, 201) << sub.body;
  return sub.status == 201 ? std::string(sub.json().string_at("id")) : std::string();
}

TEST(DeliveryDurabilityTest, QueuedDeliveriesSurviveKill9InCommitOrder) {
  TempDir dir;
  const std::string db = (dir.path() / "store.db").string();
  ReceiverServer receiver;
  receiver.on("/hook", ReceiverReply::answer(503));

  const std::string admin = cli_admin_token(db);
  const auto [source, partner] = register_clients(db, receiver);
  // Quick retries on the system clock, and never in error: a subscription
  // in error would stop delivering, which is not what this test is about.
  const std::vector<std::string> flags = {"--forward-poll-ms",       "5",   "--forward-retry-base-ms",
                                          "20",                      "--forward-retry-max-ms", "100",
                                          "--forward-error-after",   "1000000"};

  std::string id;
  std::vector<std::string> acknowledged;  // focus references, in the order the 201s came back
  std::size_t before_kill = 0;            // requests the receiver had read when the gateway died
  {
    ServerProcess server(db, flags);
    ASSERT_TRUE(server.started());
    TestClient ehr(server.base_url(), source);
    TestClient clinic(server.base_url(), partner);
    id = subscribe_to_p1(ehr, clinic, receiver.url("/hook"));
    ASSERT_FALSE(id.empty());
    for (int i = 0; i < kWrites; ++i) {
      auto r = ehr.post("Observation", observation(i));
      ASSERT_EQ(r.status, 201) << r.body;
      acknowledged.push_back("Observation/" + std::string(r.json().string_at("id")) + "/_history/1");
    }
    // The worker is running and being refused; nothing can have gone out.
    ASSERT_TRUE(eventually([&] { return receiver.count("/hook") >= 2; }, kBound));
    EXPECT_EQ(std::string(clinic.get("Subscription/" + id).json().string_at("status")), "requested");
    const int status = server.signal_and_wait(SIGKILL);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  }
  const std::vector<Notification> dead = notifications(receiver, "/hook");
  before_kill = dead.size();
  for (const auto& n : dead) EXPECT_EQ(n.type, "handshake") << "delivered before the kill: " << n.body;

  receiver.on("/hook", ReceiverReply::answer(200));
  ServerProcess restarted(db, flags);
  ASSERT_TRUE(restarted.started());
  ASSERT_TRUE(
      eventually([&] { return delivered_focus(receiver, "/hook").size() >= acknowledged.size(); }, kBound))
      << delivered_focus(receiver, "/hook").size() << " of " << acknowledged.size() << " delivered after restart";

  // A fence instead of a sleep: one more write, delivered after all the
  // others, so anything still on its way (a duplicate, a stray) shows.
  TestClient ehr(restarted.base_url(), source);
  auto fence = ehr.post("Observation", observation(kWrites));
  ASSERT_EQ(fence.status, 201) << fence.body;
  std::vector<std::string> expected = acknowledged;
  expected.push_back("Observation/" + std::string(fence.json().string_at("id")) + "/_history/1");
  ASSERT_TRUE(eventually([&] { return delivered_focus(receiver, "/hook").size() >= expected.size(); }, kBound));
  EXPECT_EQ(delivered_focus(receiver, "/hook"), expected);

  // After the restart the handshake comes first; then events numbered from
  // 1 without a gap, each carrying the resource it names.
  const std::vector<Notification> all = notifications(receiver, "/hook");
  ASSERT_GT(all.size(), before_kill);
  EXPECT_EQ(all[before_kill].type, "handshake") << all[before_kill].body;
  std::vector<std::string> numbers;
  for (std::size_t i = before_kill + 1; i < all.size(); ++i) {
    const Notification& n = all[i];
    ASSERT_EQ(n.type, "event-notification") << n.body;
    EXPECT_EQ(n.subscription.find(id), n.subscription.size() - id.size()) << n.subscription;
    ASSERT_EQ(n.resources.size(), n.focus.size()) << n.body;
    for (std::size_t k = 0; k < n.focus.size(); ++k)
      EXPECT_EQ("Observation/" + std::string(n.resources[k].string_at("id")) + "/_history/1", n.focus[k]);
    numbers.insert(numbers.end(), n.event_numbers.begin(), n.event_numbers.end());
  }
  ASSERT_EQ(numbers.size(), expected.size());
  for (std::size_t i = 0; i < numbers.size(); ++i) EXPECT_EQ(numbers[i], std::to_string(i + 1));

  TestClient clinic(restarted.base_url(), partner);
  EXPECT_EQ(std::string(clinic.get("Subscription/" + id).json().string_at("status")), "active");
  // The operator sees the same record.
  TestClient operator_view(restarted.base_url(), admin);
  EXPECT_EQ(std::string(operator_view.get("Subscription/" + id).json().string_at("status")), "active");
}

// Matching is in the write pipeline, whichever process writes: `carebridge
// import` on the store of a running gateway queues in its own commits, and
// the running gateway's worker, following the commit sequence, delivers.
TEST(DeliveryDurabilityTest, AnImportByAnotherProcessIsDelivered) {
  TempDir dir;
  const std::string db = (dir.path() / "store.db").string();
  ReceiverServer receiver;
  const auto [source, partner] = register_clients(db, receiver);
  ServerProcess server(db, {"--forward-poll-ms", "5"});
  ASSERT_TRUE(server.started());
  TestClient ehr(server.base_url(), source);
  TestClient clinic(server.base_url(), partner);
  const std::string id = subscribe_to_p1(ehr, clinic, receiver.url("/import"));
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(eventually([&] { return clinic.get("Subscription/" + id).json().string_at("status") == "active"; },
                         kBound));
  const std::string file = (dir.path() / "scores.json").string();
  {
    std::ofstream out(file);
    out << R"({"resourceType":"Bundle","type":"transaction","entry":[)"
        << R"({"request":{"method":"PUT","url":"Observation/imported-1"},"resource":)"
        << observation(11).insert(1, R"("id":"imported-1",)") << "},"
        << R"({"request":{"method":"PUT","url":"Observation/imported-2"},"resource":)"
        << observation(12).insert(1, R"("id":"imported-2",)") << "}]}";
  }
  std::string printed;
  ASSERT_EQ(run_binary({"import", "--db", db, "--client", "ehr", file}, &printed), 0) << printed;
  ASSERT_TRUE(eventually([&] { return delivered_focus(receiver, "/import").size() == 2; }, kBound))
      << delivered_focus(receiver, "/import").size();
  EXPECT_EQ(delivered_focus(receiver, "/import"),
            (std::vector<std::string>{"Observation/imported-1/_history/1", "Observation/imported-2/_history/1"}));
}

}  // namespace
}  // namespace carebridge::test
