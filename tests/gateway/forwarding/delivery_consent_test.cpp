// Consent at delivery time (issue 10): a delivery is a disclosure, decided
// like a read by the subscribing partner when it is sent. Over the consent
// scenarios (Synthea patient A with records from a general hospital and
// from a 42 CFR Part 2 program): a Part 2 record the partner has no
// consent for is never sent, and nothing shows that it was held back (no
// notification, no gap in the event numbers); once the patient's Part 2
// consent names the partner, the next version is sent with its labels and
// the redisclosure notice. A notification waiting for its endpoint (the
// per-endpoint cap) is decided when it can leave, not before the wait: a
// consent revoked meanwhile withholds it.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "fhir/json/write.hpp"
#include "fhir/store/store.hpp"
#include "tests/gateway/consent/scenario_data.hpp"
#include "tests/gateway/forwarding/notifications.hpp"
#include "tests/support/receiver_server.hpp"

namespace carebridge::test::scenario {
namespace {

using fhir::json::Value;

class DeliveryConsentTest : public ConsentScenarioTest {
 protected:
  void configure(gateway::Settings& s) override {
    s.forward_poll_ms = 2;
    s.forward_per_endpoint = 1;  // one transfer at a time to the receiver
  }

  void SetUp() override {
    ConsentScenarioTest::SetUp();
    fhir::store::ClientRecord rec;
    rec.id = "f001-feed";
    rec.role = "partner";
    rec.organization = kOrgF001;
    rec.endpoint_prefixes = {receiver_.url("/")};
    gateway_->add_client(rec);
    feed_ = std::make_unique<TestClient>(
        client_for(TestClientSpec{.id = "f001-feed", .organization = kOrgF001, .purpose = "TREAT"}));
  }

  // A new version of a record, written by the client that holds it.
  void touch(const TestClient& writer, const std::string& ref) {
    auto current = writer.get(ref);
    ASSERT_EQ(current.status, 200) << current.body;
    Value v = current.json();
    v.set("note", *fhir::json::parse(R"([{"text":"reviewed"}])"));
    auto put = writer.put(ref, fhir::json::write(v));
    ASSERT_EQ(put.status, 200) << put.body;
  }

  // A full-resource subscription of the partner to Patient A's Conditions,
  // active when it returns.
  std::string subscribe_conditions(const std::string& path) {
    const std::string sub =
        R"({"resourceType":"Subscription","status":"requested","reason":"shared care","criteria":"Condition?patient=)" +
        kPatientA + R"(","channel":{"type":"rest-hook","endpoint":")" + receiver_.url(path) +
        R"(","payload":"application/fhir+json","_payload":{"extension":[{"url":"http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content","valueCode":"full-resource"}]}}})";
    auto created = feed_->post("Subscription", sub);
    EXPECT_EQ(created.status, 201) << created.body;
    const std::string id(created.json().string_at("id"));
    EXPECT_TRUE(eventually([&] { return feed_->get("Subscription/" + id).json().string_at("status") == "active"; }));
    return id;
  }

  // Holds the only transfer slot to the receiver: the handshake of a
  // second subscription hangs until receiver_.release().
  void hold_the_only_slot() {
    receiver_.on("/hold", ReceiverReply::hang(60'000));
    auto held = feed_->post("Subscription", R"({"resourceType":"Subscription","status":"requested","reason":"hold",)"
                                            R"("criteria":"Patient","channel":{"type":"rest-hook","endpoint":")" +
                                                receiver_.url("/hold") + R"("}})");
    ASSERT_EQ(held.status, 201) << held.body;
    ASSERT_TRUE(eventually([&] { return receiver_.count("/hold") == 1; }));
  }

  ReceiverServer receiver_;
  std::unique_ptr<TestClient> feed_;
};

