// Care flags through the real server: each is a FHIR Flag the gateway
// keeps (derived tag, subject the Patient, period), raised in the same
// transaction as the data that raises it, cleared (a new, inactive
// version with period.end) by the data that clears it, and raised or
// cleared by the passing of time at the next sweep (the test clock moves,
// then Runtime::sweep_flags runs what the timer runs). A flag carries the
// labels of what raised it, so a partner who may not see that never sees
// the flag.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fhir/json/value.hpp"
#include "fhir/json/write.hpp"
#include "gateway/app/runtime.hpp"
#include "tests/gateway/care/care_data.hpp"
#include "tests/support/bundle_builder.hpp"
#include "tests/support/gateway_fixture.hpp"

namespace carebridge::test {
namespace {

using fhir::json::Value;
using namespace care;

using Codes = std::vector<std::string>;

class CareFlagsTest : public GatewayTest {
 protected:
  void configure(gateway::Settings& s) override { s.flag_sweep_seconds = 0; }  // the test sweeps

  void SetUp() override {
    GatewayTest::SetUp();
    ehr_ = std::make_unique<TestClient>(client_for({.id = "primary-care", .role = "source",
                                                    .organization = "Organization/primary-care"}));
  }

  void put(const std::string& path, const std::string& body, const TestClient* as = nullptr) {
    auto r = (as ? *as : *ehr_).put(path, body);
    ASSERT_TRUE(r.status == 200 || r.status == 201) << path << ": " << r.body;
  }

  void at(const std::string& when) { clock_.set_ms(ms(when)); }

  void sweep() { ASSERT_TRUE(gateway_->runtime().sweep_flags().ok()); }

  std::vector<Value> flags(const std::string& patient, const TestClient* as = nullptr) {
    auto r = (as ? *as : client()).get("Flag?subject=Patient/" + patient + "&_count=100");
    EXPECT_EQ(r.status, 200) << r.body;
    return resources_of(r.json(), "Flag");
  }

  Codes active(const std::string& patient, const TestClient* as = nullptr) {
    return flag_codes(flags(patient, as), "active");
  }
  Codes inactive(const std::string& patient) { return flag_codes(flags(patient), "inactive"); }

  std::unique_ptr<TestClient> ehr_;
};

// A transaction is one unit: its patients' flags are judged once, on all
// of it (s1 alone, fifty days old, would have raised no-contact first).
TEST_F(CareFlagsTest, AFlagIsAFhirFlagTheGatewayKeeps) {
  at("2025-03-01");
  BundleBuilder b("transaction");
  b.put("Patient/p1", named_patient("p1", "Stall"))
      .put("Observation/s1", phq9("s1", "p1", 18, "2025-01-06"))
      .put("Observation/s2", phq9("s2", "p1", 17, "2025-02-10"));
  auto tx = ehr_->post("", b.json());
  ASSERT_EQ(tx.status, 200) << tx.body;
  auto list = flags("p1");
  ASSERT_EQ(list.size(), 1u);
  ASSERT_EQ(flag_codes(list, "active"), Codes{"not-improving"});
  const Value& f = list[0];
  EXPECT_EQ(f.find("subject")->string_at("reference"), "Patient/p1");
  EXPECT_EQ(f.find("meta")->find("tag")->items()[0].string_at("system"), "urn:carebridge:derived");
  EXPECT_EQ(f.find("category")->items()[0].find("coding")->items()[0].string_at("code"), "clinical");
  EXPECT_FALSE(f.find("period")->string_at("start").empty());
  // Its evidence, as flag-detail extensions naming what raised it.
  std::vector<std::string> evidence;
  for (const auto& e : f.find("extension")->items()) {
    EXPECT_EQ(e.string_at("url"), "http://hl7.org/fhir/StructureDefinition/flag-detail");
    evidence.emplace_back(e.find("valueReference")->string_at("reference"));
  }
  EXPECT_EQ(evidence, (std::vector<std::string>{"Observation/s1", "Observation/s2"}));
  // No client writes it.
  EXPECT_EQ(ehr_->put("Flag/" + std::string(f.string_at("id")), fhir::json::write(f)).status, 409);
  // Nothing changed: the same data again makes no new version.
  put("Observation/s2", phq9("s2", "p1", 17, "2025-02-10"));
  auto again = flags("p1");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].find("meta")->string_at("versionId"), "1");
}

