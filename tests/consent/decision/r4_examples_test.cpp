// The decision engine on the official R4 Consent examples (research notes
// section 6): what each one's structure decides, whatever its narrative.
#include "tests/consent/decision/decision_fixture.hpp"

namespace consent::test {
namespace {

const ResourceFacts kObservation = facts("Observation", "o1", {"f001"});

bool has_note(const Decision& d, const std::string& words) { return notes_text(d).find(words) != std::string::npos; }

TEST(R4ExamplesTest, ExpiredConsentsAreIgnored) {
  CompiledConsent basic = r4_consent("consent-example-basic");
  CompiledConsent not_time = r4_consent("consent-example-notTime");
  Decision d = decide(partner("Organization/gh", "HMARKT"), kObservation, {&basic, &not_time});
  EXPECT_EQ(d.effect, Effect::deny);  // no consent: marketing is not TPO
  EXPECT_EQ(d.basis, "policy:not-tpo");
  EXPECT_TRUE(has_note(d, "Consent/consent-example-basic/_history/1 is outside its provision.period")) << notes_text(d);
  EXPECT_TRUE(has_note(d, "Consent/consent-example-notTime/_history/1 is outside")) << notes_text(d);
  // While valid, the opt-in permits even marketing: its structure says so.
  d = decide(partner("Organization/gh", "HMARKT"), kObservation, {&basic}, EmptyDirectory(),
             at("2015-12-31T10:00:00Z"));
  EXPECT_EQ(d.effect, Effect::permit);
  EXPECT_EQ(d.basis, "Consent/consent-example-basic/_history/1 provision");
  EXPECT_EQ(d.legal_basis, shipped_policy()->rule(RuleId::consent_permit).legal_basis);
  // The date-only end covers the whole last day, not its first instant.
  EXPECT_EQ(
      decide(partner("Organization/gh", "HMARKT"), kObservation, {&basic}, EmptyDirectory(), at("2016-01-01T23:00:00Z"))
          .effect,
      Effect::permit);
  EXPECT_EQ(
      decide(partner("Organization/gh", "HMARKT"), kObservation, {&basic}, EmptyDirectory(), at("2016-01-02T00:00:00Z"))
          .effect,
      Effect::deny);
  EXPECT_EQ(decide(partner("Organization/gh", "HMARKT"), kObservation, {&not_time}, EmptyDirectory(),
                   at("2015-01-15T00:00:00Z"))
                .effect,
            Effect::permit);
}

TEST(R4ExamplesTest, NotOrgDeniesGoodHealthClinicByReference) {
  CompiledConsent c = r4_consent("consent-example-notOrg");
  Decision d = decide(partner("Organization/f001"), kObservation, {&c});
  EXPECT_EQ(d.effect, Effect::deny);
  EXPECT_EQ(d.basis, "Consent/consent-example-notOrg/_history/1 provision");
  EXPECT_EQ(d.legal_basis, shipped_policy()->rule(RuleId::consent_deny).legal_basis);
  // Another organisation: the root actor scopes the consent away.
  d = decide(partner("Organization/other"), kObservation, {&c});
  EXPECT_EQ(d.effect, Effect::permit);
  EXPECT_EQ(d.basis, "policy:tpo-default");
  EXPECT_TRUE(has_note(d, "does not match on actor")) << notes_text(d);
}

TEST(R4ExamplesTest, NotOrgDeniesGoodHealthClinicByIdentifier) {
  CompiledConsent c = r4_consent("consent-example-notOrg");
  FakeDirectory directory;
  directory.ids["Organization/f001"] = identifiers_in(example("Organization-f001.json"));
  // The same clinic registered under another id, known by its AGB code.
  Requester r = partner("Organization/good-health");
  r.organization_identifiers = {{"URN:OID:2.16.840.1.113883.2.4.6.1", "17-0112278"}};
  EXPECT_EQ(decide(r, kObservation, {&c}, directory).effect, Effect::deny);
  r.organization_identifiers = {{"urn:oid:2.16.840.1.113883.2.4.6.1", "17-0112279"}};
  EXPECT_EQ(decide(r, kObservation, {&c}, directory).effect, Effect::permit);
  // Unresolvable: never taken to be the requester.
  r.organization_identifiers = {{"urn:oid:2.16.528.1", "91654"}};
  EXPECT_EQ(decide(r, kObservation, {&c}).effect, Effect::permit);
  EXPECT_EQ(decide(r, kObservation, {&c}, directory).effect, Effect::deny);
}

TEST(R4ExamplesTest, OptOutDeniesEveryRecipientCustodianActorsDoNotNarrowIt) {
  CompiledConsent c = r4_consent("consent-example-Out");
  Decision d = decide(partner("Organization/anyone"), kObservation, {&c});
  EXPECT_EQ(d.effect, Effect::deny);
  EXPECT_EQ(d.basis, "Consent/consent-example-Out/_history/1 provision");
}

TEST(R4ExamplesTest, NotThisScopesTheConsentToTheTaskAndWhatRefersToIt) {
  CompiledConsent c = r4_consent("consent-example-notThis");
  Value task = example("Task-example3.json");
  Decision d = decide(partner("Organization/gh", "HMARKT"), facts("Task", "example3", {"f001"}), {&c});
  EXPECT_EQ(d.effect, Effect::permit);  // the instance needs no content
  EXPECT_EQ(d.basis, "Consent/consent-example-notThis/_history/1 provision");

  Value result = parse(R"({"resourceType": "Observation", "id": "r1", "basedOn": [{"reference": "Task/example3"}],
      "subject": {"reference": "Patient/f001"}})");
  d = decide(partner("Organization/gh", "HMARKT"), facts("Observation", "r1", {"f001"}, normal(), &result), {&c});
  EXPECT_EQ(d.effect, Effect::permit);
  EXPECT_EQ(d.basis, "Consent/consent-example-notThis/_history/1 provision");

