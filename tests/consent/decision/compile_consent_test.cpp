// compile_consent against the official R4 Consent examples and the error
// and not-computable paths.
#include "tests/consent/decision/decision_fixture.hpp"

namespace consent::test {
namespace {

TEST(CompileConsentTest, APatientIsNotAConsent) {
  auto c = compile_consent(example("Patient-f001.json"), "f001", 1);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.issue().severity, fhir::Severity::error);
  EXPECT_EQ(c.issue().code, "invalid");
  EXPECT_EQ(c.issue().expression, "Consent");
}

TEST(CompileConsentTest, BasicIsAnOptInWithAPeriodWhoseEndCoversTheDay) {
  CompiledConsent c = r4_consent("consent-example-basic");
  EXPECT_EQ(c.patient_id, "f001");
  EXPECT_TRUE(c.active);
  EXPECT_TRUE(c.privacy_scope);
  EXPECT_TRUE(c.computable) << c.not_computable_reason;
  EXPECT_EQ(c.base, ProvisionType::permit);
  EXPECT_EQ(c.base_source, "policyRule OPTIN");
  ASSERT_TRUE(c.root.has_period);
  EXPECT_EQ(c.root.period.low, at("1964-01-01T00:00:00Z"));
  EXPECT_EQ(c.root.period.high, at("2016-01-01T23:59:59.999Z"));
  EXPECT_FALSE(c.needs_content);
  EXPECT_EQ(consent_label(c), "Consent/consent-example-basic/_history/1");
}

TEST(CompileConsentTest, NotOrgDeniesInTheRootWithARecipientActor) {
  CompiledConsent c = r4_consent("consent-example-notOrg");
  EXPECT_EQ(c.base, ProvisionType::deny);
  EXPECT_EQ(c.base_source, "provision.type");
  ASSERT_EQ(c.root.actors.size(), 1u);
  EXPECT_EQ(c.root.actors[0].role, "PRCP");
  EXPECT_EQ(c.root.actors[0].reference, "Organization/f001");
  EXPECT_TRUE(c.root.has_actions);
  EXPECT_TRUE(c.root.action_covers_read);  // access (and correct)
}

TEST(CompileConsentTest, CustodianActorsDoNotNarrowTheRecipients) {
  CompiledConsent c = r4_consent("consent-example-Out");
  EXPECT_EQ(c.base, ProvisionType::deny);
  EXPECT_FALSE(c.root.has_actors);
  EXPECT_EQ(c.root.ignored_actors, 1);
}

TEST(CompileConsentTest, PkbIsNotComputableItsNestedRulesHaveNoType) {
  CompiledConsent c = r4_consent("consent-example-pkb");
  EXPECT_FALSE(c.computable);
  EXPECT_EQ(c.base, ProvisionType::deny);  // OPTOUT
  EXPECT_NE(c.not_computable_reason.find("provision.provision[0] has no type"), std::string::npos)
      << c.not_computable_reason;
  EXPECT_EQ(c.root.children.size(), 11u);
}

TEST(CompileConsentTest, SignatureNestsAPermitByMimeClassAndCode) {
  CompiledConsent c = r4_consent("consent-example-signature");
  EXPECT_EQ(c.patient_id, "72");
  ASSERT_EQ(c.root.children.size(), 1u);
  const Provision& p = c.root.children[0];
  EXPECT_EQ(p.path, "provision.provision[0]");
  EXPECT_EQ(p.type, ProvisionType::permit);
  EXPECT_FALSE(p.has_actors);  // AUT is a source-side role
  ASSERT_EQ(p.classes.size(), 1u);
  EXPECT_EQ(p.classes[0].kind, ClassKind::mime_type);
  EXPECT_EQ(p.codes.size(), 2u);
  EXPECT_TRUE(c.needs_content);
}

TEST(CompileConsentTest, SmartOnFhirFiltersByResourceTypeWithoutContent) {
  CompiledConsent c = r4_consent("consent-example-smartonfhir");
  ASSERT_EQ(c.root.children.size(), 1u);
  ASSERT_EQ(c.root.children[0].classes.size(), 1u);
  EXPECT_EQ(c.root.children[0].classes[0].kind, ClassKind::resource_type);
  EXPECT_EQ(c.root.children[0].classes[0].value, "MedicationRequest");
  EXPECT_FALSE(c.needs_content);
  // 17:02:33+10:00 .. 17:32:33+10:00, to the second.
  EXPECT_EQ(c.root.period.low, at("2016-06-23T07:02:33Z"));
  EXPECT_EQ(c.root.period.high, at("2016-06-23T07:32:33.999Z"));
}

TEST(CompileConsentTest, WithoutTypeOrPolicyRuleThereIsNoBaseDecision) {
  CompiledConsent c = compile(consent_json("c", "", "{}"));
  EXPECT_FALSE(c.computable);
  EXPECT_EQ(c.base, ProvisionType::none);
  EXPECT_NE(c.not_computable_reason.find("policyRule"), std::string::npos);
  EXPECT_TRUE(compile(consent_json("c", "OPTOUTE", "{}")).computable);
  EXPECT_EQ(compile(consent_json("c", "OPTINR", "{}")).base, ProvisionType::permit);
}

TEST(CompileConsentTest, ABadTypeOrPeriodIsNotComputable) {
  EXPECT_FALSE(compile(consent_json("c", "OPTIN", R"({"provision": [{"type": "maybe"}]})")).computable);
  EXPECT_FALSE(compile(consent_json("c", "OPTIN", R"({"period": {"end": "last week"}})")).computable);
}

TEST(CompileConsentTest, DeprecatedConfidentialitySensitivityCodesReadAsActCode) {
  CompiledConsent c = compile(consent_json(
      "c", "OPTIN",
      R"({"provision": [{"type": "deny", "securityLabel": [)" + label_json(std::string(kConfidentialitySystem), "ETH") +
          "," + label_json(std::string(kConfidentialitySystem), "R") + "," +
          label_json("http://terminology.hl7.org/CodeSystem/v3-ActCode", "42CFRPart2") + "]}]}"));
  const auto& l = c.root.children.at(0).labels;
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0].kind, LabelKind::sensitivity);
  EXPECT_EQ(l[0].system, kActCodeSystem);
  EXPECT_EQ(l[1].kind, LabelKind::confidentiality);
  EXPECT_EQ(l[1].rank, confidentiality_rank("R"));
  EXPECT_EQ(l[2].kind, LabelKind::part2);
}

TEST(CompileConsentTest, ContainedActorsAreResolvedToTheirIdentifiers) {
  Value v = consent_json("c", "OPTOUT", R"({"provision": [{"type": "permit", "actor": [)" + actor("#npi") + "]}]}");
  v.set("contained", parse(R"([{"resourceType": "Practitioner", "id": "npi",
      "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1003220674"}]}])"));
  CompiledConsent c = compile(v);
  const ActorRef& a = c.root.children.at(0).actors.at(0);
  EXPECT_EQ(a.reference, "");
  ASSERT_EQ(a.identifiers.size(), 1u);
  EXPECT_EQ(a.identifiers[0].value, "1003220674");
}

}  // namespace
}  // namespace consent::test