// The stalled series: no drop of 5 points or 20% after four weeks raises
// not-improving; a later drop clears it, as a new inactive version.
TEST_F(CareFlagsTest, NotImprovingRisesAfterFourWeeksAndClearsWithADrop) {
  at("2025-01-20");
  put("Patient/p1", named_patient("p1", "Stall"));
  put("Observation/s1", phq9("s1", "p1", 18, "2025-01-06"));
  put("Observation/s2", phq9("s2", "p1", 17, "2025-01-20"));  // two weeks: too early to say
  EXPECT_EQ(active("p1"), Codes{});
  at("2025-02-04");
  put("Observation/s3", phq9("s3", "p1", 16, "2025-02-03"));  // four weeks, 2 points (11%)
  EXPECT_EQ(active("p1"), Codes{"not-improving"});
  at("2025-02-18");
  put("Observation/s4", phq9("s4", "p1", 13, "2025-02-17"));  // 5 points down
  EXPECT_EQ(active("p1"), Codes{});
  EXPECT_EQ(inactive("p1"), Codes{"not-improving"});
  auto list = flags("p1");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].find("meta")->string_at("versionId"), "2");
  EXPECT_EQ(list[0].find("period")->string_at("end").substr(0, 10), "2025-02-18");
}

// The patient who disappears: in treatment (recent scores), then no
// contact. Time alone raises the flags, at the sweep after each threshold.
TEST_F(CareFlagsTest, APatientWhoDisappearsIsFlaggedAt30And60DaysAndFoundAgain) {
  at("2025-02-18");
  put("Patient/p2", named_patient("p2", "Gone"));
  put("Observation/g1", phq9("g1", "p2", 15, "2025-02-03T12:00:00Z"));
  put("Observation/g2", phq9("g2", "p2", 14, "2025-02-17T12:00:00Z"));
  EXPECT_EQ(active("p2"), Codes{});
  at("2025-03-19T11:00:00Z");  // not yet 30 days after the last contact
  sweep();
  EXPECT_EQ(active("p2"), Codes{});
  at("2025-03-20T13:00:00Z");  // 31 days
  sweep();
  EXPECT_EQ(active("p2"), (Codes{"no-contact-30", "overdue-reassessment"}));
  at("2025-04-19T13:00:00Z");  // 61 days: the higher tier replaces the lower
  sweep();
  EXPECT_EQ(active("p2"), (Codes{"no-contact-60", "overdue-reassessment"}));
  EXPECT_EQ(inactive("p2"), Codes{"no-contact-30"});
  // A visit: in contact again, but still no new score.
  put("Encounter/v1", encounter("v1", "p2", "finished", "AMB", "2025-04-19T09:00:00Z", "2025-04-19T10:00:00Z"));
  EXPECT_EQ(active("p2"), Codes{"overdue-reassessment"});
  // Reassessed: 12 after a baseline of 15, ten weeks on, is under the 50%
  // drop expected by then.
  put("QuestionnaireResponse/q1", phq9_response("q1", "p2", "2025-04-19T10:00:00Z"));
  EXPECT_EQ(active("p2"), Codes{"not-improving"});
}

TEST_F(CareFlagsTest, TwoMissedAppointmentsInARowRaiseAFlagAVisitClears) {
  at("2025-03-01");
  put("Patient/p3", named_patient("p3", "Missed"));
  put("Appointment/a1", appointment("a1", "p3", "noshow", "2025-02-01T10:00:00Z"));
  EXPECT_EQ(active("p3"), Codes{});
  put("Appointment/a2", appointment("a2", "p3", "noshow", "2025-02-15T10:00:00Z"));
  EXPECT_EQ(active("p3"), Codes{"missed-appointments"});
  put("Appointment/a3", appointment("a3", "p3", "fulfilled", "2025-02-28T10:00:00Z"));
  EXPECT_EQ(active("p3"), Codes{});
}

// PHQ-9 item 9 (thoughts of self-harm) at or above its threshold, scored
// by the gateway from the answers of a QuestionnaireResponse.
TEST_F(CareFlagsTest, APositiveItemNineRaisesTheSafetyFlagUntilANegativeOne) {
  at("2025-03-01");
  put("Patient/p4", named_patient("p4", "Safety"));
  put("QuestionnaireResponse/q1", phq9_response("q1", "p4", "2025-02-27T10:00:00Z", "LA6571-9"));
  EXPECT_EQ(active("p4"), Codes{"safety-item"});
  put("QuestionnaireResponse/q2", phq9_response("q2", "p4", "2025-02-28T10:00:00Z"));
  EXPECT_EQ(active("p4"), Codes{});
}