  Value other = parse(R"({"resourceType": "Observation", "id": "r2", "basedOn": [{"reference": "Task/example4"}]})");
  d = decide(partner("Organization/gh", "HMARKT"), facts("Observation", "r2", {"f001"}, normal(), &other), {&c});
  EXPECT_EQ(d.effect, Effect::deny);
  EXPECT_TRUE(has_note(d, "does not match on data")) << notes_text(d);

  EXPECT_TRUE(DecisionEngine::needs_content(std::vector<const CompiledConsent*>{&c}));
  d = decide(partner("Organization/gh", "HMARKT"), facts("Observation", "r1", {"f001"}), {&c});
  EXPECT_EQ(d.effect, Effect::needs_content);
}

TEST(R4ExamplesTest, PkbIsNotComputableButItsOptOutStillDenies) {
  CompiledConsent c = r4_consent("consent-example-pkb");
  Decision d = decide(partner("Organization/f001"), facts("Observation", "o1", {"example"}), {&c});
  EXPECT_EQ(d.effect, Effect::deny);
  EXPECT_TRUE(has_note(d, "is not computable")) << notes_text(d);
  // Its root names Good Health Clinic: others fall to the defaults.
  EXPECT_EQ(decide(partner("Organization/other"), facts("Observation", "o1", {"example"}), {&c}).effect,
            Effect::permit);
}

TEST(R4ExamplesTest, NotThemPermitsTheNamedNurseOnly) {
  CompiledConsent c = r4_consent("consent-example-notThem");
  Requester nurse = partner("Organization/gh", "HMARKT");
  nurse.user = "Practitioner/f204";
  Decision d = decide(nurse, kObservation, {&c});
  EXPECT_EQ(d.effect, Effect::permit);
  EXPECT_EQ(d.basis, "Consent/consent-example-notThem/_history/1 provision");
  nurse.user = "Practitioner/f203";
  EXPECT_EQ(decide(nurse, kObservation, {&c}).effect, Effect::deny);  // HMARKT, no consent
}

TEST(R4ExamplesTest, EmergencyOnlyConsentDeniesEmergenciesWhichBreakTheGlass) {
  CompiledConsent c = r4_consent("consent-example-Emergency");
  // TREAT is not ETREAT: the root purpose scopes the consent away.
  Decision d = decide(partner("Organization/gh"), kObservation, {&c});
  EXPECT_EQ(d.effect, Effect::permit);
  EXPECT_EQ(d.basis, "policy:tpo-default");
  EXPECT_FALSE(d.break_glass);
  // ETREAT: the nested deny matches; the emergency rule overrides it.
  d = decide(partner("Organization/gh", "ETREAT"), kObservation, {&c});
  EXPECT_EQ(d.effect, Effect::permit);
  EXPECT_TRUE(d.break_glass);
  EXPECT_EQ(d.basis, "policy:emergency");
  EXPECT_TRUE(has_note(d, "overrides the deny of Consent/consent-example-Emergency/_history/1 provision.provision[0]"))
      << notes_text(d);
}

TEST(R4ExamplesTest, SmartOnFhirPermitsMedicationRequestsForHalfAnHour) {
  CompiledConsent c = r4_consent("consent-example-smartonfhir");
  const std::int64_t during = at("2016-06-23T17:10:00+10:00");
  Requester r = partner("Organization/app", "HMARKT");
  Decision d = decide(r, facts("MedicationRequest", "m1", {"xcda"}), {&c}, EmptyDirectory(), during);
  EXPECT_EQ(d.effect, Effect::permit);
  EXPECT_EQ(d.basis, "Consent/consent-example-smartonfhir/_history/1 provision.provision[0]");
  d = decide(r, facts("Observation", "o1", {"xcda"}), {&c}, EmptyDirectory(), during);
  EXPECT_EQ(d.basis, "Consent/consent-example-smartonfhir/_history/1 provision");  // the OPTIN base
  EXPECT_EQ(
      decide(r, facts("MedicationRequest", "m1", {"xcda"}), {&c}, EmptyDirectory(), at("2016-06-23T17:33:00+10:00"))
          .effect,
      Effect::deny);
}

TEST(R4ExamplesTest, SignaturePermitsCdaDocumentsByCodeWhenTheContentIsKnown) {
  CompiledConsent c = r4_consent("consent-example-signature");
  const std::int64_t valid = at("2016-01-01T00:00:00Z");
  Requester r = partner("Organization/gh", "HMARKT");
  r.user = "Practitioner/13";
  Value doc = parse(R"({"resourceType": "DocumentReference", "id": "d1",
      "type": {"coding": [{"system": "http://loinc.org", "code": "34133-9"}]},
      "content": [{"attachment": {"contentType": "application/hl7-cda+xml"}}]})");
  Decision d = decide(r, facts("DocumentReference", "d1", {"72"}, normal(), &doc), {&c}, EmptyDirectory(), valid);
  EXPECT_EQ(d.effect, Effect::permit);
  EXPECT_EQ(d.basis, "Consent/consent-example-signature/_history/1 provision.provision[0]");
  EXPECT_EQ(decide(r, facts("DocumentReference", "d1", {"72"}), {&c}, EmptyDirectory(), valid).effect,
            Effect::needs_content);
  // Another practitioner: the root actor does not match; HMARKT is denied.
  r.user = "Practitioner/14";
  EXPECT_EQ(decide(r, facts("DocumentReference", "d1", {"72"}, normal(), &doc), {&c}, EmptyDirectory(), valid).effect,
            Effect::deny);
}

