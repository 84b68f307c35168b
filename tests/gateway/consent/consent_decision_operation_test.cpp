// $consent-decision: compliance asks whether a client would receive a
// resource, and why; the answer matches what that client then gets.
#include <gtest/gtest.h>

#include <string>

#include "fhir/json/value.hpp"
#include "tests/support/gateway_fixture.hpp"

namespace carebridge::test {
namespace {

using fhir::json::Value;

// The first parameter of that name: its value as text.
std::string param(const Value& params, std::string_view name) {
  for (const auto& p : params.find("parameter")->items()) {
    if (p.string_at("name") != name) continue;
    for (const auto& [key, v] : p.members()) {
      if (key == "name") continue;
      if (v.is_object()) return std::string(v.string_at("reference"));
      if (v.is_bool()) return v.as_bool() ? "true" : "false";
      return v.text();
    }
  }
  return {};
}

const std::string kConsent = R"({"resourceType":"Consent","id":"c-harbor","status":"active",
  "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
  "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
  "patient":{"reference":"Patient/p1"},
  "policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTIN"}]},
  "provision":{"type":"permit",
    "actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},
              "reference":{"reference":"Organization/harbor"}}],
    "purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"TREAT"}],
    "securityLabel":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActUSPrivacyLaw","code":"42CFRPart2"}]}})";

class ConsentDecisionOperationTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    ASSERT_EQ(client().put("Patient/p1", R"({"resourceType":"Patient","id":"p1"})").status, 201);
    TestClientSpec program{.id = "recovery", .role = "source", .organization = "Organization/recovery",
                           .part2_program = true};
    auto put = client_for(program).put(
        "Condition/c1", R"({"resourceType":"Condition","id":"c1","subject":{"reference":"Patient/p1"},
          "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"F11.20"}]}})");
    ASSERT_EQ(put.status, 201) << put.body;
    TestClientSpec harbor{.id = "harbor", .role = "partner", .organization = "Organization/harbor"};
    partner_ = std::make_unique<TestClient>(client_for(harbor));
    TestClientSpec officer{.id = "officer", .role = "compliance", .organization = "Organization/compliance-office",
                           .purpose = "HOPERAT"};
    compliance_ = std::make_unique<TestClient>(client_for(officer));
  }
  std::unique_ptr<TestClient> partner_;
  std::unique_ptr<TestClient> compliance_;
};

TEST_F(ConsentDecisionOperationTest, ExplainsTheDefaultThenTheConsentThatChangesIt) {
  auto before = compliance_->get("Condition/c1/$consent-decision?client=harbor&purpose=TREAT");
  ASSERT_EQ(before.status, 200) << before.body;
  auto b = before.json();
  EXPECT_EQ(b.string_at("resourceType"), "Parameters");
  EXPECT_EQ(param(b, "decision"), "deny");
  EXPECT_EQ(param(b, "basis"), "policy:part2-no-consent");
  EXPECT_NE(param(b, "legalBasis").find("2.31"), std::string::npos) << before.body;
  EXPECT_EQ(param(b, "resource"), "Condition/c1/_history/1");
  EXPECT_EQ(partner_->get("Condition/c1").status, 404);

  ASSERT_EQ(client().put("Consent/c-harbor", kConsent).status, 201);
  auto after = compliance_->get("Condition/c1/$consent-decision?client=harbor&purpose=TREAT").json();
  EXPECT_EQ(param(after, "decision"), "permit");
  EXPECT_EQ(param(after, "consent"), "Consent/c-harbor/_history/1");
  EXPECT_EQ(param(after, "breakTheGlass"), "false");
  // What the explanation says is what the partner now receives.
  EXPECT_EQ(partner_->get("Condition/c1").status, 200);
  // Another purpose is not covered by the consent.
  auto payment = compliance_->get("Condition/c1/$consent-decision?client=harbor&purpose=HPAYMT").json();
  EXPECT_EQ(param(payment, "decision"), "deny");
}

TEST_F(ConsentDecisionOperationTest, SaysWhenOnlyTheEmergencyRuleOpensTheRecord) {
  auto d = compliance_->get("Condition/c1/$consent-decision?client=harbor&purpose=ETREAT").json();
  EXPECT_EQ(param(d, "decision"), "permit");
  EXPECT_EQ(param(d, "breakTheGlass"), "true");
  EXPECT_EQ(param(d, "basis"), "policy:emergency");
}

TEST_F(ConsentDecisionOperationTest, IsForComplianceOnlyAndChecksItsParameters) {
  EXPECT_EQ(partner_->get("Condition/c1/$consent-decision?client=harbor").status, 403);
  EXPECT_EQ(compliance_->get("Condition/c1/$consent-decision").status, 400);
  EXPECT_EQ(compliance_->get("Condition/c1/$consent-decision?client=nobody").status, 400);
  EXPECT_EQ(compliance_->get("Condition/c1/$consent-decision?client=harbor&purpose=NOPE").status, 400);
  EXPECT_EQ(compliance_->get("Condition/missing/$consent-decision?client=harbor").status, 404);
}

}  // namespace
}  // namespace carebridge::test
