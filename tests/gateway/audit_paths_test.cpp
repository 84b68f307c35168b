// Every path out leaves exactly the audit records it should: one per
// request (a Bundle: one, plus one refusal per entry that named a withheld
// or missing resource), with the interaction as subtype, each version that
// left or was written as an entity, and `disclose` only when patient data
// went to a requester outside its source.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/audit_events.hpp"
#include "tests/support/gateway_fixture.hpp"

namespace carebridge::test {
namespace {

using fhir::json::Value;

class AuditPathsTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    source_ = std::make_unique<TestClient>(client_for({.id = "riverside", .role = "source",
                                                       .organization = "Organization/riverside"}));
    ASSERT_EQ(source_->put("Patient/p1", R"({"resourceType":"Patient","id":"p1"})").status, 201);
    ASSERT_EQ(source_->put("Condition/flu", R"({"resourceType":"Condition","id":"flu","subject":{"reference":"Patient/p1"},
      "code":{"coding":[{"system":"http://snomed.info/sct","code":"6142004"}]}})").status, 201);
    auto program = client_for({.id = "recovery", .role = "source", .part2_program = true});
    ASSERT_EQ(program.put("Condition/oud", R"({"resourceType":"Condition","id":"oud","subject":{"reference":"Patient/p1"},
      "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"F11.20"}]}})").status, 201);
    partner_ = std::make_unique<TestClient>(client_for({.id = "harbor", .organization = "Organization/harbor"}));
  }

  // The records of one client, oldest first, as AuditEvents.
  std::vector<Value> events_of(const std::string& client_id) { return audit_events_of(*gateway_, client_id); }
  // How many records the client has after running f.
  template <class F>
  std::vector<Value> new_events(const std::string& client_id, F f) {
    const std::size_t before = events_of(client_id).size();
    f();
    auto all = events_of(client_id);
    return std::vector<Value>(all.begin() + static_cast<std::ptrdiff_t>(std::min(before, all.size())), all.end());
  }
  static std::vector<std::string> subtypes(const Value& ev) {
    std::vector<std::string> out;
    for (const auto& c : ev.find("subtype")->items()) out.emplace_back(c.string_at("code"));
    return out;
  }
  // The versions (entity role 4, "Domain Resource") an event names.
  static std::vector<std::string> versions(const Value& ev) {
    std::vector<std::string> out;
    if (const Value* entities = ev.find("entity"))
      for (const auto& e : entities->items())
        if (e.find("role")->string_at("code") == "4") out.emplace_back(e.find("what")->string_at("reference"));
    return out;
  }
  std::unique_ptr<TestClient> source_;
  std::unique_ptr<TestClient> partner_;
};

TEST_F(AuditPathsTest, HistoryAtEachLevelRecordsWhatItReturned) {
  ASSERT_EQ(source_->put("Condition/flu", R"({"resourceType":"Condition","id":"flu","subject":{"reference":"Patient/p1"},
      "code":{"coding":[{"system":"http://snomed.info/sct","code":"6142004"}]},"note":[{"text":"v2"}]})").status, 200);
  auto events = new_events("harbor", [&] {
    ASSERT_EQ(partner_->get("Condition/flu/_history").status, 200);
    ASSERT_EQ(partner_->get("Condition/_history").status, 200);
  });
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(subtypes(events[0]), (std::vector<std::string>{"history-instance", "disclose"}));
  EXPECT_EQ(versions(events[0]), (std::vector<std::string>{"Condition/flu/_history/1", "Condition/flu/_history/2"}));
  EXPECT_EQ(subtypes(events[1]), (std::vector<std::string>{"history-type", "disclose"}));
  // The Part 2 Condition is filtered inside the query: not there, no refusal.
  for (const auto& v : versions(events[1])) EXPECT_EQ(v.find("Condition/oud"), std::string::npos);
}

TEST_F(AuditPathsTest, InstanceHistoryOfAWithheldResourceIsARefusal) {
  auto events = new_events("harbor", [&] {
    ASSERT_EQ(partner_->get("Condition/oud/_history").status, 404);
    ASSERT_EQ(partner_->get("Condition/nothing/_history").status, 404);
  });
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].string_at("outcome"), "4");
  EXPECT_EQ(subtypes(events[0]), std::vector<std::string>{"history-instance"});
  EXPECT_EQ(events[0].string_at("outcomeDesc"), "withheld: policy:part2-no-consent");
  EXPECT_EQ(events[1].string_at("outcomeDesc"), "not found");
}

TEST_F(AuditPathsTest, EverythingIsOneOperationRecord) {
  auto events = new_events("harbor", [&] { ASSERT_EQ(partner_->get("Patient/p1/$everything").status, 200); });
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(subtypes(events[0]), (std::vector<std::string>{"operation", "disclose"}));
  auto v = versions(events[0]);
  EXPECT_NE(std::find(v.begin(), v.end(), "Patient/p1/_history/1"), v.end());
  EXPECT_NE(std::find(v.begin(), v.end(), "Condition/flu/_history/1"), v.end());
  EXPECT_EQ(std::find(v.begin(), v.end(), "Condition/oud/_history/1"), v.end());
}

