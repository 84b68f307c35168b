// Nesting (G4), matching (G3) and label semantics (G6) on consents written
// for the test, about Patient/p1.
#include "tests/consent/decision/decision_fixture.hpp"

namespace consent::test {
namespace {

const ResourceFacts kN = facts("Observation", "o1", {"p1"});
const std::string kAction = "http://terminology.hl7.org/CodeSystem/consentaction";

TEST(ProvisionRulesTest, APermitNestedInADenyWinsForWhatItMatches) {
  CompiledConsent c = compile(consent_json(
      "c", "OPTOUT", R"({"provision": [{"type": "permit", "actor": [)" + actor("Organization/a") + "]}]}"));
  Decision d = decide(partner("Organization/a"), kN, {&c});
  EXPECT_EQ(d.effect, Effect::permit);
  EXPECT_EQ(d.basis, "Consent/c/_history/1 provision.provision[0]");
  d = decide(partner("Organization/b"), kN, {&c});
  EXPECT_EQ(d.effect, Effect::deny);
  EXPECT_EQ(d.basis, "Consent/c/_history/1 provision");
}

TEST(ProvisionRulesTest, AmongMatchingSiblingsDenyWins) {
  CompiledConsent c = compile(consent_json("c", "OPTOUT",
                                           R"({"provision": [{"type": "permit", "actor": [)" + actor("Organization/a") +
                                               R"(]}, {"type": "deny", "purpose": [)" + purpose("HPAYMT") +
                                               R"(]}, {"type": "permit", "purpose": [)" + purpose("HPAYMT") + "]}]}"));
  Decision d = decide(partner("Organization/a", "HPAYMT"), kN, {&c});
  EXPECT_EQ(d.effect, Effect::deny);
  EXPECT_EQ(d.basis, "Consent/c/_history/1 provision.provision[1]");
  d = decide(partner("Organization/a", "TREAT"), kN, {&c});
  EXPECT_EQ(d.effect, Effect::permit);
  EXPECT_EQ(d.basis, "Consent/c/_history/1 provision.provision[0]");
}

TEST(ProvisionRulesTest, DeeperProvisionsInheritAndOverride) {
  // deny all; permit Org/a; but not its payment requests.
  CompiledConsent c =
      compile(consent_json("c", "OPTOUT",
                           R"({"provision": [{"type": "permit", "actor": [)" + actor("Organization/a") +
                               R"(], "provision": [{"type": "deny", "purpose": [)" + purpose("HPAYMT") + "]}]}]}"));
  EXPECT_EQ(decide(partner("Organization/a"), kN, {&c}).effect, Effect::permit);
  Decision d = decide(partner("Organization/a", "HPAYMT"), kN, {&c});
  EXPECT_EQ(d.effect, Effect::deny);
  EXPECT_EQ(d.basis, "Consent/c/_history/1 provision.provision[0].provision[0]");
}

TEST(ProvisionRulesTest, PurposesMatchByIsA) {
  CompiledConsent c = compile(
      consent_json("c", "OPTIN", R"({"provision": [{"type": "deny", "purpose": [)" + purpose("TREAT") + "]}]}"));
  EXPECT_EQ(decide(partner("Organization/a", "COC"), kN, {&c}).effect, Effect::deny);
  EXPECT_EQ(decide(partner("Organization/a", "HOPERAT"), kN, {&c}).effect, Effect::permit);
}

TEST(ProvisionRulesTest, ProvisionsAboutCorrectingDoNotMatchAReadWithoutActions) {
  CompiledConsent c = compile(consent_json(
      "c", "OPTIN",
      R"({"provision": [{"type": "deny", "action": [{"coding": [{"system": ")" + kAction +
          R"(", "code": "correct"}]}]}]})"));
  EXPECT_EQ(decide(partner("Organization/a"), kN, {&c}).effect, Effect::permit);
  CompiledConsent d = compile(consent_json(
      "c", "OPTIN",
      R"({"provision": [{"type": "deny", "action": [{"coding": [{"system": ")" + kAction +
          R"(", "code": "disclose"}]}]}]})"));
  EXPECT_EQ(decide(partner("Organization/a"), kN, {&d}).effect, Effect::deny);
}

TEST(ProvisionRulesTest, ConfidentialityIsAClearanceInPermitsAndAFloorInDenies) {
  CompiledConsent deny_r = compile(consent_json("c", "OPTIN",
                                                R"({"provision": [{"type": "deny", "securityLabel": [)" +
                                                    label_json(std::string(kConfidentialitySystem), "R") + "]}]}"));
  EXPECT_EQ(decide(partner("Organization/a"), kN, {&deny_r}).basis, "Consent/c/_history/1 provision");
  EXPECT_EQ(decide(partner("Organization/a"), facts("Observation", "o", {"p1"}, labels({conf("R")})), {&deny_r}).effect,
            Effect::deny);
  EXPECT_EQ(decide(partner("Organization/a"), facts("Observation", "o", {"p1"}, labels({conf("V")})), {&deny_r}).effect,
            Effect::deny);

  CompiledConsent permit_n = compile(consent_json("c", "OPTOUT",
                                                  R"({"provision": [{"type": "permit", "securityLabel": [)" +
                                                      label_json(std::string(kConfidentialitySystem), "N") + "]}]}"));
  EXPECT_EQ(decide(partner("Organization/a"), kN, {&permit_n}).effect, Effect::permit);
  EXPECT_EQ(
      decide(partner("Organization/a"), facts("Observation", "o", {"p1"}, labels({conf("L")})), {&permit_n}).effect,
      Effect::permit);
  EXPECT_EQ(
      decide(partner("Organization/a"), facts("Observation", "o", {"p1"}, labels({conf("R")})), {&permit_n}).effect,
      Effect::deny);
}