TEST(R4ExamplesTest, AnyConsentThatDeniesWins) {
  CompiledConsent basic = r4_consent("consent-example-basic");
  CompiledConsent not_org = r4_consent("consent-example-notOrg");
  const std::int64_t t = at("2015-06-01T00:00:00Z");
  Decision d = decide(partner("Organization/f001"), kObservation, {&basic, &not_org}, EmptyDirectory(), t);
  EXPECT_EQ(d.effect, Effect::deny);
  EXPECT_EQ(d.basis, "Consent/consent-example-notOrg/_history/1 provision");
  d = decide(partner("Organization/f001"), kObservation, {&not_org, &basic}, EmptyDirectory(), t);
  EXPECT_EQ(d.effect, Effect::deny);
}

TEST(R4ExamplesTest, ConsentsCountOnlyForTheirPatientAndWhileActive) {
  CompiledConsent out = r4_consent("consent-example-Out");
  Decision d = decide(partner("Organization/gh"), facts("Observation", "o1", {"example"}), {&out});
  EXPECT_EQ(d.effect, Effect::permit);
  EXPECT_TRUE(has_note(d, "is about another patient")) << notes_text(d);
  // In both compartments: each patient must permit.
  EXPECT_EQ(decide(partner("Organization/gh"), facts("Observation", "o1", {"example", "f001"}), {&out}).effect,
            Effect::deny);
  Value revoked = example("Consent-consent-example-Out.json");
  revoked.set("status", Value::make_string("inactive"));
  CompiledConsent inactive = compile(revoked, 2);
  d = decide(partner("Organization/gh"), kObservation, {&inactive});
  EXPECT_EQ(d.effect, Effect::permit);
  EXPECT_TRUE(has_note(d, "Consent/consent-example-Out/_history/2 is not active")) << notes_text(d);
}

}  // namespace
}  // namespace consent::test
