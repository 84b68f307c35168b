// Forwarding end to end (issue 10): the real gateway in-process, a real
// receiving server on loopback, real HTTP both ways. A partner subscribes
// for itself; only matching writes are delivered, in commit order, after
// the handshake; a receiver that is down is retried until it answers, and
// one that keeps failing puts the subscription in error; a hanging
// endpoint holds up neither ingest nor another partner; the Subscription
// is its client's alone; $status says where deliveries stand; and each
// delivery is audited as a disclosure.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "consent/enforcement/subscription_owner.hpp"
#include "fhir/json/write.hpp"
#include "fhir/store/store.hpp"
#include "tests/gateway/forwarding/notifications.hpp"
#include "tests/support/fixture_paths.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/receiver_server.hpp"

namespace carebridge::test {
namespace {

using fhir::json::Value;

constexpr const char* kPhq9 = "http://loinc.org|44261-6";

std::string observation(const std::string& patient, const std::string& loinc, int value) {
  return R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":")" +
         loinc + R"("}]},"subject":{"reference":"Patient/)" + patient +
         R"("},"effectiveDateTime":"2025-01-01T00:00:00Z","valueQuantity":{"value":)" + std::to_string(value) +
         R"(}})";
}

std::string subscription(const std::string& criteria, const std::string& endpoint,
                         const std::string& content = "full-resource", const std::string& extra_channel = {}) {
  return R"({"resourceType":"Subscription","status":"requested","reason":"care coordination","criteria":")" +
         criteria + R"(","channel":{"type":"rest-hook","endpoint":")" + endpoint +
         R"(","payload":"application/fhir+json","_payload":{"extension":[{"url":"http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content","valueCode":")" +
         content + R"("}]})" + extra_channel + "}}";
}

class SubscriptionDeliveryTest : public GatewayTest {
 protected:
  void configure(gateway::Settings& s) override {
    s.forward_poll_ms = 2;
    s.forward_retry_base_ms = 20;
    s.forward_retry_max_ms = 80;
    s.forward_error_after = 4;
    s.forward_timeout_ms = 2000;
    s.max_subscriptions_per_client = 8;
  }

