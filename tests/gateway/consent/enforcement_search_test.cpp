// Search under consent: totals, _summary=count and paging are computed
// after filtering; _include/_revinclude never bring a withheld resource;
// chains and _has never match through one.
#include <gtest/gtest.h>

#include "tests/gateway/consent/scenario_data.hpp"

namespace carebridge::test::scenario {
namespace {

using fhir::json::Value;

class EnforcementSearch : public ConsentScenarioTest {
 protected:
  // A hospital follow-up visit of each patient whose diagnosis is the
  // restricted condition (Encounter.diagnosis does not propagate labels, so
  // the visit itself is plain): a visible resource referring to a withheld one.
  void SetUp() override {
    ConsentScenarioTest::SetUp();
    for (const auto& [id, patient, condition] :
         {std::tuple{std::string("a-followup"), kPatientA, kSudConditionA},
          std::tuple{std::string("b-followup"), kPatientB, kOudConditionB}}) {
      std::string enc = R"({"resourceType":"Encounter","id":")" + id +
                        R"(","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"subject":{"reference":"Patient/)" +
                        patient + R"("},"diagnosis":[{"condition":{"reference":"Condition/)" + condition + R"("}}]})";
      ASSERT_EQ(hospital().put("Encounter/" + id, enc).status, 201);
    }
  }
};

TEST_F(EnforcementSearch, TotalsAndCountsLeaveWithheldRecordsOut) {
  auto f002 = partner(kOrgF002, "TREAT");
  auto all = client().get("Condition?patient=" + kPatientA).json();
  EXPECT_EQ(total_of(all), "2");
  auto r = f002.get("Condition?patient=" + kPatientA).json();
  EXPECT_EQ(total_of(r), "1");
  EXPECT_EQ(entry_refs(r), std::set<std::string>{"Condition/" + kMigraineA});
  EXPECT_EQ(total_of(f002.get("Condition?patient=" + kPatientA + "&_summary=count").json()), "1");
  EXPECT_EQ(total_of(f002.get("Condition?code=6525002").json()), "0");
  EXPECT_EQ(total_of(f002.get("Condition?code=6525002&_summary=count").json()), "0");
  // Consented, the same searches count it.
  put_consent_file("consent-a-part2-f001.json");
  auto f001 = partner(kOrgF001, "TREAT");
  EXPECT_EQ(total_of(f001.get("Condition?patient=" + kPatientA).json()), "2");
  EXPECT_EQ(total_of(f001.get("Condition?code=6525002&_summary=count").json()), "1");
}

TEST_F(EnforcementSearch, PagesAndNextLinksCountOnlyWhatMayBeSeen) {
  auto f002 = partner(kOrgF002, "TREAT");
  // Patient A has 3 Encounters (plain, Part 2, follow-up): 2 visible.
  auto p1 = f002.get("Encounter?patient=" + kPatientA + "&_count=1");
  Value b1 = p1.json();
  EXPECT_EQ(total_of(b1), "2") << p1.body;
  std::set<std::string> seen = entry_refs(b1);
  std::string next = link_of(b1, "next");
  ASSERT_FALSE(next.empty()) << p1.body;
  auto p2 = f002.get(next);
  Value b2 = p2.json();
  for (const auto& r : entry_refs(b2)) seen.insert(r);
  EXPECT_TRUE(link_of(b2, "next").empty()) << "a next link to a page of nothing: " << p2.body;
  EXPECT_EQ(seen, (std::set<std::string>{"Encounter/" + kEncounterA, "Encounter/a-followup"}));
  EXPECT_FALSE(mentions(p1, kSudEncounterA));
  EXPECT_FALSE(mentions(p2, kSudEncounterA));
  // Two per page: one page, no next.
  auto one = f002.get("Encounter?patient=" + kPatientA + "&_count=2").json();
  EXPECT_TRUE(link_of(one, "next").empty());
}