TEST_F(AuditPathsTest, ABatchIsOneRecordPlusOneRefusalPerWithheldEntry) {
  const std::string batch = R"({"resourceType":"Bundle","type":"batch","entry":[
    {"request":{"method":"GET","url":"Condition/flu"}},
    {"request":{"method":"GET","url":"Condition/oud"}},
    {"request":{"method":"GET","url":"Condition/none"}},
    {"request":{"method":"GET","url":"Patient?_id=p1"}}]})";
  auto events = new_events("harbor", [&] { ASSERT_EQ(partner_->post("", batch).status, 200); });
  ASSERT_EQ(events.size(), 3u);
  // The refusals first (the batch's own record is appended last).
  EXPECT_EQ(events[0].string_at("outcome"), "4");
  EXPECT_EQ(versions(events[0]), std::vector<std::string>{"Condition/oud"});
  EXPECT_EQ(events[0].string_at("outcomeDesc"), "withheld: policy:part2-no-consent");
  EXPECT_EQ(events[1].string_at("outcome"), "4");
  EXPECT_EQ(events[1].string_at("outcomeDesc"), "not found");
  EXPECT_EQ(subtypes(events[2]), (std::vector<std::string>{"batch", "disclose"}));
  EXPECT_EQ(events[2].string_at("outcome"), "0");
  EXPECT_EQ(versions(events[2]), (std::vector<std::string>{"Condition/flu/_history/1", "Patient/p1/_history/1"}));
}

TEST_F(AuditPathsTest, WritesFromASourceAreRecordedAndAreNoDisclosure) {
  const Headers patch_type{{"Content-Type", "application/json-patch+json"}};
  auto events = new_events("riverside", [&] {
    ASSERT_EQ(source_->post("Observation", R"({"resourceType":"Observation","id":"x","status":"final",
      "code":{"text":"mood"},"subject":{"reference":"Patient/p1"}})").status, 201);
    ASSERT_EQ(source_->put("Patient/p2", R"({"resourceType":"Patient","id":"p2"})").status, 201);
    ASSERT_EQ(source_->request("PATCH", "Patient/p2", R"([{"op":"add","path":"/active","value":true}])", patch_type)
                  .status,
              200);
    ASSERT_EQ(source_->del("Patient/p2").status, 204);
    ASSERT_EQ(source_->post("", R"({"resourceType":"Bundle","type":"transaction","entry":[
      {"resource":{"resourceType":"Patient","id":"p3"},"request":{"method":"PUT","url":"Patient/p3"}}]})").status,
              200);
  });
  ASSERT_EQ(events.size(), 5u);
  const std::vector<std::string> expected{"create", "update", "patch", "delete", "transaction"};
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(subtypes(events[i]), std::vector<std::string>{expected[i]}) << "a source's own write is no disclosure";
    EXPECT_EQ(events[i].string_at("outcome"), "0");
  }
  EXPECT_EQ(events[0].string_at("action"), "C");
  ASSERT_EQ(versions(events[0]).size(), 1u);
  EXPECT_EQ(versions(events[0])[0].rfind("Observation/", 0), 0u);
  EXPECT_EQ(versions(events[1]), std::vector<std::string>{"Patient/p2/_history/1"});
  EXPECT_EQ(versions(events[2]), std::vector<std::string>{"Patient/p2/_history/2"});
  EXPECT_EQ(versions(events[3]), std::vector<std::string>{"Patient/p2/_history/3"});
  EXPECT_EQ(events[3].string_at("action"), "D");
  EXPECT_EQ(versions(events[4]), std::vector<std::string>{"Patient/p3/_history/1"});
}

TEST_F(AuditPathsTest, ConsentDecisionIsRecordedForTheComplianceOfficer) {
  auto compliance = client_for({.id = "compliance", .role = "compliance", .organization = "Organization/cb"});
  auto events = new_events("compliance", [&] {
    ASSERT_EQ(compliance.get("Condition/oud/$consent-decision?client=harbor&purpose=TREAT").status, 200);
  });
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(subtypes(events[0]), std::vector<std::string>{"operation"});
  EXPECT_EQ(versions(events[0]), std::vector<std::string>{"Condition/oud/_history/1"});
}

// 42 CFR 2.51(c): a disclosure in a medical emergency is documented with
// who received it (user, organization), when, and the nature of the
// emergency as the requester stated it.
TEST_F(AuditPathsTest, BreakTheGlassRecordsTheNatureOfTheEmergency) {
  auto er = client_for({.id = "harbor-er", .organization = "Organization/harbor", .purpose = "ETREAT",
                        .user = "dr-ward"});
  auto events = new_events("harbor-er", [&] {
    ASSERT_EQ(er.get("Condition/oud", {{"CareBridge-Emergency", "unresponsive, suspected overdose"}}).status, 200);
  });
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(subtypes(events[0]), (std::vector<std::string>{"read", "disclose"}));
  const auto& purposes = events[0].find("purposeOfEvent")->items();
  ASSERT_EQ(purposes.size(), 2u);
  EXPECT_EQ(purposes[0].find("coding")->items()[0].string_at("code"), "ETREAT");
  EXPECT_EQ(purposes[1].find("coding")->items()[0].string_at("code"), "BTG");
  EXPECT_EQ(purposes[1].string_at("text"), "unresponsive, suspected overdose");
  bool user_named = false;
  for (const auto& a : events[0].find("agent")->items())
    if (const Value* who = a.find("who"); who != nullptr && who->find("identifier") != nullptr &&
                                          who->find("identifier")->string_at("value") == "dr-ward")
      user_named = true;
  EXPECT_TRUE(user_named);
}

// A refused request that names nothing (bad parameters) discloses nothing
// and is not a consent decision: no record.
TEST_F(AuditPathsTest, ABadRequestLeavesNoRecord) {
  auto events = new_events("harbor", [&] { ASSERT_EQ(partner_->get("Condition?_count=abc").status, 400); });
  EXPECT_TRUE(events.empty());
}

}  // namespace
}  // namespace carebridge::test
