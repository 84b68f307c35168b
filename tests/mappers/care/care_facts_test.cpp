// Care facts of real resources: the official R4 examples of each kind
// (tests/fixtures/r4-examples), the behavioral score Observations
// (tests/fixtures/behavioral, see its README) and whole Synthea patients
// (tests/fixtures/synthea-sud, consent-scenarios), counted per kind with
// the counts worked out from the JSON by hand (jq), a few facts checked
// field by field. Every expected epoch millisecond is the fixture's text
// converted with `date -u -d <text> +%s`. The element readers in
// resource_fields.hpp are tested at the end: they have no file of their
// own in care_model_test.
#include "mappers/care/care_facts.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "mappers/care/resource_fields.hpp"
#include "tests/mappers/care/synthea_facts.hpp"
#include "tests/mappers/outcomes/outcomes_test_data.hpp"
#include "tests/support/fixture_paths.hpp"

namespace mappers::care {
namespace {

using fhir::json::Value;
using fhir::store::CareFact;
using outcomes::test::load;
using outcomes::test::table;

Value example(const std::string& name) {
  return load(carebridge::test::fixtures_dir() + "/r4-examples/" + name + ".json");
}

std::vector<CareFact> facts(const Value& resource) { return care_facts_of(table(), resource); }

CareFact only_fact(const Value& resource) {
  auto all = facts(resource);
  EXPECT_EQ(all.size(), 1u) << resource.string_at("resourceType") << "/" << resource.string_at("id");
  return all.empty() ? CareFact() : all.front();
}

Value str(const std::string& s) { return Value::make_string(s); }

Value with(Value v, const std::string& key, Value member) {
  v.set(key, std::move(member));
  return v;
}

Value derived_tag() {
  Value coding = Value::make_object();
  coding.set("system", str("urn:carebridge:derived"));
  coding.set("code", str("score"));
  Value meta = Value::make_object();
  meta.set("tag", Value::make_array()).push_back(std::move(coding));
  return meta;
}

// ---- score ----

TEST(CareFactsTest, EcqmPhq9TotalIsAScore) {
  CareFact f = only_fact(
      load(carebridge::test::fixtures_dir() + "/behavioral/ecqm-qicore-2024/Observation-98778613516461352131315.json"));
  EXPECT_EQ(f.patient, "01083d96-9f99-4138-824d-f4a0eab21f75");
  EXPECT_EQ(f.kind, "score");
  EXPECT_EQ(f.code, "phq-9");
  EXPECT_EQ(f.value, 10.0);
  EXPECT_EQ(f.at_ms, 1708871700000);  // 2024-02-25T14:35:00+00:00
  EXPECT_EQ(f.end_ms, 0);
  EXPECT_EQ(f.detail, "");  // a total only: item 9 unknown, neither safety token
  EXPECT_EQ(f.source, "");  // the caller's to set
}

TEST(CareFactsTest, UnscorableObservationHasNoFacts) {
  // PHQ-9 of 300: score_observation refuses it (an Issue), so no fact.
  EXPECT_TRUE(facts(outcomes::test::behavioral("ecqm-qicore-2024/Observation-784651651684135131313.json")).empty());
}

TEST(CareFactsTest, PanelWithPositiveItem9IsASafetyScore) {
  CareFact f = only_fact(outcomes::test::behavioral("written/phq-9-panel-observation.json"));
  EXPECT_EQ(f.patient, "example-3");
  EXPECT_EQ(f.code, "phq-9");
  EXPECT_EQ(f.value, 16.0);
  EXPECT_EQ(f.at_ms, 1772616600000);  // 2026-03-04T09:30:00Z
  EXPECT_EQ(f.detail, "safety");
}

// The panel with item 9 answered "Not at all" (LA6568-5, 0) and its total
// component 16 - 1 = 15: a known negative, which (unlike a total-only
// score) can clear the safety-item flag.
Value panel_with_negative_item9() {
  Value obs = outcomes::test::behavioral("written/phq-9-panel-observation.json");
  auto& components = obs.find("component")->items();
  EXPECT_EQ(components[8].find("code")->find("coding")->items()[0].string_at("code"), "44260-8");  // item 9
  Value& answer = components[8].find("valueCodeableConcept")->find("coding")->items()[0];
  answer.set("code", str("LA6568-5"));
  answer.set("display", str("Not at all"));
  EXPECT_EQ(components[9].find("code")->find("coding")->items()[0].string_at("code"), "44261-6");  // total
  components[9].set("valueInteger", Value::make_number("15"));
  return obs;
}

TEST(CareFactsTest, PanelWithNegativeItem9IsAKnownNegative) {
  CareFact f = only_fact(panel_with_negative_item9());
  EXPECT_EQ(f.code, "phq-9");
  EXPECT_EQ(f.value, 15.0);
  EXPECT_EQ(f.detail, "safety-negative");
  EXPECT_EQ(only_fact(with(panel_with_negative_item9(), "meta", derived_tag())).detail, "safety-negative derived");
}

TEST(CareFactsTest, DerivedTagIsADetail) {
  Value obs = with(outcomes::test::behavioral("written/phq-9-panel-observation.json"), "meta", derived_tag());
  EXPECT_EQ(only_fact(obs).detail, "safety derived");
  Value total = with(outcomes::test::behavioral("ecqm-qicore-2024/Observation-98778613516461352131315.json"), "meta",
                     derived_tag());
  EXPECT_EQ(only_fact(total).detail, "derived");
}

TEST(CareFactsTest, ScoreNeedsAFinalStatus) {
  Value obs = outcomes::test::behavioral("ecqm-qicore-2024/Observation-98778613516461352131315.json");
  for (const char* status : {"preliminary", "cancelled", "entered-in-error"})
    EXPECT_TRUE(facts(with(obs, "status", str(status))).empty()) << status;
  EXPECT_EQ(facts(with(obs, "status", str("amended"))).size(), 1u);
}

TEST(CareFactsTest, ScoreEffectivePeriodStart) {
  Value period = Value::make_object();
  period.set("start", str("2024-02-25"));
  period.set("end", str("2024-02-26"));
  Value obs = outcomes::test::behavioral("ecqm-qicore-2024/Observation-98778613516461352131315.json");
  obs.erase("effectiveDateTime");
  obs.set("effectivePeriod", std::move(period));
  CareFact f = only_fact(obs);
  EXPECT_EQ(f.at_ms, 1708819200000);  // 2024-02-25, its first instant
  EXPECT_EQ(f.end_ms, 0);
}

TEST(CareFactsTest, IncompletePanelHasNoTotalAndNoFact) {
  Value obs = outcomes::test::behavioral("written/phq-9-panel-observation.json");
  auto& components = obs.find("component")->items();
  components.erase(components.begin());  // item 1 gone: no complete sum
  EXPECT_TRUE(facts(obs).empty());
}

TEST(CareFactsTest, OtherObservationsHaveNoFacts) {
  for (const char* name :
       {"Observation-bmi", "Observation-blood-pressure", "Observation-glasgow", "Observation-10minute-apgar-score"})
    EXPECT_TRUE(facts(example(name)).empty()) << name;
}

TEST(CareFactsTest, ScoreAboutNoLocalPatientHasNoFacts) {
  Value obs = outcomes::test::behavioral("ecqm-qicore-2024/Observation-98778613516461352131315.json");
  Value subject = Value::make_object();
  subject.set("reference", str("https://madie.cms.gov/Patient/01083d96-9f99-4138-824d-f4a0eab21f75"));
  EXPECT_TRUE(facts(with(obs, "subject", std::move(subject))).empty());
  obs.erase("subject");
  EXPECT_TRUE(facts(obs).empty());
}

// ---- appointment ----

TEST(CareFactsTest, AppointmentBasedOnAReferral) {
  CareFact f = only_fact(example("Appointment-example"));
  EXPECT_EQ(f.patient, "example");
  EXPECT_EQ(f.kind, "appointment");
  EXPECT_EQ(f.code, "booked");
  EXPECT_EQ(f.at_ms, 1386666000000);   // 2013-12-10T09:00:00Z
  EXPECT_EQ(f.end_ms, 1386673200000);  // 2013-12-10T11:00:00Z
  EXPECT_EQ(f.detail, "ref:ServiceRequest/myringotomy");
  EXPECT_FALSE(f.value.has_value());
}

TEST(CareFactsTest, ProposedAppointmentHasNoTimes) {
  CareFact f = only_fact(example("Appointment-examplereq"));
  EXPECT_EQ(f.patient, "example");
  EXPECT_EQ(f.code, "proposed");
  EXPECT_EQ(f.at_ms, 0);
  EXPECT_EQ(f.end_ms, 0);
  EXPECT_EQ(f.detail, "");
}

TEST(CareFactsTest, AppointmentPatientIsTheFirstPatientParticipant) {
  Value appt = example("Appointment-2docs");
  auto& parts = appt.find("participant")->items();
  std::rotate(parts.begin(), parts.begin() + 1, parts.end());  // the Patient last
  CareFact f = only_fact(appt);
  EXPECT_EQ(f.patient, "example");
  EXPECT_EQ(f.at_ms, 1386579600000);  // 2013-12-09T09:00:00Z
  parts.pop_back();                   // no Patient at all
  EXPECT_TRUE(facts(appt).empty());
}

// ---- encounter ----

TEST(CareFactsTest, EndedInpatientStayIsADischarge) {
  CareFact f = only_fact(example("Encounter-f203"));
  EXPECT_EQ(f.patient, "f201");
  EXPECT_EQ(f.kind, "encounter");
  EXPECT_EQ(f.code, "finished");
  EXPECT_EQ(f.at_ms, 1362960000000);   // 2013-03-11
  EXPECT_EQ(f.end_ms, 1363737600000);  // 2013-03-20
  EXPECT_EQ(f.detail, "class:IMP discharge ref:ServiceRequest/myringotomy");
}

TEST(CareFactsTest, InpatientStayInProgressIsNoDischarge) {
  CareFact f = only_fact(example("Encounter-emerg"));
  EXPECT_EQ(f.patient, "example");
  EXPECT_EQ(f.code, "in-progress");
  EXPECT_EQ(f.at_ms, 1485897300000);  // 2017-02-01T07:15:00+10:00
  EXPECT_EQ(f.end_ms, 0);
  EXPECT_EQ(f.detail, "class:IMP");
}

// An outpatient visit with a discharge disposition needs no follow-up
// visit: only a stay ends in a discharge.
TEST(CareFactsTest, AnOutpatientDischargeDispositionIsNoDischarge) {
  CareFact f = only_fact(example("Encounter-f001"));  // ambulatory, "Discharge to home"
  EXPECT_EQ(f.patient, "f001");
  EXPECT_EQ(f.code, "finished");
  EXPECT_EQ(f.at_ms, 0);  // no period
  EXPECT_EQ(f.detail, "class:AMB");
}

TEST(CareFactsTest, HomeVisitIsNoDischarge) {
  CareFact f = only_fact(example("Encounter-home"));
  EXPECT_EQ(f.at_ms, 1421474400000);   // 2015-01-17T16:00:00+10:00
  EXPECT_EQ(f.end_ms, 1421476200000);  // 2015-01-17T16:30:00+10:00
  EXPECT_EQ(f.detail, "class:HH");
}

TEST(CareFactsTest, ClassOfAnotherSystemIsNoDischarge) {
  Value enc = example("Encounter-f203");
  enc.find("class")->set("system", str("http://example.org/local-classes"));
  EXPECT_EQ(only_fact(enc).detail, "class:IMP ref:ServiceRequest/myringotomy");
}

TEST(CareFactsTest, CancelledStayIsNoDischarge) {
  EXPECT_EQ(only_fact(with(example("Encounter-f203"), "status", str("cancelled"))).detail,
            "class:IMP ref:ServiceRequest/myringotomy");
}

// ---- referral ----

TEST(CareFactsTest, ReferralAuthoredOn) {
  CareFact f = only_fact(example("ServiceRequest-physical-therapy"));
  EXPECT_EQ(f.patient, "example");
  EXPECT_EQ(f.kind, "referral");
  EXPECT_EQ(f.code, "completed");
  EXPECT_EQ(f.at_ms, 1474329600000);  // authoredOn 2016-09-20, not occurrence 2016-09-27
  EXPECT_EQ(f.end_ms, 0);
  // Evaluation procedure; Assessment of passive range of motion.
  EXPECT_EQ(f.detail, "category:386053000 code:710830005 intent:order");
}

// Every ServiceRequest's category, code and intent, as sent (jq over the
// R4 examples: .category[].coding[].code, .code.coding[].code, .intent);
// the rules pick the referrals among them (fact_timeline.hpp is_referral).
TEST(CareFactsTest, ServiceRequestCategoryCodeAndIntentTokens) {
  const std::map<std::string, std::string> expected = {
      // The reflex Free T4 lab order (LOINC), no category.
      {"ServiceRequest-ft4", "code:3024-7 intent:reflex-order"},
      {"ServiceRequest-di", "code:24627-2 intent:original-order"},
      {"ServiceRequest-subrequest", "code:35542-0 intent:instance-order"},
      {"ServiceRequest-lipid", "code:LIPID intent:original-order"},
      {"ServiceRequest-benchpress", "code:229115003 intent:plan"},
      {"ServiceRequest-colonoscopy", "code:73761001 intent:order"},
  };
  for (const auto& [name, detail] : expected) EXPECT_EQ(only_fact(example(name)).detail, detail) << name;
}

// HL7's myringotomy referral names its Patient on another server; stored
// on that server its subject is local, and it is the R4 examples' one
// ServiceRequest of a referral category (Patient referral to specialist).
TEST(CareFactsTest, ReferralCategoryIsAToken) {
  Value subject = Value::make_object();
  subject.set("reference", str("Patient/77662"));
  CareFact f = only_fact(with(example("ServiceRequest-myringotomy"), "subject", std::move(subject)));
  EXPECT_EQ(f.patient, "77662");
  EXPECT_EQ(f.code, "active");
  EXPECT_EQ(f.at_ms, 1392336000000);  // authoredOn 2014-02-14
  EXPECT_EQ(f.detail, "category:103696004 code:172676009 intent:order");
}

// Several codings, in order, each percent-encoded like every token; an
// empty code and a text-only concept add nothing; neither does a missing
// intent.
TEST(CareFactsTest, ServiceRequestCodingsArePercentEncodedInOrder) {
  auto concept_of = [](std::initializer_list<const char*> codes) {
    Value codings = Value::make_array();
    for (const char* code : codes) {
      Value coding = Value::make_object();
      coding.set("system", str("http://snomed.info/sct"));
      coding.set("code", str(code));
      codings.push_back(std::move(coding));
    }
    Value c = Value::make_object();
    c.set("coding", std::move(codings));
    return c;
  };
  Value req = example("ServiceRequest-colonoscopy");
  Value category = Value::make_array();
  category.push_back(concept_of({"3457005", "local referral", ""}));
  Value text_only = Value::make_object();
  text_only.set("text", str("Referral"));
  category.push_back(std::move(text_only));
  category.push_back(concept_of({"100%"}));
  req.set("category", std::move(category));
  req.set("code", concept_of({"306206005", "183524004"}));
  req.erase("intent");
  EXPECT_EQ(only_fact(req).detail,
            "category:3457005 category:local%20referral category:100%25 code:306206005 code:183524004");
  req.set("code", Value::make_object());  // no coding at all
  EXPECT_EQ(only_fact(req).detail, "category:3457005 category:local%20referral category:100%25");
}

// doNotPerform (an R4 modifier) turns the request into a prohibition.
TEST(CareFactsTest, DoNotPerformIsAToken) {
  Value req = example("ServiceRequest-do-not-turn");  // Turning patient in bed, forbidden
  EXPECT_EQ(only_fact(req).detail, "code:359962006 intent:order do-not-perform");
  EXPECT_EQ(only_fact(with(req, "doNotPerform", Value::make_bool(false))).detail, "code:359962006 intent:order");
  EXPECT_EQ(only_fact(with(req, "doNotPerform", str("true"))).detail, "code:359962006 intent:order");  // not a boolean
}

// The eCQM depression screening test case's psychiatry referral, in
// ../shared (behavioral/ecqm-qicore-2024, CC0), when present.
TEST(CareFactsTest, EcqmPsychiatryReferral) {
  CareFact f = only_fact(load(carebridge::test::fixtures_dir() +
                              "/behavioral/ecqm-qicore-2024/ServiceRequest-referral-for-adolescent-depression-e718.json"));
  EXPECT_EQ(f.patient, "ccf464f9-d990-4bbd-9c87-965e53fa1561");
  EXPECT_EQ(f.kind, "referral");
  EXPECT_EQ(f.code, "active");
  EXPECT_EQ(f.at_ms, 1750492800000);  // 2025-06-21T08:00:00.000+00:00
  EXPECT_EQ(f.detail, "code:183524004 intent:order");  // Referral to psychiatry service; doNotPerform false
}

TEST(CareFactsTest, ReferralWithoutAuthoredOnIsAtItsOccurrence) {
  CareFact f = only_fact(example("ServiceRequest-di"));
  EXPECT_EQ(f.patient, "dicom");
  EXPECT_EQ(f.code, "active");
  EXPECT_EQ(f.at_ms, 1367980407000);  // occurrenceDateTime 2013-05-08T09:33:27+07:00
}

TEST(CareFactsTest, ReferralTimingStartsAtItsEarliestEvent) {
  Value req = example("ServiceRequest-benchpress");
  EXPECT_EQ(only_fact(req).at_ms, 0);  // a repeat without bounds: no time
  Value& timing = *req.find("occurrenceTiming");
  Value events = Value::make_array();
  events.push_back(str("2024-05-03T10:00:00Z"));
  events.push_back(str("2024-05-03T08:00:00Z"));
  timing.set("event", std::move(events));
  EXPECT_EQ(only_fact(req).at_ms, 1714723200000);  // 2024-05-03T08:00:00Z
}

TEST(CareFactsTest, ReferralAboutNoLocalPatientHasNoFacts) {
  EXPECT_TRUE(facts(example("ServiceRequest-myringotomy")).empty());  // https://fhir.orionhealth.com/.../Patient/77662
  EXPECT_TRUE(facts(example("ServiceRequest-education")).empty());    // subject.display only
}

// ---- medication ----

TEST(CareFactsTest, ContainedMedicationDoseRangeAsNeeded) {
  CareFact f = only_fact(example("MedicationRequest-medrx0301"));
  EXPECT_EQ(f.patient, "pat1");
  EXPECT_EQ(f.kind, "medication");
  EXPECT_EQ(f.code, "completed");
  EXPECT_EQ(f.at_ms, 1421280000000);  // 2015-01-15
  EXPECT_EQ(f.end_ms, 0);
  EXPECT_EQ(f.detail, "med:http://snomed.info/sct|430127000 dose:1-2TAB@1/4-6h+prn intent:order");
}

TEST(CareFactsTest, MedicationKeys) {
  const std::map<std::string, std::string> expected = {
      {"MedicationRequest-medrx0308",  // as needed for pain
       "med:http://www.nlm.nih.gov/research/umls/rxnorm|856907 dose:1TAB@1/4h+prn intent:order"},
      {"MedicationRequest-medrx0306", "med:http://hl7.org/fhir/sid/ndc|76388-713-25 dose:6mg@1/d intent:order"},
      {"MedicationRequest-medrx0311", "med:http://snomed.info/sct|317935006 dose:1TAB@QD intent:order"},
      {"MedicationRequest-medrx0316", "med:http://hl7.org/fhir/sid/ndc|51144-050-01 dose:1.8mg/kg@1/3wk intent:order"},
      {"MedicationRequest-medrx0334",
       "med:http://www.nlm.nih.gov/research/umls/rxnorm|884308 dose:1ea@4/d intent:order"},
      // A Medication resource: its reference is the key; no dosage.
      {"MedicationRequest-medrx002", "med:Medication/med0316 intent:order"},
      // Contained Medication without a code; a rate but no dose or frequency.
      {"MedicationRequest-medrx0336", "intent:order"},
  };
  for (const auto& [name, detail] : expected) EXPECT_EQ(only_fact(example(name)).detail, detail) << name;
}

TEST(CareFactsTest, DoseNumbersAreNormalised) {
  Value req = example("MedicationRequest-medrx0306");
  Value& dose = *req.find("dosageInstruction")->items()[0].find("doseAndRate")->items()[0].find("doseQuantity");
  dose.set("value", Value::make_number("6.00"));
  EXPECT_EQ(only_fact(req).detail, "med:http://hl7.org/fhir/sid/ndc|76388-713-25 dose:6mg@1/d intent:order");
  dose.set("value", Value::make_number("0.50"));
  EXPECT_EQ(only_fact(req).detail, "med:http://hl7.org/fhir/sid/ndc|76388-713-25 dose:0.5mg@1/d intent:order");
}

TEST(CareFactsTest, SpacesInKeysArePercentEncoded) {
  Value req = example("MedicationRequest-medrx0306");
  Value& dose = *req.find("dosageInstruction")->items()[0].find("doseAndRate")->items()[0].find("doseQuantity");
  dose.erase("code");
  dose.set("unit", str("mg per 100%"));
  EXPECT_EQ(only_fact(req).detail,
            "med:http://hl7.org/fhir/sid/ndc|76388-713-25 dose:6mg%20per%20100%25@1/d intent:order");
}

// ---- care plan, goal, episode, flag ----

TEST(CareFactsTest, CarePlanPeriod) {
  CareFact f = only_fact(example("CarePlan-f003"));
  EXPECT_EQ(f.patient, "f001");
  EXPECT_EQ(f.kind, "care-plan");
  EXPECT_EQ(f.code, "completed");
  EXPECT_EQ(f.at_ms, 1362729610000);   // 2013-03-08T09:00:10+01:00
  EXPECT_EQ(f.end_ms, 1362731410000);  // 2013-03-08T09:30:10+01:00
  EXPECT_EQ(f.detail, "");
}

TEST(CareFactsTest, CarePlanWithoutStartIsAtItsCreation) {
  CareFact f = only_fact(example("CarePlan-example"));
  EXPECT_EQ(f.patient, "example");
  EXPECT_EQ(f.code, "active");
  EXPECT_EQ(f.at_ms, 1451606400000);   // created 2016-01-01
  EXPECT_EQ(f.end_ms, 1496275200000);  // period.end 2017-06-01
  EXPECT_EQ(f.detail, "");  // category "Weight management plan" is text only
  CareFact undated = only_fact(example("CarePlan-f202"));
  EXPECT_EQ(undated.at_ms, 0);
  EXPECT_EQ(undated.end_ms, 0);
}

TEST(CareFactsTest, CarePlanCategoryCodesArePercentEncoded) {
  Value plan = example("CarePlan-f003");
  Value category = Value::make_array();
  Value concept_value = Value::make_object();
  Value codings = Value::make_array();
  for (const char* code : {"718347000", "local plan", ""}) {  // the empty code is skipped
    Value coding = Value::make_object();
    coding.set("code", str(code));
    codings.push_back(std::move(coding));
  }
  concept_value.set("coding", std::move(codings));
  category.push_back(std::move(concept_value));
  Value text_only = Value::make_object();
  text_only.set("text", str("Mental health"));
  category.push_back(std::move(text_only));
  EXPECT_EQ(only_fact(with(std::move(plan), "category", std::move(category))).detail,
            "category:718347000 category:local%20plan");
}

TEST(CareFactsTest, GoalAchieved) {
  CareFact f = only_fact(example("Goal-stop-smoking"));
  EXPECT_EQ(f.patient, "example");
  EXPECT_EQ(f.kind, "goal");
  EXPECT_EQ(f.code, "completed");
  EXPECT_EQ(f.at_ms, 1428192000000);  // startDate 2015-04-05
  EXPECT_EQ(f.detail, "achievement:achieved");
}

TEST(CareFactsTest, GoalWithoutStartIsAtItsStatusDate) {
  Value goal = example("Goal-example");
  CareFact f = only_fact(goal);
  EXPECT_EQ(f.code, "on-hold");
  EXPECT_EQ(f.at_ms, 1428192000000);  // startDate 2015-04-05
  EXPECT_EQ(f.detail, "");
  goal.erase("startDate");
  EXPECT_EQ(only_fact(goal).at_ms, 1455408000000);  // statusDate 2016-02-14
}

TEST(CareFactsTest, EpisodeOfCareOpenPeriod) {
  CareFact f = only_fact(example("EpisodeOfCare-example"));
  EXPECT_EQ(f.patient, "example");  // EpisodeOfCare.patient
  EXPECT_EQ(f.kind, "episode");
  EXPECT_EQ(f.code, "active");
  EXPECT_EQ(f.at_ms, 1409529600000);  // 2014-09-01
  EXPECT_EQ(f.end_ms, 0);
  EXPECT_EQ(f.detail, "type:hacc");  // Home and Community Care
}

TEST(CareFactsTest, Flags) {
  CareFact dog = only_fact(example("Flag-example"));
  EXPECT_EQ(dog.patient, "example");
  EXPECT_EQ(dog.kind, "flag");
  EXPECT_EQ(dog.code, "bigdog");
  EXPECT_EQ(dog.at_ms, 1421452800000);   // 2015-01-17
  EXPECT_EQ(dog.end_ms, 1480550400000);  // 2016-12-01
  EXPECT_EQ(dog.detail, "status:inactive");
  CareFact l3 = only_fact(example("Flag-example-encounter"));
  EXPECT_EQ(l3.code, "l3");
  EXPECT_EQ(l3.at_ms, 0);
  EXPECT_EQ(l3.detail, "status:active");
  EXPECT_EQ(only_fact(with(example("Flag-example"), "meta", derived_tag())).detail, "status:inactive derived");
  Value text_only = Value::make_object();
  text_only.set("text", str("Big dog"));
  CareFact uncoded = only_fact(with(example("Flag-example"), "code", std::move(text_only)));
  EXPECT_EQ(uncoded.code, "");
  EXPECT_EQ(uncoded.at_ms, 1421452800000);
}

// ---- every kind ----

TEST(CareFactsTest, EnteredInErrorHasNoFactsOfAnyKind) {
  const std::vector<std::string> names = {"Appointment-example",
                                          "Encounter-f203",
                                          "ServiceRequest-physical-therapy",
                                          "MedicationRequest-medrx0301",
                                          "CarePlan-f003",
                                          "EpisodeOfCare-example",
                                          "Flag-example"};
  for (const auto& name : names) {
    Value r = example(name);
    EXPECT_EQ(facts(r).size(), 1u) << name;
    EXPECT_TRUE(facts(with(std::move(r), "status", str("entered-in-error"))).empty()) << name;
  }
  Value goal = example("Goal-stop-smoking");
  EXPECT_TRUE(facts(with(std::move(goal), "lifecycleStatus", str("entered-in-error"))).empty());
}

TEST(CareFactsTest, VersionedPatientReferenceNamesThePatient) {
  Value subject = Value::make_object();
  subject.set("reference", str("Patient/f001/_history/3"));
  EXPECT_EQ(only_fact(with(example("CarePlan-f003"), "subject", std::move(subject))).patient, "f001");
}

TEST(CareFactsTest, TypesWithFacts) {
  for (const char* type : {"Observation", "Appointment", "Encounter", "ServiceRequest", "MedicationRequest", "CarePlan",
                           "Goal", "EpisodeOfCare", "Flag"})
    EXPECT_TRUE(has_care_facts(type)) << type;
  for (const char* type : {"Patient", "Condition", "QuestionnaireResponse", "MedicationStatement", "Procedure", ""})
    EXPECT_FALSE(has_care_facts(type)) << type;
  EXPECT_TRUE(facts(example("Condition-f001")).empty());
  EXPECT_TRUE(facts(example("Patient-example")).empty());
}

// ---- whole Synthea patients ----

using test::transaction_resources;

std::vector<CareFact> facts_of_all(const std::vector<Value>& resources) {
  std::vector<CareFact> out;
  for (const Value& r : resources)
    for (CareFact& f : facts(r)) out.push_back(std::move(f));
  return out;
}

std::map<std::string, int> count_by(const std::vector<CareFact>& all, std::string CareFact::*field) {
  std::map<std::string, int> n;
  for (const CareFact& f : all) ++n[f.*field];
  return n;
}

int count_token(const std::vector<CareFact>& all, const std::string& prefix) {
  int n = 0;
  for (const CareFact& f : all)
    for (std::size_t at = 0; (at = f.detail.find(prefix, at)) != std::string::npos; at += prefix.size())
      if (at == 0 || f.detail[at - 1] == ' ') ++n;
  return n;
}

const CareFact* fact_at(const std::vector<CareFact>& all, const std::string& kind, std::int64_t at_ms) {
  for (const CareFact& f : all)
    if (f.kind == kind && f.at_ms == at_ms) return &f;
  return nullptr;
}

Value synthea_sud(const std::string& id) {
  return load(carebridge::test::fixtures_dir() + "/synthea-sud/" + id + ".json");
}

TEST(CareFactsTest, SyntheaPatientWithDrugAbuse) {
  const std::string patient = "d69f0917-eea1-af79-624f-1bd8b274b255";
  auto all = facts_of_all(transaction_resources(synthea_sud(patient)));
  // 39 Encounters, 6 MedicationRequests, 3 CarePlans; GAD-7 3 and 7,
  // PHQ-9 4 (PHQ-2 is no instrument here); no Appointment and the like.
  EXPECT_EQ(count_by(all, &CareFact::kind),
            (std::map<std::string, int>{{"care-plan", 3}, {"encounter", 39}, {"medication", 6}, {"score", 3}}));
  EXPECT_EQ(count_by(all, &CareFact::patient), (std::map<std::string, int>{{patient, 51}}));
  EXPECT_EQ(count_token(all, "discharge"), 6);  // 5 EMER, 1 IMP, all ended
  EXPECT_EQ(count_token(all, "dose:"), 5);      // the 6th has no dosage
  EXPECT_EQ(count_token(all, "class:AMB"), 33);
  // Each CarePlan: careplan-category assess-plan and one SNOMED plan code.
  EXPECT_EQ(count_token(all, "category:assess-plan"), 3);

  const CareFact* plan = fact_at(all, "care-plan", 1360718217000);  // 2013-02-13T01:16:57+00:00
  ASSERT_NE(plan, nullptr);
  EXPECT_EQ(plan->code, "active");
  EXPECT_EQ(plan->detail, "category:assess-plan category:736285004");  // Hyperlipidemia clinical management plan
  // The drug addiction counseling plan has only the generic "Care plan".
  const CareFact* addiction = fact_at(all, "care-plan", 839395218000);  // 1996-08-07T05:20:18+00:00
  ASSERT_NE(addiction, nullptr);
  EXPECT_EQ(addiction->detail, "category:assess-plan category:734163000");

  const CareFact* phq9 = fact_at(all, "score", 1739936408000);  // 2025-02-19T03:40:08+00:00
  ASSERT_NE(phq9, nullptr);
  EXPECT_EQ(phq9->code, "phq-9");
  EXPECT_EQ(phq9->value, 4.0);
  EXPECT_EQ(phq9->detail, "");

  const CareFact* stay = fact_at(all, "encounter", 1749976518000);  // 2025-06-15T08:35:18+00:00
  ASSERT_NE(stay, nullptr);
  EXPECT_EQ(stay->code, "finished");
  EXPECT_EQ(stay->end_ms, 1750581318000);  // 2025-06-22T08:35:18+00:00
  EXPECT_EQ(stay->detail, "class:IMP discharge");

  const CareFact* er = fact_at(all, "encounter", 1738083683000);  // 2025-01-28T17:01:23+00:00
  ASSERT_NE(er, nullptr);
  EXPECT_EQ(er->end_ms, 1738130483000);
  EXPECT_EQ(er->detail, "class:EMER discharge");

  const CareFact* med = fact_at(all, "medication", 1740273417000);  // 2025-02-23T01:16:57+00:00
  ASSERT_NE(med, nullptr);
  EXPECT_EQ(med->code, "active");
  EXPECT_EQ(med->detail, "med:http://www.nlm.nih.gov/research/umls/rxnorm|314231 dose:1@1/d intent:order");

  const CareFact* by_ref = fact_at(all, "medication", 1741148531000);  // 2025-03-05T04:22:11+00:00
  ASSERT_NE(by_ref, nullptr);
  EXPECT_EQ(by_ref->detail, "med:Medication/edc4d0e4-74cd-b839-052e-9f3f69fa2b1f intent:order");
}

TEST(CareFactsTest, SyntheaPatientWithOpioidAbuse) {
  const std::string patient = "7753b010-5d25-8d6b-9fd6-78e47ef62395";
  auto all = facts_of_all(transaction_resources(synthea_sud(patient)));
  EXPECT_EQ(count_by(all, &CareFact::kind),
            (std::map<std::string, int>{{"care-plan", 2}, {"encounter", 18}, {"medication", 19}, {"score", 3}}));
  EXPECT_EQ(count_by(all, &CareFact::patient), (std::map<std::string, int>{{patient, 42}}));
  EXPECT_EQ(count_token(all, "discharge"), 1);  // the one EMER visit
  EXPECT_EQ(count_token(all, "dose:"), 12);
  // Every-72-hours and twice-daily regimens.
  EXPECT_EQ(count_token(all, "dose:1@1/3d"), 4);
  EXPECT_EQ(count_token(all, "dose:1@2/d"), 4);
  int gad7 = 0;
  for (const CareFact& f : all)
    if (f.kind == "score" && f.code == "gad-7") ++gad7;
  EXPECT_EQ(gad7, 2);
}

TEST(CareFactsTest, UnresolvedUrnUuidNamesNoPatient) {
  // The bundle as sent: every subject is urn:uuid:..., no Patient/<id>.
  Value bundle = synthea_sud("d69f0917-eea1-af79-624f-1bd8b274b255");
  std::vector<Value> raw;
  for (const Value& e : bundle.find("entry")->items()) raw.push_back(*e.find("resource"));
  EXPECT_TRUE(facts_of_all(raw).empty());
}

TEST(CareFactsTest, ConsentScenarioSubsets) {
  // Already stored form (PUT, Type/id references): Encounters only.
  auto a = facts_of_all(
      transaction_resources(load(carebridge::test::fixtures_dir() + "/consent-scenarios/synthea-a-hospital.json")));
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].patient, "d69f0917-eea1-af79-624f-1bd8b274b255");
  EXPECT_EQ(a[0].at_ms, 633921417000);   // 1990-02-02T01:16:57+00:00
  EXPECT_EQ(a[0].end_ms, 633925017000);  // 1990-02-02T02:16:57+00:00
  EXPECT_EQ(a[0].detail, "class:EMER discharge");
  auto b = facts_of_all(
      transaction_resources(load(carebridge::test::fixtures_dir() + "/consent-scenarios/synthea-b-hospital.json")));
  EXPECT_EQ(count_by(b, &CareFact::detail), (std::map<std::string, int>{{"class:AMB", 2}}));
}

