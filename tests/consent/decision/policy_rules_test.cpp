// The policy's rules (G7 defaults, G8 Part 2 and psychotherapy notes, G9
// emergency, custodian roles), each with the switch that changes it.
#include "tests/consent/decision/decision_fixture.hpp"

namespace consent::test {
namespace {

const ResourceFacts kN = facts("Observation", "o1", {"p1"});
const ResourceFacts kPart2 = facts("Condition", "sud", {"p1"}, part2());
const ResourceFacts kNotes = facts("DocumentReference", "note", {"p1"}, labels({conf("R"), act("PSYTHPN")}));
const ResourceFacts kPsy = facts("Condition", "dep", {"p1"}, labels({conf("R"), act("PSY")}));

DecisionEngine engine_with(std::string_view key, Value v) {
  return DecisionEngine(policy_with(key, std::move(v)), act_reason(), act_code());
}

Decision decide_with(const DecisionEngine& e, const Requester& r, const ResourceFacts& f,
                     std::vector<const CompiledConsent*> consents) {
  return decide(r, f, std::move(consents), EmptyDirectory(), kNow, e);
}

CompiledConsent plain_optin() { return compile(consent_json("optin", "OPTIN", "{}")); }

// Opt-out with one nested permit: `criteria` is the permit's JSON members.
CompiledConsent permit_only(const std::string& criteria) {
  return compile(consent_json("c", "OPTOUT", R"({"provision": [{"type": "permit", )" + criteria + "}]}"));
}

TEST(PolicyRulesTest, NonSensitiveDataGoesToPartnersForTpo) {
  for (const char* purpose : {"TREAT", "HPAYMT", "HOPERAT", "COC", "HSYSADMIN"}) {
    Decision d = decide(partner("Organization/a", purpose), kN, {});
    EXPECT_EQ(d.effect, Effect::permit) << purpose;
    EXPECT_EQ(d.basis, "policy:tpo-default");
    EXPECT_EQ(d.legal_basis, "45 CFR 164.506(c)");
  }
  Requester cm = partner("Organization/a");
  cm.role = "care-manager";
  EXPECT_EQ(decide(cm, kN, {}).effect, Effect::permit);
}

TEST(PolicyRulesTest, OtherPurposesNeedAConsent) {
  for (const char* purpose : {"HMARKT", "HRESCH", "PUBHLTH", ""}) {
    Decision d = decide(partner("Organization/a", purpose), kN, {});
    EXPECT_EQ(d.effect, Effect::deny) << purpose;
    EXPECT_EQ(d.basis, "policy:not-tpo");
  }
  CompiledConsent research = permit_only(R"("purpose": [)" + purpose("HRESCH") + "]");
  EXPECT_EQ(decide(partner("Organization/a", "HRESCH"), kN, {&research}).effect, Effect::permit);
}

TEST(PolicyRulesTest, RolesThatAreNotPartnersNeedAConsent) {
  Requester compliance = partner("Organization/a");
  compliance.role = "compliance";
  Decision d = decide(compliance, kN, {});
  EXPECT_EQ(d.effect, Effect::deny);
  EXPECT_EQ(d.basis, "policy:not-partner");
  CompiledConsent optin = plain_optin();
  EXPECT_EQ(decide(compliance, kN, {&optin}).effect, Effect::permit);
  compliance.purpose = "ETREAT";  // no break-glass for non-partners
  EXPECT_EQ(decide(compliance, kPart2, {}).effect, Effect::deny);
}

TEST(PolicyRulesTest, CustodianRolesAreExemptFromConsent) {
  CompiledConsent out = r4_consent("consent-example-Out");
  out.patient_id = "p1";
  for (const char* role : {"source", "admin"}) {
    Requester r = partner("Organization/src", "HMARKT");
    r.role = role;
    for (const ResourceFacts* f : {&kN, &kPart2, &kNotes}) {
      Decision d = decide(r, *f, {&out});
      EXPECT_EQ(d.effect, Effect::permit) << role;
      EXPECT_EQ(d.basis, "policy:custodian");
      EXPECT_FALSE(d.break_glass);
    }
  }
}

TEST(PolicyRulesTest, Part2DataIsDeniedWithoutAConsent) {
  Decision d = decide(partner("Organization/a"), kPart2, {});
  EXPECT_EQ(d.effect, Effect::deny);
  EXPECT_EQ(d.basis, "policy:part2-no-consent");
  EXPECT_NE(d.legal_basis.find("2.31"), std::string::npos);
}

TEST(PolicyRulesTest, APlainOptInDoesNotCoverPart2Data) {
  CompiledConsent optin = plain_optin();
  Decision d = decide(partner("Organization/a"), kPart2, {&optin});
  EXPECT_EQ(d.effect, Effect::deny);
  EXPECT_EQ(d.basis, "policy:part2-no-consent");
  EXPECT_NE(notes_text(d).find("Consent/optin/_history/1 provision permits, but does not cover"), std::string::npos)
      << notes_text(d);
  // ... unless the policy says so (a TPO general designation then).
  DecisionEngine lenient = engine_with("optin_without_data_scope_covers_part2", Value::make_bool(true));
  d = decide_with(lenient, partner("Organization/a"), kPart2, {&optin});
  EXPECT_EQ(d.effect, Effect::permit);
  EXPECT_EQ(d.basis, "Consent/optin/_history/1 provision");
  EXPECT_EQ(d.legal_basis, "42 CFR 2.31, 2.33");
}

TEST(PolicyRulesTest, Part2DataGoesToANamedRecipientOfAConsentScopingIt) {
  CompiledConsent c = permit_only(R"("actor": [)" + actor("Organization/a") + R"(], "securityLabel": [)" +
                                  label_json(std::string(kPrivacyLawSystem), "42CFRPart2") + "]");
  Decision d = decide(partner("Organization/a", "HRESCH"), kPart2, {&c});  // named: any purpose it allows
  EXPECT_EQ(d.effect, Effect::permit);
  EXPECT_EQ(d.basis, "Consent/c/_history/1 provision.provision[0]");
  EXPECT_EQ(d.legal_basis, "42 CFR 2.31, 2.33");
  EXPECT_EQ(decide(partner("Organization/b"), kPart2, {&c}).basis, "Consent/c/_history/1 provision");
  // Named, but scoping only non-Part 2 data: not enough.
  CompiledConsent unscoped = permit_only(R"("actor": [)" + actor("Organization/a") + "]");
  EXPECT_EQ(decide(partner("Organization/a"), kPart2, {&unscoped}).basis, "policy:part2-no-consent");
  // SUD descendants and class lists scope it too.
  CompiledConsent by_sud =
      permit_only(R"("actor": [)" + actor("Organization/a") + R"(], "securityLabel": [)" + act_label("SUD") + "]");
  EXPECT_EQ(decide(partner("Organization/a"), kPart2, {&by_sud}).effect, Effect::permit);
  CompiledConsent by_class =
      permit_only(R"("actor": [)" + actor("Organization/a") +
                  R"(], "class": [{"system": "http://hl7.org/fhir/resource-types", "code": "Condition"}])");
  EXPECT_EQ(decide(partner("Organization/a"), kPart2, {&by_class}).effect, Effect::permit);
}

TEST(PolicyRulesTest, Part2GeneralDesignationCoversTpoOnly) {
  CompiledConsent c = permit_only(R"("purpose": [)" + purpose("TREAT") + "," + purpose("HPAYMT") + "," +
                                  purpose("HOPERAT") + R"(], "securityLabel": [)" + act_label("ETH") + "]");
  Decision d = decide(partner("Organization/a"), kPart2, {&c});
  EXPECT_EQ(d.effect, Effect::permit);
  EXPECT_EQ(d.basis, "Consent/c/_history/1 provision.provision[0]");
  CompiledConsent any_purpose = permit_only(R"("securityLabel": [)" + act_label("SUD") + "]");
  EXPECT_EQ(decide(partner("Organization/a", "HRESCH"), kPart2, {&any_purpose}).basis, "policy:part2-no-consent");
  EXPECT_EQ(decide(partner("Organization/a", "HPAYMT"), kPart2, {&any_purpose}).effect, Effect::permit);
  DecisionEngine strict = engine_with("general_designation_allowed", Value::make_bool(false));
  EXPECT_EQ(decide_with(strict, partner("Organization/a"), kPart2, {&c}).basis, "policy:part2-no-consent");
}

TEST(PolicyRulesTest, PsychotherapyNotesNeedAConsentScopingThem) {
  CompiledConsent optin = plain_optin();
  EXPECT_EQ(decide(partner("Organization/a"), kNotes, {}).basis, "policy:psychotherapy-notes");
  EXPECT_EQ(decide(partner("Organization/a"), kNotes, {&optin}).basis, "policy:psychotherapy-notes");
  CompiledConsent spi = permit_only(R"("securityLabel": [)" + act_label("SPI") + "]");
  EXPECT_EQ(decide(partner("Organization/a"), kNotes, {&spi}).basis, "policy:psychotherapy-notes");
  CompiledConsent notes = permit_only(R"("securityLabel": [)" + act_label("PSYTHPN") + "]");
  Decision d = decide(partner("Organization/a"), kNotes, {&notes});
  EXPECT_EQ(d.effect, Effect::permit);
  EXPECT_EQ(d.basis, "Consent/c/_history/1 provision.provision[0]");
}

TEST(PolicyRulesTest, EmergencyOpensPart2AndBreaksTheGlass) {
  for (const char* purpose : {"ETREAT", "BTG"}) {
    Decision d = decide(partner("Organization/a", purpose), kPart2, {});
    EXPECT_EQ(d.effect, Effect::permit) << purpose;
    EXPECT_TRUE(d.break_glass);
    EXPECT_EQ(d.basis, "policy:emergency");
    EXPECT_NE(d.legal_basis.find("2.51"), std::string::npos);
  }
  // Against a patient's deny as well, unless the policy says otherwise.
  CompiledConsent out = r4_consent("consent-example-Out");
  out.patient_id = "p1";
  Decision d = decide(partner("Organization/a", "ETREAT"), kPart2, {&out});
  EXPECT_EQ(d.effect, Effect::permit);
  EXPECT_TRUE(d.break_glass);
  DecisionEngine respectful = engine_with("emergency_overrides_consent_deny", Value::make_bool(false));
  d = decide_with(respectful, partner("Organization/a", "ETREAT"), kPart2, {&out});
  EXPECT_EQ(d.effect, Effect::deny);
  EXPECT_EQ(d.basis, "Consent/consent-example-Out/_history/1 provision");
  // Data the defaults permit anyway needs no glass broken.
  d = decide(partner("Organization/a", "ETREAT"), kN, {});
  EXPECT_EQ(d.basis, "policy:tpo-default");
  EXPECT_FALSE(d.break_glass);
}

TEST(PolicyRulesTest, EmergencyNeverOpensPsychotherapyNotesUnlessThePolicySays) {
  EXPECT_EQ(decide(partner("Organization/a", "BTG"), kNotes, {}).basis, "policy:psychotherapy-notes");
  DecisionEngine open = engine_with("emergency_opens_psychotherapy_notes", Value::make_bool(true));
  Decision d = decide_with(open, partner("Organization/a", "BTG"), kNotes, {});
  EXPECT_EQ(d.effect, Effect::permit);
  EXPECT_TRUE(d.break_glass);
}

TEST(PolicyRulesTest, OtherSensitiveDataGoesForTreatmentOnly) {
  Decision d = decide(partner("Organization/a", "COC"), kPsy, {});
  EXPECT_EQ(d.effect, Effect::permit);
  EXPECT_EQ(d.basis, "policy:sensitive-treatment");
  d = decide(partner("Organization/a", "HPAYMT"), kPsy, {});
  EXPECT_EQ(d.effect, Effect::deny);
  EXPECT_EQ(d.basis, "policy:sensitive-other-purpose");
  // SUD outside Part 2, HIV and plain R data are sensitive too.
  for (LabelSet l : {labels({conf("R"), act("SUD"), act("ETH")}), labels({conf("N"), act("HIV")}), labels({conf("R")})})
    EXPECT_EQ(decide(partner("Organization/a", "HPAYMT"), facts("Condition", "c", {"p1"}, l), {}).basis,
              "policy:sensitive-other-purpose");
  // A plain opt-in covers non-sensitive data only; one scoping PSY covers it.
  CompiledConsent optin = plain_optin();
  EXPECT_EQ(decide(partner("Organization/a", "HPAYMT"), kPsy, {&optin}).effect, Effect::deny);
  CompiledConsent psy = permit_only(R"("securityLabel": [)" + act_label("PSY") + "]");
  EXPECT_EQ(decide(partner("Organization/a", "HPAYMT"), kPsy, {&psy}).effect, Effect::permit);
  // The treatment purposes are the policy's.
  Value doc = policy_json();
  doc.find("sensitive")->set("permit_purposes", parse(R"(["HOPERAT"])"));
  DecisionEngine strict(make_policy(doc), act_reason(), act_code());
  EXPECT_EQ(decide_with(strict, partner("Organization/a", "TREAT"), kPsy, {}).basis, "policy:sensitive-other-purpose");
  EXPECT_EQ(decide_with(strict, partner("Organization/a", "HOPERAT"), kPsy, {}).basis, "policy:sensitive-treatment");
}

TEST(PolicyRulesTest, EachPatientOfTheResourceMustPermit) {
  CompiledConsent c = permit_only(R"("actor": [)" + actor("Organization/a") + R"(], "securityLabel": [)" +
                                  label_json(std::string(kPrivacyLawSystem), "42CFRPart2") + "]");
  ResourceFacts shared = facts("Encounter", "group-session", {"p1", "p2"}, part2());
  EXPECT_EQ(decide(partner("Organization/a"), shared, {&c}).basis, "policy:part2-no-consent");
  CompiledConsent c2 = c;
  c2.patient_id = "p2";
  EXPECT_EQ(decide(partner("Organization/a"), shared, {&c, &c2}).effect, Effect::permit);
}

}  // namespace
}  // namespace consent::test
