// Reads leave their AuditEvent before the answer does: a disclosure names
// the version and what allowed it; a withheld or missing read is recorded
// as refused (outcome 4), and never as a disclosure; when the trail cannot
// be written, the read fails with 503 and discloses nothing.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/audit_events.hpp"
#include "tests/support/gateway_fixture.hpp"

namespace carebridge::test {
namespace {

using fhir::json::Value;

class AuditReadTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    ASSERT_EQ(client().put("Patient/p1", R"({"resourceType":"Patient","id":"p1"})").status, 201);
    ASSERT_EQ(client().put("Condition/flu", R"({"resourceType":"Condition","id":"flu","subject":{"reference":"Patient/p1"},
      "code":{"coding":[{"system":"http://snomed.info/sct","code":"6142004"}]}})").status, 201);
    auto program = client_for({.id = "recovery", .role = "source", .part2_program = true});
    ASSERT_EQ(program.put("Condition/oud", R"({"resourceType":"Condition","id":"oud","subject":{"reference":"Patient/p1"},
      "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"F11.20"}]}})").status, 201);
    partner_ = std::make_unique<TestClient>(client_for({.id = "harbor", .organization = "Organization/harbor"}));
  }
  // The partner's records in the trail, oldest first.
  std::vector<Value> partner_events() { return audit_events_of(*gateway_, "harbor"); }
  static std::vector<std::string> subtypes(const Value& ev) {
    std::vector<std::string> out;
    for (const auto& c : ev.find("subtype")->items()) out.emplace_back(c.string_at("code"));
    return out;
  }
  static std::string entity(const Value& ev, std::string_view role) {
    for (const auto& e : ev.find("entity")->items())
      if (e.find("role")->string_at("code") == role) {
        const Value* what = e.find("what");
        return what != nullptr ? std::string(what->string_at("reference")) : std::string("(query)");
      }
    return {};
  }
  std::unique_ptr<TestClient> partner_;
};

TEST_F(AuditReadTest, ADisclosedReadIsRecordedWithItsVersionAndBasis) {
  ASSERT_EQ(partner_->get("Condition/flu").status, 200);
  ASSERT_EQ(partner_->get("Condition/flu/_history/1").status, 200);
  auto events = partner_events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(subtypes(events[0]), (std::vector<std::string>{"read", "disclose"}));
  EXPECT_EQ(subtypes(events[1]), (std::vector<std::string>{"vread", "disclose"}));
  EXPECT_EQ(events[0].string_at("outcome"), "0");
  EXPECT_EQ(entity(events[0], "4"), "Condition/flu/_history/1");
  EXPECT_EQ(entity(events[0], "1"), "Patient/p1");
  const auto& detail = events[0].find("entity")->items()[1].find("detail")->items()[0];
  EXPECT_EQ(detail.string_at("valueString"), "policy:tpo-default");
}

TEST_F(AuditReadTest, AWithheldReadIsARefusalNotADisclosure) {
  ASSERT_EQ(partner_->get("Condition/oud").status, 404);
  ASSERT_EQ(partner_->get("Condition/never-there").status, 404);
  auto events = partner_events();
  ASSERT_EQ(events.size(), 2u);
  for (const auto& ev : events) {
    EXPECT_EQ(ev.string_at("outcome"), "4");
    EXPECT_EQ(subtypes(ev), std::vector<std::string>{"read"});
  }
  EXPECT_EQ(entity(events[0], "4"), "Condition/oud");
  EXPECT_EQ(events[0].string_at("outcomeDesc"), "withheld: policy:part2-no-consent");
  EXPECT_EQ(events[1].string_at("outcomeDesc"), "not found");
}

TEST_F(AuditReadTest, ASearchRecordsWhatItReturnedAndNothingItWithheld) {
  auto res = partner_->get("Condition?patient=p1");
  ASSERT_EQ(res.status, 200);
  auto events = partner_events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(subtypes(events[0]), (std::vector<std::string>{"search-type", "disclose"}));
  std::vector<std::string> versions;
  for (const auto& e : events[0].find("entity")->items())
    if (e.find("role")->string_at("code") == "4") versions.emplace_back(e.find("what")->string_at("reference"));
  EXPECT_EQ(versions, std::vector<std::string>{"Condition/flu/_history/1"}) << "the Part 2 Condition was withheld";
  EXPECT_EQ(entity(events[0], "1"), "Patient/p1");
  EXPECT_EQ(entity(events[0], "24"), "(query)");  // the query itself, no resource
}

TEST_F(AuditReadTest, NoTrailNoDisclosure) {
  gateway_->runtime().app().audit->close();  // the log takes no more records
  auto res = partner_->get("Condition/flu");
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(res.body.find("6142004"), std::string::npos) << res.body;
  EXPECT_EQ(res.json().string_at("resourceType"), "OperationOutcome");
  auto search = partner_->get("Condition?patient=p1");
  EXPECT_EQ(search.status, 503);
  EXPECT_EQ(search.body.find("6142004"), std::string::npos) << search.body;
}

}  // namespace
}  // namespace carebridge::test