// All 25 Synthea 2025 patients in ../shared (when present): 444 Encounters
// (30 discharges), 215 MedicationRequests, 51 CarePlans, and 61 scores:
// 19 PHQ-9, 40 GAD-7, 2 PHQ-A, each about its bundle's Patient.
// Recounted with jq over the 25 transaction bundles (entry[].resource):
// Encounter classes (all v3-ActCode, all finished, all with period.end) are
// 410 AMB, 2 AMB with hospitalization.dischargeDisposition, 2 HH, 18 EMER,
// 9 IMP and 3 IMP with a disposition, so the discharges are the 18 EMER and
// 12 IMP; the 2 AMB visits with a disposition were counted before only an
// inpatient/emergency class could be discharged (32 then). Scores: the
// Observations coded 44261-6, 70274-6 and 89204-2 with a valueQuantity (the
// 61 panels 44249-1, 69737-5, 89206-7 are DiagnosticReports). CarePlan
// categories: each has careplan-category assess-plan and one SNOMED code;
// one each is 718347000, 737434004 and 736254008, the behavioral-health
// plans (care-rules.json treatment.care_plan_categories).
TEST(CareFactsTest, AllSharedSyntheaPatients) {
  auto shared = carebridge::test::shared_fixtures_dir();
  if (!shared) GTEST_SKIP() << "no ../shared/fixtures";
  std::vector<CareFact> all;
  int bundles = 0;
  for (const auto& state : {"california", "new_york"}) {
    for (const auto& entry :
         std::filesystem::directory_iterator(*shared + "/synthea/exafluence-qicore-2025/" + state)) {
      Value bundle = load(entry.path().string());
      if (bundle.string_at("type") != "transaction") continue;
      ++bundles;
      std::string patient;
      for (const Value& e : bundle.find("entry")->items())
        if (e.find("resource")->string_at("resourceType") == "Patient")
          patient = std::string(e.find("resource")->string_at("id"));
      for (CareFact& f : facts_of_all(transaction_resources(bundle))) {
        EXPECT_EQ(f.patient, patient) << entry.path();
        EXPECT_NE(f.at_ms, 0) << f.kind << " in " << entry.path();  // Synthea dates everything
        all.push_back(std::move(f));
      }
    }
  }
  EXPECT_EQ(bundles, 25);
  EXPECT_EQ(count_by(all, &CareFact::kind),
            (std::map<std::string, int>{{"care-plan", 51}, {"encounter", 444}, {"medication", 215}, {"score", 61}}));
  EXPECT_EQ(count_token(all, "discharge"), 30);
  EXPECT_EQ(count_token(all, "class:EMER discharge"), 18);
  EXPECT_EQ(count_token(all, "class:IMP discharge"), 12);
  EXPECT_EQ(count_token(all, "class:AMB"), 412);
  EXPECT_EQ(count_token(all, "category:assess-plan"), 51);
  EXPECT_EQ(count_token(all, "category:735985000"), 12);  // Diabetes self management plan
  for (const char* behavioral : {"category:718347000", "category:737434004", "category:736254008"})
    EXPECT_EQ(count_token(all, behavioral), 1) << behavioral;
  std::map<std::string, int> scores;
  for (const CareFact& f : all)
    if (f.kind == "score") ++scores[f.code];
  EXPECT_EQ(scores, (std::map<std::string, int>{{"gad-7", 40}, {"phq-9", 19}, {"phq-a", 2}}));
}