TEST(ProvisionRulesTest, SensitivityLabelsSubsumeAndEthIsSud) {
  CompiledConsent deny_sud = compile(
      consent_json("c", "OPTIN", R"({"provision": [{"type": "deny", "securityLabel": [)" + act_label("SUD") + "]}]}"));
  auto with = [](LabelSet l) { return facts("Observation", "o", {"p1"}, std::move(l)); };
  EXPECT_EQ(decide(partner("Organization/a"), with(labels({conf("R"), act("OPIOIDUD")})), {&deny_sud}).effect,
            Effect::deny);
  EXPECT_EQ(decide(partner("Organization/a"), with(labels({conf("R"), act("ETH")})), {&deny_sud}).effect, Effect::deny);
  EXPECT_EQ(decide(partner("Organization/a"), with(labels({conf("R"), act("HIV")})), {&deny_sud}).effect,
            Effect::permit);

  CompiledConsent deny_spi = compile(
      consent_json("c", "OPTIN", R"({"provision": [{"type": "deny", "securityLabel": [)" + act_label("SPI") + "]}]}"));
  EXPECT_EQ(decide(partner("Organization/a"), with(labels({conf("N"), act("PSY")})), {&deny_spi}).effect, Effect::deny);
  EXPECT_EQ(decide(partner("Organization/a"), with(labels({conf("R"), act("ETH")})), {&deny_spi}).effect, Effect::deny);
  // A deprecated Confidentiality#ETH in a consent means ActCode ETH.
  CompiledConsent old = compile(consent_json("c", "OPTIN",
                                             R"({"provision": [{"type": "deny", "securityLabel": [)" +
                                                 label_json(std::string(kConfidentialitySystem), "ETH") + "]}]}"));
  EXPECT_EQ(decide(partner("Organization/a"), with(labels({conf("R"), act("ETHUD")})), {&old}).effect, Effect::deny);
}

TEST(ProvisionRulesTest, CodeAndDataPeriodReadTheContent) {
  CompiledConsent c = compile(consent_json(
      "c", "OPTIN",
      R"({"provision": [{"type": "deny", "code": [{"coding": [{"system": "http://loinc.org/", "code": "42828-4"}]}]},
          {"type": "deny", "dataPeriod": {"start": "2015-01-01", "end": "2015-02-01"}}]})"));
  Value coded = parse(R"({"resourceType": "Observation", "id": "o",
      "code": {"coding": [{"system": "http://loinc.org", "code": "42828-4"}]}})");
  Value dated = parse(R"({"resourceType": "Observation", "id": "o", "effectiveDateTime": "2015-02-01T18:00:00Z"})");
  Value later = parse(R"({"resourceType": "Observation", "id": "o", "effectiveDateTime": "2015-02-02"})");
  EXPECT_EQ(decide(partner("Organization/a"), facts("Observation", "o", {"p1"}, normal(), &coded), {&c}).basis,
            "Consent/c/_history/1 provision.provision[0]");
  EXPECT_EQ(decide(partner("Organization/a"), facts("Observation", "o", {"p1"}, normal(), &dated), {&c}).basis,
            "Consent/c/_history/1 provision.provision[1]");
  EXPECT_EQ(decide(partner("Organization/a"), facts("Observation", "o", {"p1"}, normal(), &later), {&c}).effect,
            Effect::permit);
  EXPECT_EQ(decide(partner("Organization/a"), kN, {&c}).effect, Effect::needs_content);
}

TEST(ProvisionRulesTest, AKnownDenyNeedsNoContent) {
  CompiledConsent by_code = compile(consent_json(
      "c", "OPTIN",
      R"({"provision": [{"type": "deny", "code": [{"coding": [{"system": "http://loinc.org", "code": "1"}]}]}]})"));
  CompiledConsent out = r4_consent("consent-example-Out");
  out.patient_id = "p1";
  EXPECT_EQ(decide(partner("Organization/a"), kN, {&by_code, &out}).effect, Effect::deny);
}

TEST(ProvisionRulesTest, ProvisionPeriodsEndInclusive) {
  CompiledConsent c = compile(consent_json(
      "c", "OPTIN", R"({"provision": [{"type": "deny", "period": {"start": "2026-05-01", "end": "2026-06-01"}}]})"));
  EXPECT_EQ(decide(partner("Organization/a"), kN, {&c}, EmptyDirectory(), at("2026-06-01T23:59:00Z")).effect,
            Effect::deny);
  EXPECT_EQ(decide(partner("Organization/a"), kN, {&c}, EmptyDirectory(), at("2026-06-02T00:00:00Z")).effect,
            Effect::permit);
}

TEST(ProvisionRulesTest, GroupActorsMatchTheirMembers) {
  CompiledConsent c = compile(consent_json(
      "c", "OPTOUT", R"({"provision": [{"type": "permit", "actor": [)" + actor("Group/care-team") + "]}]}"));
  FakeDirectory dir;
  dir.groups["Group/care-team"] = {"Organization/a"};
  EXPECT_EQ(decide(partner("Organization/a"), kN, {&c}, dir).effect, Effect::permit);
  EXPECT_EQ(decide(partner("Organization/b"), kN, {&c}, dir).effect, Effect::deny);
}

TEST(ProvisionRulesTest, NonPatientDataIgnoresConsents) {
  CompiledConsent out = r4_consent("consent-example-Out");
  Decision d = decide(partner("Organization/a"), facts("Organization", "x", {}), {&out});
  EXPECT_EQ(d.effect, Effect::permit);
  EXPECT_EQ(d.basis, "policy:tpo-default");
}

}  // namespace
}  // namespace consent::test