TEST_F(CareFlagsTest, AReferralWithNoOutcomeIsFlaggedAfterFourteenDays) {
  at("2025-03-01");
  put("Patient/p5", named_patient("p5", "Referred"));
  put("ServiceRequest/r1", referral("r1", "p5", "active", "2025-02-20"));
  EXPECT_EQ(active("p5"), Codes{});
  at("2025-03-06T12:00:00Z");  // 14.5 days
  sweep();
  EXPECT_EQ(active("p5"), Codes{"referral-no-outcome"});
  put("Appointment/a1", appointment("a1", "p5", "booked", "2025-03-20T10:00:00Z", "ServiceRequest/r1"));
  EXPECT_EQ(active("p5"), Codes{});
}

TEST_F(CareFlagsTest, ADischargeWithoutFollowUpWithinSevenDaysIsFlagged) {
  at("2025-03-01");
  put("Patient/p6", named_patient("p6", "Discharged"));
  put("Encounter/e1", encounter("e1", "p6", "finished", "IMP", "2025-02-25T10:00:00Z", "2025-02-28T10:00:00Z"));
  EXPECT_EQ(active("p6"), Codes{});
  at("2025-03-07T12:00:00Z");  // 7 days and 2 hours
  sweep();
  EXPECT_EQ(active("p6"), Codes{"discharge-no-follow-up"});
  put("Encounter/e2", encounter("e2", "p6", "finished", "AMB", "2025-03-07T09:00:00Z", "2025-03-07T10:00:00Z"));
  EXPECT_EQ(active("p6"), Codes{});
}

// A medication change one team made, which the other team has not seen:
// no contact with another organization since.
TEST_F(CareFlagsTest, AMedicationChangeTheOtherTeamHasNotSeenIsFlagged) {
  at("2025-03-01");
  put("Patient/p7", named_patient("p7", "Meds"));
  // Primary care has seen the patient: there is another team.
  put("Encounter/e0", encounter("e0", "p7", "finished", "AMB", "2025-02-20T09:00:00Z", "2025-02-20T10:00:00Z"));
  auto prescriber = client_for({.id = "psychiatry", .role = "source", .organization = "Organization/psychiatry"});
  const std::string med = R"({"resourceType":"MedicationRequest","id":"m1","status":"active","intent":"order",
    "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"312938",
    "display":"sertraline 50 MG Oral Tablet"}]},"subject":{"reference":"Patient/p7"},"authoredOn":"2025-02-26"})";
  put("MedicationRequest/m1", med, &prescriber);
  EXPECT_EQ(active("p7"), Codes{"medication-change-unseen"});
  // The prescriber's own follow-up visit is not the other team's.
  put("Encounter/e1", encounter("e1", "p7", "finished", "AMB", "2025-02-27T09:00:00Z", "2025-02-27T10:00:00Z"),
      &prescriber);
  EXPECT_EQ(active("p7"), Codes{"medication-change-unseen"});
  put("Encounter/e2", encounter("e2", "p7", "finished", "AMB", "2025-02-28T09:00:00Z", "2025-02-28T10:00:00Z"));
  EXPECT_EQ(active("p7"), Codes{});
}

// A flag raised by a 42 CFR Part 2 program's data carries its labels: the
// program and the admin see it, a partner without consent does not.
TEST_F(CareFlagsTest, AFlagRaisedByPart2DataIsWithheldLikeTheData) {
  at("2025-03-01");
  put("Patient/p8", named_patient("p8", "Program"));
  auto program = client_for({.id = "recovery", .role = "source", .organization = "Organization/recovery-program",
                             .part2_program = true});
  put("QuestionnaireResponse/q1", phq9_response("q1", "p8", "2025-02-27T10:00:00Z", "LA6571-9"), &program);
  EXPECT_EQ(active("p8"), Codes{"safety-item"});
  auto partner = client_for({.id = "harbor", .organization = "Organization/harbor"});
  EXPECT_EQ(partner.get("Patient/p8").status, 200);
  EXPECT_EQ(active("p8", &partner), Codes{});
  auto count = partner.get("Flag?subject=Patient/p8&_summary=count");
  ASSERT_EQ(count.status, 200);
  const Value counted = count.json();
  EXPECT_EQ(counted.find("total")->text(), "0");
}

}  // namespace
}  // namespace carebridge::test