  void SetUp() override {
    GatewayTest::SetUp();
    source_ = std::make_unique<TestClient>(client_as("source"));
    partner_ = std::make_unique<TestClient>(partner_client("feed-a", "Organization/clinic-a"));
    for (const char* p : {"p1", "p2"})
      ASSERT_EQ(source_->put(std::string("Patient/") + p,
                             std::string(R"({"resourceType":"Patient","id":")") + p + R"("})")
                    .status / 100,
                2);
  }

  // A partner registered with the receiver's URL as its endpoint prefix.
  TestClient partner_client(const std::string& id, const std::string& org, const std::string& purpose = "TREAT") {
    fhir::store::ClientRecord rec;
    rec.id = id;
    rec.role = "partner";
    rec.organization = org;
    rec.endpoint_prefixes = {receiver_.url("/")};
    gateway_->add_client(rec);
    return client_for(TestClientSpec{.id = id, .organization = org, .purpose = purpose});
  }

  // Creates a Subscription as `who`; returns its id.
  std::string subscribe(const TestClient& who, const std::string& body) {
    auto r = who.post("Subscription", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(r.json().string_at("id"));
  }

  std::string status_of(const std::string& id, const TestClient* who = nullptr) {
    auto r = (who ? *who : *partner_).get("Subscription/" + id);
    return std::string(r.json().string_at("status"));
  }

  bool becomes(const std::string& id, const std::string& status) {
    return eventually([&] { return status_of(id) == status; });
  }

  // eventually(), with the gateway's clock moving 50 ms a step, so the
  // retries it schedules come due.
  template <class F>
  bool eventually_in_time(F done) {
    return eventually([&] {
      clock_.advance_ms(50);
      return done();
    });
  }

  std::string post_observation(const std::string& patient, const std::string& loinc, int value) {
    auto r = source_->post("Observation", observation(patient, loinc, value));
    EXPECT_EQ(r.status, 201) << r.body;
    return "Observation/" + std::string(r.json().string_at("id")) + "/_history/1";
  }

  ReceiverServer receiver_;
  std::unique_ptr<TestClient> source_;
  std::unique_ptr<TestClient> partner_;
};

TEST_F(SubscriptionDeliveryTest, HandshakeThenMatchingWritesOnlyInCommitOrder) {
  const std::string id = subscribe(*partner_, subscription(std::string("Observation?code=") + kPhq9 + "&patient=p1",
                                                           receiver_.url("/hook"), "full-resource",
                                                           R"(,"header":["Authorization: Bearer partner-secret"])"));
  // The owner's mark is in the id the gateway assigned.
  EXPECT_EQ(id.rfind(consent::subscription_id_prefix("feed-a"), 0), 0u) << id;
  ASSERT_TRUE(becomes(id, "active"));
  auto first = notifications(receiver_, "/hook");
  ASSERT_GE(first.size(), 1u);
  EXPECT_EQ(first[0].type, "handshake");
  EXPECT_EQ(first[0].bundle_type, "history");
  EXPECT_EQ(first[0].status, "requested");
  EXPECT_TRUE(first[0].event_numbers.empty());
  EXPECT_EQ(receiver_.requests().front().header("authorization"), "Bearer partner-secret");
  EXPECT_EQ(receiver_.requests().front().header("content-type"), "application/fhir+json");

  std::vector<std::string> expected;
  for (int i = 0; i < 12; ++i) {
    expected.push_back(post_observation("p1", "44261-6", i));  // PHQ-9 of p1: matches
    post_observation("p1", "69737-5", i);                      // GAD-7: another code
    post_observation("p2", "44261-6", i);                      // another patient
  }
  ASSERT_TRUE(eventually([&] { return delivered_focus(receiver_, "/hook").size() >= expected.size(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // nothing more is on its way
  EXPECT_EQ(delivered_focus(receiver_, "/hook"), expected);
  // Numbered from 1 without a gap, each resource whole, with its labels.
  std::vector<std::string> numbers;
  for (const auto& n : notifications(receiver_, "/hook")) {
    if (n.type != "event-notification") continue;
    EXPECT_EQ(n.status, "active");
    EXPECT_EQ(n.resources.size(), n.focus.size());
    EXPECT_EQ(n.events_since_start, n.event_numbers.back());
    for (const auto& r : n.resources) {
      EXPECT_EQ(r.find("subject")->string_at("reference"), "Patient/p1");
      EXPECT_NE(r.find("meta")->find("security"), nullptr) << "labels travel with the data";
    }
    numbers.insert(numbers.end(), n.event_numbers.begin(), n.event_numbers.end());
  }
  ASSERT_EQ(numbers.size(), expected.size());
  for (std::size_t i = 0; i < numbers.size(); ++i) EXPECT_EQ(numbers[i], std::to_string(i + 1));
  for (const auto& req : receiver_.requests()) EXPECT_EQ(req.method, "POST");
}

TEST_F(SubscriptionDeliveryTest, IdOnlyAndEmptyPayloadsCarryNoResource) {
  const std::string ids = subscribe(*partner_, subscription("Observation?patient=p1", receiver_.url("/ids"), "id-only"));
  const std::string bare = subscribe(*partner_, subscription("Observation?patient=p1", receiver_.url("/bare"), "empty"));
  ASSERT_TRUE(becomes(ids, "active"));
  ASSERT_TRUE(becomes(bare, "active"));
  const std::string focus = post_observation("p1", "44261-6", 5);
  ASSERT_TRUE(eventually([&] { return delivered_focus(receiver_, "/ids").size() == 1; }));
  EXPECT_EQ(delivered_focus(receiver_, "/ids").front(), focus);
  ASSERT_TRUE(eventually([&] {
    for (const auto& n : notifications(receiver_, "/bare"))
      if (n.type == "event-notification") return true;
    return false;
  }));
  for (const auto& n : notifications(receiver_, "/ids")) EXPECT_TRUE(n.resources.empty()) << n.body;
  for (const auto& n : notifications(receiver_, "/bare")) {
    EXPECT_TRUE(n.focus.empty()) << n.body;
    EXPECT_EQ(n.body.find("Observation/"), std::string::npos) << n.body;
  }
}

TEST_F(SubscriptionDeliveryTest, RetriesWhileTheReceiverIsDownAndLosesNothing) {
  receiver_.on("/down", ReceiverReply::answer(503));
  const std::string id = subscribe(*partner_, subscription("Observation?patient=p1", receiver_.url("/down")));
  std::vector<std::string> expected;
  for (int i = 0; i < 5; ++i) expected.push_back(post_observation("p1", "44261-6", i));
  // The handshake keeps failing; $status says so, and the events wait.
  ASSERT_TRUE(eventually_in_time([&] { return receiver_.count("/down") >= 2; }));
  auto st = partner_->get("Subscription/" + id + "/$status");
  ASSERT_EQ(st.status, 200) << st.body;
  EXPECT_NE(st.body.find("\"queued\""), std::string::npos);
  EXPECT_NE(st.body.find("503"), std::string::npos) << st.body;
  EXPECT_NE(st.body.find("\"valueInteger\":5"), std::string::npos) << st.body;
  EXPECT_EQ(status_of(id), "requested");
  receiver_.on("/down", ReceiverReply::answer(200));
  ASSERT_TRUE(eventually_in_time([&] { return status_of(id) == "active"; }));
  ASSERT_TRUE(eventually([&] { return delivered_focus(receiver_, "/down").size() >= expected.size(); }));
  EXPECT_EQ(delivered_focus(receiver_, "/down"), expected);
  auto after = partner_->get("Subscription/" + id + "/$status");
  EXPECT_NE(after.body.find("\"valueInteger\":0"), std::string::npos) << after.body;
  EXPECT_NE(after.body.find("last-success"), std::string::npos) << after.body;
  EXPECT_NE(after.body.find(R"("name":"events-since-subscription-start","valueString":"5")"), std::string::npos)
      << after.body;
}

TEST_F(SubscriptionDeliveryTest, RepeatedFailuresPutItInErrorUntilItsClientAsksAgain) {
  receiver_.on("/broken", ReceiverReply::answer(500));
  const std::string id = subscribe(*partner_, subscription("Observation?patient=p1", receiver_.url("/broken")));
  ASSERT_TRUE(eventually_in_time([&] { return status_of(id) == "error"; }));
  auto r = partner_->get("Subscription/" + id);
  EXPECT_NE(std::string(r.json().string_at("error")).find("500"), std::string::npos) << r.body;
  const std::size_t tries = receiver_.count("/broken");
  EXPECT_EQ(tries, 4u);  // forward_error_after
  // In error, nothing is tried; its client fixes the endpoint and asks again.
  post_observation("p1", "44261-6", 1);
  receiver_.on("/broken", ReceiverReply::answer(200));
  Value again = r.json();
  again.set("status", Value::make_string("requested"));
  auto put = partner_->put("Subscription/" + id, fhir::json::write(again));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json().find("error"), nullptr);
  ASSERT_TRUE(becomes(id, "active"));
  // Turned off, it gets nothing more.
  Value off = partner_->get("Subscription/" + id).json();
  off.set("status", Value::make_string("off"));
  ASSERT_EQ(partner_->put("Subscription/" + id, fhir::json::write(off)).status, 200);
  const std::size_t before = receiver_.count("/broken");
  post_observation("p1", "44261-6", 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(receiver_.count("/broken"), before);
  EXPECT_EQ(status_of(id), "off");
}

// A failure of the definition its client has since replaced counts for
// nothing: no failure, no backoff, no last error on the new one.
TEST_F(SubscriptionDeliveryTest, AnOutcomeOfAReplacedDefinitionCountsForNothing) {
  receiver_.on("/old", ReceiverReply::hang(60'000, 500));
  const std::string id = subscribe(*partner_, subscription("Observation?patient=p1", receiver_.url("/old")));
  ASSERT_TRUE(eventually([&] { return receiver_.count("/old") == 1; }));  // the handshake is held
  Value body = *fhir::json::parse(subscription("Observation?patient=p1", receiver_.url("/new")));
  body.set("id", Value::make_string(id));
  auto put = partner_->put("Subscription/" + id, fhir::json::write(body));
  ASSERT_EQ(put.status, 200) << put.body;
  receiver_.release();  // the old handshake now fails with a 500
  // The clock stands still: a backoff would hold the new handshake back.
  ASSERT_TRUE(becomes(id, "active"));
  EXPECT_EQ(receiver_.count("/new"), 1u);
  auto st = partner_->get("Subscription/" + id + "/$status");
  ASSERT_EQ(st.status, 200) << st.body;
  EXPECT_EQ(st.body.find("last-error"), std::string::npos) << st.body;
}

TEST_F(SubscriptionDeliveryTest, ARedirectIsNotFollowed) {
  receiver_.on("/moved", ReceiverReply::redirect(302, receiver_.url("/elsewhere")));
  const std::string id = subscribe(*partner_, subscription("Observation?patient=p1", receiver_.url("/moved")));
  ASSERT_TRUE(eventually_in_time([&] { return receiver_.count("/moved") >= 2; }));
  EXPECT_EQ(receiver_.count("/elsewhere"), 0u);
  EXPECT_EQ(status_of(id), "requested");
  auto st = partner_->get("Subscription/" + id + "/$status");
  EXPECT_NE(st.body.find("redirect"), std::string::npos) << st.body;
}

TEST_F(SubscriptionDeliveryTest, AHangingEndpointHoldsUpNeitherIngestNorAnotherPartner) {
  TestClient other = partner_client("feed-b", "Organization/clinic-b");
  receiver_.on("/hang", ReceiverReply::hang(60'000));
  const std::string slow = subscribe(*partner_, subscription("Observation?patient=p1", receiver_.url("/hang")));
  const std::string fast = subscribe(other, subscription("Observation?patient=p1", receiver_.url("/fast")));
  ASSERT_TRUE(eventually([&] { return receiver_.count("/hang") == 1; }));  // the handshake hangs
  ASSERT_TRUE(eventually([&] { return status_of(fast, &other) == "active"; }));
  // While that request is held, writes are acknowledged and the other
  // partner is served.
  std::vector<std::string> expected;
  for (int i = 0; i < 5; ++i) expected.push_back(post_observation("p1", "44261-6", i));
  ASSERT_TRUE(eventually([&] { return delivered_focus(receiver_, "/fast").size() == expected.size(); }));
  EXPECT_EQ(delivered_focus(receiver_, "/fast"), expected);
  EXPECT_EQ(receiver_.count("/hang"), 1u);  // one at a time per subscription
  EXPECT_EQ(status_of(slow), "requested");
  receiver_.release();
}

// forward_per_endpoint (4) is per partner: another partner filling every
// slot to a host they share holds up only itself.
TEST_F(SubscriptionDeliveryTest, APartnerHangingOnASharedHostHoldsUpOnlyItself) {
  TestClient other = partner_client("feed-b", "Organization/clinic-b");
  receiver_.on("/hang", ReceiverReply::hang(60'000));
  for (int i = 0; i < 4; ++i) subscribe(other, subscription("Observation?patient=p1", receiver_.url("/hang")));
  ASSERT_TRUE(eventually([&] { return receiver_.count("/hang") == 4; }));  // four handshakes held
  const std::string id = subscribe(*partner_, subscription("Observation?patient=p1", receiver_.url("/mine")));
  // Well before the held ones time out (forward_timeout_ms, 2 s).
  EXPECT_TRUE(eventually([&] { return status_of(id) == "active"; }, std::chrono::milliseconds(1500)));
  receiver_.release();
}

// HL7's DS4P example Patient (P002) has its SSN labeled R. A partner
// asking for payment receives it without the SSN, so a subscription on
// that SSN must not tell it the SSN through the match: what is delivered
// must still match as received, and $status counts only that. Patients
// with the watched driver's licence (not labeled) match as usual.
TEST_F(SubscriptionDeliveryTest, NoMatchRestsOnARedactedElement) {
  const std::string ds4p = read_file(fixtures_dir() + "/ds4p-ig/extension-inline-sec-label-patient.json");
  ASSERT_EQ(client().put("Patient/P002", ds4p).status, 201);
  auto licensed = [](const std::string& id) {
    return R"({"resourceType":"Patient","id":")" + id +
           R"(","identifier":[{"system":"urn:oid:2.16.840.1.113883.4.3.2","value":"7654321"}]})";
  };
  TestClient payer = partner_client("feed-pay", "Organization/clinic-pay", "HPAYMT");
  const std::string id = subscribe(
      payer, subscription("Patient?identifier=http://hl7.org/fhir/sid/us-ssn|111-22-3333,"
                          "urn:oid:2.16.840.1.113883.4.3.2|7654321",
                          receiver_.url("/watch"), "id-only"));
  ASSERT_TRUE(eventually([&] { return status_of(id, &payer) == "active"; }));
  // P003's notification is held by the receiver while P002 queues behind it.
  receiver_.on("/watch", ReceiverReply::hang(60'000));
  ASSERT_EQ(client().put("Patient/P003", licensed("P003")).status, 201);
  ASSERT_TRUE(eventually([&] { return receiver_.count("/watch") == 2; }));
  ASSERT_EQ(client().put("Patient/P002", ds4p).status, 200);
  auto st = payer.get("Subscription/" + id + "/$status");
  EXPECT_NE(st.body.find(R"("name":"queued","valueInteger":1})"), std::string::npos) << st.body;
  receiver_.on("/watch", ReceiverReply::answer(200));
  receiver_.release();
  // P004 after P002: its arrival means P002 was decided.
  ASSERT_EQ(client().put("Patient/P004", licensed("P004")).status, 201);
  ASSERT_TRUE(eventually([&] { return delivered_focus(receiver_, "/watch").size() >= 2; }));
  auto focus = delivered_focus(receiver_, "/watch");
  ASSERT_EQ(focus.size(), 2u);
  EXPECT_EQ(focus[0].rfind("Patient/P003/", 0), 0u) << focus[0];
  EXPECT_EQ(focus[1].rfind("Patient/P004/", 0), 0u) << "the match told of the redacted SSN: " << focus[1];
}

TEST_F(SubscriptionDeliveryTest, ASubscriptionIsItsClientsAlone) {
  const std::string id = subscribe(*partner_, subscription("Observation?patient=p1", receiver_.url("/mine")));
  TestClient other = partner_client("feed-c", "Organization/clinic-c");
  const std::string missing = consent::subscription_id_prefix("feed-a") + "00000000-0000-4000-8000-000000000000";
  for (const std::string& probe : {id, missing}) {
    SCOPED_TRACE(probe);
    EXPECT_EQ(other.get("Subscription/" + probe).status, 404);
    EXPECT_EQ(other.get("Subscription/" + probe + "/_history").status, 404);
    EXPECT_EQ(other.get("Subscription/" + probe + "/$status").status, 404);
    EXPECT_EQ(other.del("Subscription/" + probe).status, 404);
    Value body = *fhir::json::parse(subscription("Observation", receiver_.url("/x")));
    body.set("id", Value::make_string(probe));
    EXPECT_EQ(other.put("Subscription/" + probe, fhir::json::write(body)).status, 404);
  }
  auto found = other.get("Subscription");
  ASSERT_EQ(found.status, 200);
  EXPECT_EQ(found.json().find("total")->text(), "0") << found.body;
  auto own = partner_->get("Subscription");
  EXPECT_EQ(own.json().find("total")->text(), "1") << own.body;
  // The owner may delete it; the admin may see it.
  EXPECT_EQ(client().get("Subscription/" + id).status, 200);
  EXPECT_EQ(partner_->del("Subscription/" + id).status / 100, 2);
  EXPECT_EQ(partner_->get("Subscription/" + id + "/$status").status, 404);
}

TEST_F(SubscriptionDeliveryTest, RefusesWhatItCannotDeliverSafely) {
  auto outside = partner_->post("Subscription", subscription("Observation", "https://elsewhere.example/hook"));
  EXPECT_EQ(outside.status, 403) << outside.body;
  EXPECT_EQ(outside.body.find("elsewhere"), std::string::npos) << "the error never repeats the endpoint";
  auto unknown = partner_->post("Subscription", subscription("Observation?no-such-param=1", receiver_.url("/x")));
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  auto patch = partner_->request("PATCH", "Subscription/x", "[]", {{"Content-Type", "application/json-patch+json"}});
  EXPECT_EQ(patch.status / 100, 4) << patch.body;
  const std::string bundle =
      R"({"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"POST","url":"Subscription"},"resource":)" +
      subscription("Observation", receiver_.url("/x")) + "}]}";
  auto in_bundle = client().post("", bundle);
  ASSERT_EQ(in_bundle.status, 200) << in_bundle.body;
  EXPECT_NE(in_bundle.body.find("\"400"), std::string::npos) << in_bundle.body;
  TestClient emergency = client_for(TestClientSpec{.id = "feed-a", .organization = "Organization/clinic-a",
                                                   .purpose = "BTG"});
  EXPECT_EQ(emergency.post("Subscription", subscription("Observation", receiver_.url("/x"))).status, 403);
  auto all = client().get("Subscription");
  EXPECT_EQ(all.json().find("total")->text(), "0") << all.body;
}

TEST_F(SubscriptionDeliveryTest, EachDeliveryIsAuditedAsADisclosure) {
  const std::string id = subscribe(*partner_, subscription("Observation?patient=p1", receiver_.url("/audited")));
  ASSERT_TRUE(becomes(id, "active"));
  const std::string focus = post_observation("p1", "44261-6", 9);
  ASSERT_TRUE(eventually([&] { return delivered_focus(receiver_, "/audited").size() == 1; }));
  TestClient compliance = client_as("compliance");
  clock_.advance_ms(1000);  // the accounting ends now, after the delivery
  auto r = compliance.get("Patient/p1/$disclosures");
  ASSERT_EQ(r.status, 200) << r.body;

  EXPECT_NE(r.body.find(focus), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("feed-a"), std::string::npos) << r.body;
}

TEST_F(SubscriptionDeliveryTest, AClientKeepsAtMostItsShareOfSubscriptions) {
  for (int i = 0; i < 8; ++i) subscribe(*partner_, subscription("Observation?patient=p1", receiver_.url("/many")));
  auto ninth = partner_->post("Subscription", subscription("Observation?patient=p1", receiver_.url("/many")));
  EXPECT_EQ(ninth.status, 403) << ninth.body;
  EXPECT_NE(ninth.body.find("max_subscriptions_per_client"), std::string::npos) << ninth.body;
  // Another client's share is its own.
  TestClient other = partner_client("feed-d", "Organization/clinic-d");
  EXPECT_EQ(other.post("Subscription", subscription("Observation?patient=p1", receiver_.url("/many"))).status, 201);
}

TEST_F(SubscriptionDeliveryTest, ARevokedClientIsSentNothingAndItsSubscriptionEndsInError) {
  receiver_.on("/revoked", ReceiverReply::answer(503));  // never active: every try is a handshake
  const std::string id = subscribe(*partner_, subscription("Observation?patient=p1", receiver_.url("/revoked")));
  ASSERT_TRUE(eventually_in_time([&] { return receiver_.count("/revoked") >= 1; }));
  gateway_->revoke_client("feed-a");
  post_observation("p1", "44261-6", 3);
  ASSERT_TRUE(eventually_in_time([&] { return status_of(id, &client()) == "error"; }));
  EXPECT_NE(std::string(client().get("Subscription/" + id).json().string_at("error")).find("no longer registered"),
            std::string::npos);
  // At most the one try under way as it was revoked; never an event.
  const std::size_t tries = receiver_.count("/revoked");
  EXPECT_LE(tries, 2u);
  for (const auto& n : notifications(receiver_, "/revoked")) EXPECT_EQ(n.type, "handshake") << n.body;
}

TEST_F(SubscriptionDeliveryTest, NoConditionalOperationFindsASubscription) {
  const std::string id = subscribe(*partner_, subscription("Observation?patient=p1", receiver_.url("/hidden")));
  // A source's transaction cannot resolve a reference to it by its criteria.
  const std::string bundle =
      R"({"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"POST","url":"Basic"},"resource":)"
      R"({"resourceType":"Basic","code":{"text":"x"},"subject":{"reference":"Subscription?status=requested"}}}]})";
  auto r = source_->post("", bundle);
  EXPECT_EQ(r.status / 100, 4) << r.body;
  EXPECT_EQ(r.body.find(id), std::string::npos) << r.body;
  auto conditional = source_->request("DELETE", "Subscription?status=requested", "");
  EXPECT_EQ(conditional.status / 100, 4) << conditional.body;
  EXPECT_EQ(partner_->get("Subscription/" + id).status, 200);  // still there
}

TEST_F(SubscriptionDeliveryTest, TheCapabilityStatementNamesStatus) {
  auto r = anonymous().get("metadata");
  ASSERT_EQ(r.status, 200);
  bool found = false;
  const Value cs = r.json();  // kept: the loop walks inside it
  for (const auto& res : cs.find("rest")->items()[0].find("resource")->items()) {
    if (res.string_at("type") != "Subscription") continue;
    for (const auto& op : res.find("operation")->items())
      found = found || (op.string_at("name") == "status" &&
                        op.string_at("definition") ==
                            "http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/backport-subscription-status");
  }
  EXPECT_TRUE(found) << r.body.substr(0, 400);
}

TEST_F(SubscriptionDeliveryTest, AtItsEndItIsTurnedOffAndSendsNothingMore) {
  // The test clock stands at 2025-01-01T00:00:00Z; this one ends a minute later.
  Value body = *fhir::json::parse(subscription("Observation?patient=p1", receiver_.url("/ending")));
  body.set("end", Value::make_string("2025-01-01T00:01:00Z"));
  const std::string id = subscribe(*partner_, fhir::json::write(body));
  ASSERT_TRUE(becomes(id, "active"));
  post_observation("p1", "44261-6", 1);
  ASSERT_TRUE(eventually([&] { return delivered_focus(receiver_, "/ending").size() == 1; }));
  // Turned off when its end comes, without waiting for a write.
  clock_.advance_ms(120'000);
  ASSERT_TRUE(becomes(id, "off"));
  post_observation("p1", "44261-6", 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(delivered_focus(receiver_, "/ending").size(), 1u);
}

}  // namespace
}  // namespace carebridge::test