TEST_F(DeliveryConsentTest, Part2DataLeavesOnlyUnderConsentWithItsLabelsAndNotice) {
  subscribe_conditions("/feed");

  // The Part 2 record changes first, then the hospital's: the hospital's
  // arriving means the Part 2 one, queued before it, was decided.
  touch(part2_program(), "Condition/" + kSudConditionA);
  touch(hospital(), "Condition/" + kMigraineA);
  ASSERT_TRUE(eventually([&] { return delivered_focus(receiver_, "/feed").size() == 1; }));
  EXPECT_EQ(delivered_focus(receiver_, "/feed").front().rfind("Condition/" + kMigraineA + "/", 0), 0u);
  for (const auto& r : receiver_.requests())
    EXPECT_EQ(r.body.find(kSudConditionA), std::string::npos) << "withheld data was sent";
  auto notes = notifications(receiver_, "/feed");
  ASSERT_EQ(notes.back().event_numbers, std::vector<std::string>{"1"});

  // The patient's consent now names the partner: the next version leaves,
  // labeled and with the 42 CFR 2.32 notice, numbered right after the last
  // one sent.
  put_consent_file("consent-a-part2-f001.json");
  touch(part2_program(), "Condition/" + kSudConditionA);
  ASSERT_TRUE(eventually([&] { return delivered_focus(receiver_, "/feed").size() == 2; }));
  notes = notifications(receiver_, "/feed");
  const Notification& last = notes.back();
  ASSERT_EQ(last.event_numbers, std::vector<std::string>{"2"});
  ASSERT_EQ(last.resources.size(), 1u);
  const Value& sud = last.resources.front();
  EXPECT_EQ(sud.string_at("id"), kSudConditionA);
  for (const char* code : {"42CFRPart2", "NORDSCLCD", "R"}) EXPECT_TRUE(has_label(sud, code)) << code;
  EXPECT_NE(last.body.find("42 CFR part 2"), std::string::npos) << "the redisclosure notice travels with the data";
}

}  // namespace
}  // namespace carebridge::test::scenario

namespace carebridge::test::scenario {
namespace {

TEST_F(DeliveryConsentTest, ANotificationWaitingForItsEndpointIsDecidedWhenItLeaves) {
  put_consent_file("consent-a-part2-f001.json");
  subscribe_conditions("/feed");
  hold_the_only_slot();

  // The Part 2 record changes while the consent allows it, and waits; the
  // worker has time to decide it too early, then the consent is revoked.
  touch(part2_program(), "Condition/" + kSudConditionA);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::string revoked = scenario_file("consent-a-part2-f001.json");
  revoked.replace(revoked.find("\"active\""), 8, "\"inactive\"");
  put_consent_json(revoked);
  touch(hospital(), "Condition/" + kMigraineA);

  receiver_.release();
  ASSERT_TRUE(eventually([&] { return !delivered_focus(receiver_, "/feed").empty(); }));
  auto delivered = delivered_focus(receiver_, "/feed");
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered.front().rfind("Condition/" + kMigraineA + "/", 0), 0u);
  for (const auto& r : receiver_.requests())
    EXPECT_EQ(r.body.find(kSudConditionA), std::string::npos) << "sent under a consent revoked before it left";
  EXPECT_EQ(notifications(receiver_, "/feed").back().event_numbers, std::vector<std::string>{"1"});
}

}  // namespace
}  // namespace carebridge::test::scenario

namespace carebridge::test::scenario {
namespace {

// A notification carries up to forward_max_events (20) events. Were the
// queue read 20 items at a time, 15 withheld versions ahead of 10 sent
// ones would go out as 5 events, then 5 more: a short notification
// followed by another tells the partner what was held back.
TEST_F(DeliveryConsentTest, HowMuchWasWithheldDoesNotShowInTheNotifications) {
  subscribe_conditions("/feed");
  hold_the_only_slot();  // everything below is queued before any of it is sent
  for (int i = 0; i < 15; ++i) touch(part2_program(), "Condition/" + kSudConditionA);
  for (int i = 0; i < 10; ++i) touch(hospital(), "Condition/" + kMigraineA);
  receiver_.release();
  ASSERT_TRUE(eventually([&] { return delivered_focus(receiver_, "/feed").size() == 10; }));
  std::vector<Notification> sent;
  for (auto& n : notifications(receiver_, "/feed"))
    if (n.type == "event-notification") sent.push_back(std::move(n));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent.front().event_numbers.size(), 10u);
  EXPECT_EQ(sent.front().event_numbers.front(), "1");
  EXPECT_EQ(sent.front().event_numbers.back(), "10");
}

}  // namespace
}  // namespace carebridge::test::scenario
