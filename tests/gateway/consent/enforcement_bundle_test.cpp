// Batch and $everything under consent: a GET entry for a withheld resource
// is answered as for a missing one, search entries are filtered, and
// Patient/$everything holds only what may be seen.
#include <gtest/gtest.h>

#include "tests/gateway/consent/scenario_data.hpp"
#include "tests/support/bundle_builder.hpp"

namespace carebridge::test::scenario {
namespace {

using fhir::json::Value;
using EnforcementBundle = ConsentScenarioTest;

const Value& entry(const Value& b, std::size_t i) { return b.find("entry")->items().at(i); }
std::string status_of(const Value& e) { return std::string(e.find("response")->string_at("status")); }

TEST_F(EnforcementBundle, ABatchGetOfAWithheldResourceIsAnsweredLikeAMissingOne) {
  auto body = BundleBuilder("batch")
                  .get("Condition/" + kSudConditionA)
                  .get("Condition/never-written-0000")
                  .get("Condition/" + kSudConditionA + "/_history/1")
                  .get("Condition/" + kMigraineA)
                  .json();
  auto r = partner(kOrgF002, "TREAT").post("", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(mentions(r, kSudConditionA)) << r.body;
  EXPECT_EQ(r.body.find("6525002"), std::string::npos);
  Value b = r.json();
  EXPECT_EQ(status_of(entry(b, 0)), status_of(entry(b, 1)));
  EXPECT_EQ(status_of(entry(b, 2)).substr(0, 3), "404");
  EXPECT_EQ(status_of(entry(b, 3)).substr(0, 3), "200");
  ASSERT_NE(entry(b, 3).find("resource"), nullptr);
}

TEST_F(EnforcementBundle, ABatchGetOfAConsentedResourceArrives) {
  put_consent_file("consent-a-part2-f001.json");
  auto r = partner(kOrgF001, "TREAT").post("", BundleBuilder("batch").get("Condition/" + kSudConditionA).json());
  ASSERT_EQ(r.status, 200) << r.body;
  Value b = r.json();
  EXPECT_EQ(status_of(entry(b, 0)).substr(0, 3), "200") << r.body;
  EXPECT_TRUE(mentions(r, "6525002"));
}

TEST_F(EnforcementBundle, BatchSearchEntriesAreFiltered) {
  auto body = BundleBuilder("batch")
                  .get("Condition?patient=" + kPatientA)
                  .get("Condition?code=6525002&_summary=count")
                  .get("Patient?_has:Condition:patient:code=6525002")
                  .json();
  auto r = partner(kOrgF002, "TREAT").post("", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(mentions(r, kSudConditionA)) << r.body;
  Value b = r.json();
  const Value* s0 = entry(b, 0).find("resource");
  ASSERT_NE(s0, nullptr);
  EXPECT_EQ(entry_refs(*s0), std::set<std::string>{"Condition/" + kMigraineA});
  EXPECT_EQ(total_of(*s0), "1");
  EXPECT_EQ(total_of(*entry(b, 1).find("resource")), "0");
  EXPECT_EQ(total_of(*entry(b, 2).find("resource")), "0");
}

TEST_F(EnforcementBundle, EverythingHoldsOnlyWhatMayBeSeen) {
  auto f002 = partner(kOrgF002, "TREAT");
  auto r = f002.get("Patient/" + kPatientA + "/$everything");
  ASSERT_EQ(r.status, 200) << r.body;
  auto refs = entry_refs(r.json());
  EXPECT_EQ(refs, (std::set<std::string>{"Patient/" + kPatientA, "Encounter/" + kEncounterA,
                                         "Condition/" + kMigraineA, "DiagnosticReport/" + kNoteA}))
      << r.body;
  put_consent_file("consent-a-part2-f001.json");
  auto ok = partner(kOrgF001, "TREAT").get("Patient/" + kPatientA + "/$everything");
  auto all = entry_refs(ok.json());
  for (const auto& ref : {"Condition/" + kSudConditionA, "Encounter/" + kSudEncounterA, "DiagnosticReport/" + kSudNoteA})
    EXPECT_TRUE(all.count(ref)) << ref;
}

TEST_F(EnforcementBundle, EverythingOfAnOptedOutPatientIsLikeAMissingPatient) {
  put_consent_file("consent-a-optout.json");
  auto f001 = partner(kOrgF001, "TREAT");
  expect_like_missing(f001.get("Patient/" + kPatientA + "/$everything"),
                      f001.get("Patient/never-written-0000/$everything"), kPatientA);
}

TEST_F(EnforcementBundle, ATransactionCannotReadWhatABatchMayNot) {
  auto body = BundleBuilder("transaction").get("Condition/" + kSudConditionA).json();
  auto r = partner(kOrgF002, "TREAT").post("", body);
  EXPECT_FALSE(mentions(r, kSudConditionA)) << r.body;
  EXPECT_EQ(r.body.find("6525002"), std::string::npos) << r.body;
}

}  // namespace
}  // namespace carebridge::test::scenario