// ---- resource_fields ----

TEST(ResourceFieldsTest, PatientIdOfLocalReferencesOnly) {
  EXPECT_EQ(patient_id("Patient/f001"), "f001");
  EXPECT_EQ(patient_id("Patient/f001/_history/2"), "f001");
  EXPECT_EQ(patient_id("https://madie.cms.gov/Patient/f001"), "");
  EXPECT_EQ(patient_id("urn:uuid:d69f0917-eea1-af79-624f-1bd8b274b255"), "");
  EXPECT_EQ(patient_id("#p1"), "");
  EXPECT_EQ(patient_id("Patient?identifier=urn:oid:1.2|3"), "");
  EXPECT_EQ(patient_id("Group/f001"), "");
  EXPECT_EQ(patient_id(""), "");
  EXPECT_EQ(local_reference("ServiceRequest/myringotomy/_history/1", "ServiceRequest"), "ServiceRequest/myringotomy");
  EXPECT_EQ(patient_id_of(nullptr), "");
}

TEST(ResourceFieldsTest, DatesAtTheirFirstInstantUtc) {
  EXPECT_EQ(epoch_ms("2024"), 1704067200000);     // 2024-01-01T00:00:00Z
  EXPECT_EQ(epoch_ms("2024-05"), 1714521600000);  // 2024-05-01
  EXPECT_EQ(epoch_ms("2024-05-03T10:00:00Z"), 1714730400000);
  EXPECT_EQ(epoch_ms("2024-05-03T10:00:00"), 1714730400000);  // no zone: UTC
  EXPECT_EQ(epoch_ms("2024-05-03T10:00:00+02:00"), 1714723200000);
  EXPECT_EQ(epoch_ms("2024-05-03T10:00:00.250Z"), 1714730400250);
  EXPECT_EQ(epoch_ms("1969-12-31T23:59:59Z"), -1000);
  EXPECT_FALSE(epoch_ms("May 2024").has_value());
  EXPECT_FALSE(epoch_ms("2024-02-30").has_value());
  EXPECT_FALSE(epoch_ms("").has_value());
}

TEST(ResourceFieldsTest, FirstCodedCodingAndPeriod) {
  Value flag = example("Flag-example");
  auto c = first_coding(flag.find("code"));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->system, "http://example.org/local");
  EXPECT_EQ(c->code, "bigdog");
  EXPECT_FALSE(first_coding(nullptr).has_value());
  Value text_only = Value::make_object();
  text_only.set("text", str("Big dog"));
  EXPECT_FALSE(first_coding(&text_only).has_value());
  PeriodMs p = period_ms(flag.find("period"));
  EXPECT_EQ(p.start, 1421452800000);
  EXPECT_EQ(p.end, 1480550400000);
  EXPECT_EQ(period_ms(nullptr).start, 0);
  EXPECT_TRUE(has_tag(with(flag, "meta", derived_tag()), "urn:carebridge:derived"));
  EXPECT_FALSE(has_tag(flag, "urn:carebridge:derived"));
}

}  // namespace
}  // namespace mappers::care
