// The consent scenarios of issue 7, each through every path out
// (scenario_data.hpp expect_withheld / expect_disclosed): no consent,
// named and general-designation opt-ins, opt-out, nested exceptions,
// expired and revoked consents, two partners, each purpose of use, break
// the glass, and who may see Consent resources.
#include <gtest/gtest.h>

#include <string>

#include "tests/gateway/consent/scenario_data.hpp"

namespace carebridge::test::scenario {
namespace {

using ConsentScenarios = ConsentScenarioTest;

// 1 January 2024 and 1 March 2024, in epoch ms (the fixture clock starts at 2025-01-01).
constexpr std::int64_t kMarch2024 = 1709251200000;

TEST_F(ConsentScenarios, WithoutConsentPart2RecordsAreWithheldAndPlainRecordsFlowForTreatment) {
  auto f001 = partner(kOrgF001, "TREAT");
  expect_withheld(f001, "Condition", kSudConditionA, kPatientA);
  expect_withheld(f001, "Encounter", kSudEncounterA, kPatientA);
  expect_withheld(f001, "DiagnosticReport", kSudNoteA, kPatientA);
  expect_disclosed(f001, "Condition", kMigraineA, kPatientA);
  expect_disclosed(f001, "Encounter", kEncounterA, kPatientA);
  expect_disclosed(f001, "Patient", kPatientA, kPatientA);
}

TEST_F(ConsentScenarios, CustodiansSeeEverything) {
  expect_disclosed(client(), "Condition", kSudConditionA, kPatientA);
  expect_disclosed(hospital(), "Condition", kSudConditionA, kPatientA);
  put_consent_file("consent-a-optout.json");
  expect_disclosed(part2_program(), "DiagnosticReport", kSudNoteA, kPatientA);
}

TEST_F(ConsentScenarios, ANamedRecipientConsentOpensPart2ToThatOrganizationOnly) {
  put_consent_file("consent-a-part2-f001.json");
  expect_disclosed(partner(kOrgF001, "TREAT"), "Condition", kSudConditionA, kPatientA);
  expect_disclosed(partner(kOrgF001, "TREAT"), "DiagnosticReport", kSudNoteA, kPatientA);
  auto f002 = partner(kOrgF002, "TREAT");
  expect_withheld(f002, "Condition", kSudConditionA, kPatientA);
  expect_disclosed(f002, "Condition", kMigraineA, kPatientA);
}

TEST_F(ConsentScenarios, ARecipientNamedByAnIdentifierItsOrganizationCarries) {
  // The partner is registered before the consent is written (see the
  // report: registering it afterwards left its identifiers unknown).
  auto f001 = partner(kOrgF001, "TREAT");
  put_consent_file("consent-a-part2-identifier.json");
  expect_disclosed(f001, "Condition", kSudConditionA, kPatientA);
  expect_withheld(partner(kOrgF002, "TREAT"), "Condition", kSudConditionA, kPatientA);
}

TEST_F(ConsentScenarios, AnIdentifierNamedRecipientRegisteredAfterTheConsentIsRecognized) {
  put_consent_file("consent-a-part2-identifier.json");
  // A client registered now, at Organization/f001 (stored, with its identifiers).
  expect_disclosed(partner(kOrgF001, "TREAT"), "Condition", kSudConditionA, kPatientA);
}

TEST_F(ConsentScenarios, ANamedConsentForTreatmentDoesNotCoverPaymentOrOperations) {
  put_consent_file("consent-a-part2-f001.json");
  for (const char* purpose : {"HPAYMT", "HOPERAT"}) {
    SCOPED_TRACE(purpose);
    auto c = partner(kOrgF001, purpose);
    expect_withheld(c, "Condition", kSudConditionA, kPatientA);
    expect_disclosed(c, "Condition", kMigraineA, kPatientA);  // TPO default
  }
}

TEST_F(ConsentScenarios, AGeneralDesignationOpensPart2ForEachTpoPurposeButNotForMarketing) {
  put_consent_file("consent-a-part2-general.json");
  for (const char* purpose : {"TREAT", "HPAYMT", "HOPERAT"}) {
    SCOPED_TRACE(purpose);
    expect_disclosed(partner(kOrgF002, purpose), "Condition", kSudConditionA, kPatientA);
  }
  auto marketing = partner(kOrgF002, "HMARKT");
  expect_withheld(marketing, "Condition", kSudConditionA, kPatientA);
  expect_withheld(marketing, "Condition", kMigraineA, kPatientA);
}

TEST_F(ConsentScenarios, PlainDataFlowsForEachTpoPurposeAndNotForOthers) {
  for (const char* purpose : {"TREAT", "HPAYMT", "HOPERAT"}) {
    SCOPED_TRACE(purpose);
    expect_disclosed(partner(kOrgF002, purpose), "Condition", kAnemiaB, kPatientB);
  }
  for (const char* purpose : {"HMARKT", "HRESCH"}) {
    SCOPED_TRACE(purpose);
    expect_withheld(partner(kOrgF002, purpose), "Condition", kAnemiaB, kPatientB);
  }
}

TEST_F(ConsentScenarios, SensitiveDataOutsidePart2FlowsForTreatmentOnly) {
  expect_disclosed(partner(kOrgF001, "TREAT"), "Condition", kOudConditionB, kPatientB);
  for (const char* purpose : {"HPAYMT", "HOPERAT", "HMARKT"}) {
    SCOPED_TRACE(purpose);
    expect_withheld(partner(kOrgF001, purpose), "Condition", kOudConditionB, kPatientB);
  }
  expect_disclosed(partner(kOrgF001, "HPAYMT"), "Condition", kAnemiaB, kPatientB);
}

TEST_F(ConsentScenarios, AnOptOutWithholdsAllOfThatPatientsRecordsAndNoOneElses) {
  put_consent_file("consent-a-optout.json");
  auto f001 = partner(kOrgF001, "TREAT");
  expect_withheld(f001, "Condition", kMigraineA, kPatientA);
  expect_withheld(f001, "Encounter", kEncounterA, kPatientA);
  expect_withheld(f001, "Condition", kSudConditionA, kPatientA);
  expect_withheld(f001, "Patient", kPatientA, kPatientA);
  expect_disclosed(f001, "Condition", kAnemiaB, kPatientB);
}

TEST_F(ConsentScenarios, ANestedPermitIsAnExceptionToItsDenyForWhatItMatches) {
  put_consent_file("consent-a-deny-except-f001.json");
  auto f001 = partner(kOrgF001, "TREAT");
  expect_disclosed(f001, "Condition", kMigraineA, kPatientA);
  // The exception names the recipient but no Part 2 data: Part 2 stays withheld.
  expect_withheld(f001, "Condition", kSudConditionA, kPatientA);
  auto f002 = partner(kOrgF002, "TREAT");
  expect_withheld(f002, "Condition", kMigraineA, kPatientA);
  expect_withheld(f002, "Patient", kPatientA, kPatientA);
}

TEST_F(ConsentScenarios, AnExpiredConsentNeverCounts) {
  put_consent_file("consent-a-part2-expired.json");
  auto f001 = partner(kOrgF001, "TREAT");
  expect_withheld(f001, "Condition", kSudConditionA, kPatientA);
  // The same consent while it was valid: it is the period that decided.
  clock_.set_ms(kMarch2024);
  expect_disclosed(f001, "Condition", kSudConditionA, kPatientA);
}

TEST_F(ConsentScenarios, ARevokedConsentStopsDisclosureFromTheVeryNextRequest) {
  put_consent_file("consent-a-part2-f001.json");
  auto f001 = partner(kOrgF001, "TREAT");
  expect_disclosed(f001, "Condition", kSudConditionA, kPatientA);
  std::string revoked = scenario_file("consent-a-part2-f001.json");
  revoked.replace(revoked.find("\"active\""), 8, "\"inactive\"");
  put_consent_json(revoked);
  expect_withheld(f001, "Condition", kSudConditionA, kPatientA);
  put_consent_file("consent-a-part2-f001.json");
  expect_disclosed(f001, "Condition", kSudConditionA, kPatientA);
  ASSERT_EQ(client().del("Consent/a-part2-f001").status / 100, 2);
  expect_withheld(f001, "Condition", kSudConditionA, kPatientA);
}

TEST_F(ConsentScenarios, AnEnteredInErrorConsentNeverCounts) {
  std::string wrong = scenario_file("consent-a-part2-f001.json");
  wrong.replace(wrong.find("\"active\""), 8, "\"entered-in-error\"");
  put_consent_json(wrong);
  expect_withheld(partner(kOrgF001, "TREAT"), "Condition", kSudConditionA, kPatientA);
}

TEST_F(ConsentScenarios, AConsentOfAnotherPatientNeverCounts) {
  put_consent_file("consent-b-part2-f001.json");
  expect_withheld(partner(kOrgF001, "TREAT"), "Condition", kSudConditionA, kPatientA);
}

TEST_F(ConsentScenarios, TwoPartnersWithDifferentConsents) {
  put_consent_file("consent-a-part2-f001.json");
  put_consent_file("consent-a-deny-f002.json");
  auto f001 = partner(kOrgF001, "TREAT");
  expect_disclosed(f001, "Condition", kSudConditionA, kPatientA);
  expect_disclosed(f001, "Condition", kMigraineA, kPatientA);
  auto f002 = partner(kOrgF002, "TREAT");
  expect_withheld(f002, "Condition", kSudConditionA, kPatientA);
  expect_withheld(f002, "Condition", kMigraineA, kPatientA);
  expect_withheld(f002, "Patient", kPatientA, kPatientA);
  expect_disclosed(f002, "Condition", kAnemiaB, kPatientB);
}

TEST_F(ConsentScenarios, ADenyInAnotherConsentOverridesAPermit) {
  put_consent_file("consent-a-part2-general.json");
  put_consent_file("consent-a-deny-part2-f001.json");
  auto f001 = partner(kOrgF001, "TREAT");
  expect_withheld(f001, "Condition", kSudConditionA, kPatientA);
  expect_disclosed(f001, "Condition", kMigraineA, kPatientA);  // the deny scopes Part 2 only
  expect_disclosed(partner(kOrgF002, "TREAT"), "Condition", kSudConditionA, kPatientA);
}

TEST_F(ConsentScenarios, TheR4NotOrgExampleWithholdsEverythingFromThatOrganization) {
  put_consent_json(r4_example("Consent-consent-example-notOrg"));
  auto f001 = partner(kOrgF001, "TREAT");
  expect_withheld(f001, "Condition", kConditionF001, kPatientF001);
  expect_withheld(f001, "Encounter", kEncounterF001, kPatientF001);
  expect_withheld(f001, "Patient", kPatientF001, kPatientF001);
  auto f002 = partner(kOrgF002, "TREAT");
  expect_disclosed(f002, "Condition", kConditionF001, kPatientF001);
  expect_disclosed(f002, "Patient", kPatientF001, kPatientF001);
}

TEST_F(ConsentScenarios, TheR4ExpiredOptInExamplesChangeNothing) {
  put_consent_json(r4_example("Consent-consent-example-notTime"));
  put_consent_json(r4_example("Consent-consent-example-basic"));
  expect_disclosed(partner(kOrgF001, "TREAT"), "Condition", kConditionF001, kPatientF001);
  expect_withheld(partner(kOrgF001, "HMARKT"), "Condition", kConditionF001, kPatientF001);
}

TEST_F(ConsentScenarios, BreakingTheGlassOpensPart2AndAlertsCompliance) {
  for (const char* purpose : {"ETREAT", "BTG"}) {
    SCOPED_TRACE(purpose);
    auto c = partner(kOrgF002, purpose);
    ::testing::internal::CaptureStderr();
    auto r = c.get("Condition/" + kSudConditionA);
    std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_NE(err.find("COMPLIANCE ALERT"), std::string::npos) << err;
    EXPECT_NE(err.find(purpose), std::string::npos) << err;
    expect_disclosed(c, "Condition", kSudConditionA, kPatientA);
  }
  // Plain treatment by the same organization: no glass to break, no alert.
  auto treat = partner(kOrgF002, "TREAT");
  ::testing::internal::CaptureStderr();
  auto r = treat.get("Condition/" + kMigraineA);
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(err.find("COMPLIANCE ALERT"), std::string::npos) << err;
}

TEST_F(ConsentScenarios, BreakingTheGlassOverridesAnOptOut) {
  put_consent_file("consent-a-optout.json");
  expect_disclosed(partner(kOrgF001, "ETREAT"), "Condition", kSudConditionA, kPatientA);
  expect_withheld(partner(kOrgF001, "TREAT"), "Condition", kSudConditionA, kPatientA);
}

TEST_F(ConsentScenarios, ACareManagerIsAPartnerAndComplianceGetsNoClinicalData) {
  expect_disclosed(partner(kOrgF001, "TREAT", "care-manager"), "Condition", kMigraineA, kPatientA);
  expect_withheld(partner(kOrgF001, "TREAT", "care-manager"), "Condition", kSudConditionA, kPatientA);
  // Compliance reads consents, not clinical data: its scopes refuse it (403)
  // before consent is asked; either way nothing of the record leaves.
  for (const std::string& q : {"Condition/" + kMigraineA, "Condition?patient=" + kPatientA}) {
    auto r = compliance().get(q);
    EXPECT_NE(r.status, 200) << q;
    EXPECT_FALSE(mentions(r, kMigraineA)) << r.body;
  }
}

TEST_F(ConsentScenarios, ConsentsAreVisibleOnlyToComplianceSourceAndAdmin) {
  put_consent_file("consent-a-part2-f001.json");
  for (const TestClient& reader : {compliance(), hospital(), client()}) {
    auto r = reader.get("Consent/a-part2-f001");
    EXPECT_EQ(r.status, 200) << r.body;
    auto s = reader.get("Consent?patient=" + kPatientA);
    EXPECT_EQ(total_of(s.json()), "1") << s.body;
  }
  // The consent names f001: even f001 may not read it.
  for (const char* role : {"partner", "care-manager"}) {
    SCOPED_TRACE(role);
    auto c = partner(kOrgF001, "TREAT", role);
    expect_withheld(c, "Consent", "a-part2-f001", kPatientA);
  }
}

}  // namespace
}  // namespace carebridge::test::scenario