TEST_F(EnforcementSearch, IncludesNeverBringAWithheldResource) {
  auto f002 = partner(kOrgF002, "TREAT");
  auto inc = f002.get("Encounter?_id=a-followup&_include=Encounter:diagnosis");
  ASSERT_EQ(inc.status, 200) << inc.body;
  EXPECT_EQ(entry_refs(inc.json()), std::set<std::string>{"Encounter/a-followup"}) << inc.body;
  auto rev = f002.get("Patient?_id=" + kPatientA + "&_revinclude=Condition:patient&_revinclude=Encounter:patient");
  Value rb = rev.json();
  EXPECT_FALSE(mentions(rev, kSudEncounterA)) << rev.body;
  EXPECT_TRUE(entry_refs(rb).count("Condition/" + kMigraineA)) << rev.body;
  EXPECT_FALSE(entry_refs(rb).count("Condition/" + kSudConditionA)) << rev.body;
  // :iterate from the visible Encounter to its Condition: still not.
  auto it = f002.get("Patient?_id=" + kPatientA +
                     "&_revinclude=Encounter:patient&_include:iterate=Encounter:diagnosis");
  EXPECT_FALSE(entry_refs(it.json()).count("Condition/" + kSudConditionA)) << it.body;
  // Consented: the include brings it.
  put_consent_file("consent-a-part2-f001.json");
  auto ok = partner(kOrgF001, "TREAT").get("Encounter?_id=a-followup&_include=Encounter:diagnosis");
  EXPECT_TRUE(entry_refs(ok.json()).count("Condition/" + kSudConditionA)) << ok.body;
}

TEST_F(EnforcementSearch, ChainsNeverMatchThroughAWithheldResource) {
  auto f002 = partner(kOrgF002, "TREAT");
  auto r = f002.get("Encounter?diagnosis:Condition.code=6525002");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(total_of(r.json()), "0") << r.body;
  EXPECT_EQ(total_of(f002.get("Encounter?diagnosis:Condition.code=6525002&_summary=count").json()), "0");
  // Sensitive, not Part 2: a payer may not match through it, treatment may.
  EXPECT_EQ(total_of(partner(kOrgF002, "HPAYMT").get("Encounter?diagnosis:Condition.code=5602001").json()), "0");
  EXPECT_EQ(total_of(partner(kOrgF002, "TREAT").get("Encounter?diagnosis:Condition.code=5602001").json()), "1");
  put_consent_file("consent-a-part2-f001.json");
  auto ok = partner(kOrgF001, "TREAT").get("Encounter?diagnosis:Condition.code=6525002");
  EXPECT_EQ(entry_refs(ok.json()), std::set<std::string>{"Encounter/a-followup"}) << ok.body;
}

TEST_F(EnforcementSearch, HasNeverMatchesThroughAWithheldResource) {
  auto q = "Patient?_has:Condition:patient:code=6525002";
  auto r = partner(kOrgF002, "TREAT").get(q);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(total_of(r.json()), "0") << r.body;
  EXPECT_FALSE(mentions(r, kPatientA)) << r.body;
  EXPECT_EQ(total_of(partner(kOrgF002, "HPAYMT").get("Patient?_has:Condition:patient:code=5602001").json()), "0");
  put_consent_file("consent-a-part2-f001.json");
  auto ok = partner(kOrgF001, "TREAT").get(q);
  EXPECT_EQ(entry_refs(ok.json()), std::set<std::string>{"Patient/" + kPatientA}) << ok.body;
}

TEST_F(EnforcementSearch, PostSearchAndSystemSearchFilterAlike) {
  auto f002 = partner(kOrgF002, "TREAT");
  auto post = f002.post("Condition/_search", "patient=" + kPatientA,
                        {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(post.status, 200) << post.body;
  EXPECT_EQ(entry_refs(post.json()), std::set<std::string>{"Condition/" + kMigraineA});
  auto sys = f002.get("?_type=Condition,Encounter&_id=" + kSudConditionA + "," + kSudEncounterA + "," + kMigraineA);
  ASSERT_EQ(sys.status, 200) << sys.body;
  EXPECT_EQ(entry_refs(sys.json()), std::set<std::string>{"Condition/" + kMigraineA}) << sys.body;
  auto comp = f002.get("Patient/" + kPatientA + "/Condition");
  ASSERT_EQ(comp.status, 200) << comp.body;
  EXPECT_EQ(entry_refs(comp.json()), std::set<std::string>{"Condition/" + kMigraineA}) << comp.body;
}

}  // namespace
}  // namespace carebridge::test::scenario
