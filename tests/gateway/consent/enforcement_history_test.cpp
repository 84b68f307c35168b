// History at every level under consent: withheld versions are left out of
// entries and totals; the history of a resource withheld in every version
// is answered like a missing id; a version withheld while another is not
// is left out alone.
#include <gtest/gtest.h>

#include "tests/gateway/consent/scenario_data.hpp"

namespace carebridge::test::scenario {
namespace {

using EnforcementHistory = ConsentScenarioTest;

std::size_t entries(const fhir::json::Value& b) {
  const auto* e = b.find("entry");
  return e != nullptr ? e->items().size() : 0;
}

TEST_F(EnforcementHistory, TypeAndSystemHistoryLeaveWithheldVersionsOut) {
  auto f002 = partner(kOrgF002, "TREAT");
  auto admin_type = client().get("Condition/_history").json();
  auto type = f002.get("Condition/_history");
  auto tb = type.json();
  EXPECT_EQ(std::stoi(total_of(admin_type)) - 1, std::stoi(total_of(tb))) << type.body;
  EXPECT_EQ(entries(tb), entries(admin_type) - 1);
  EXPECT_FALSE(mentions(type, kSudConditionA));
  EXPECT_TRUE(mentions(type, kMigraineA));
  auto admin_sys = client().get("_history").json();
  auto sys = f002.get("_history");
  // Part 2 for A: an Encounter, a Condition, a DiagnosticReport.
  EXPECT_EQ(std::stoi(total_of(admin_sys)) - 3, std::stoi(total_of(sys.json()))) << sys.body;
  for (const auto& id : {kSudConditionA, kSudEncounterA, kSudNoteA}) EXPECT_FALSE(mentions(sys, id)) << id;
}

TEST_F(EnforcementHistory, HistoryPagesCountOnlyWhatMayBeSeen) {
  auto f002 = partner(kOrgF002, "TREAT");
  auto p1 = f002.get("Encounter/_history?_count=1");
  auto b1 = p1.json();
  const int total = std::stoi(total_of(b1));
  int seen = static_cast<int>(entries(b1));
  std::string next = link_of(b1, "next");
  while (!next.empty()) {
    auto p = f002.get(next);
    ASSERT_EQ(p.status, 200) << p.body;
    EXPECT_FALSE(mentions(p, kSudEncounterA));
    auto b = p.json();
    EXPECT_EQ(entries(b), 1u) << "an empty or short page: " << p.body;
    seen += static_cast<int>(entries(b));
    next = link_of(b, "next");
    ASSERT_LE(seen, 50);
  }
  EXPECT_EQ(seen, total);
  EXPECT_EQ(total, std::stoi(total_of(client().get("Encounter/_history").json())) - 1);
}

TEST_F(EnforcementHistory, InstanceHistoryOmitsTheWithheldVersionsOnly) {
  // v1 plain, v2 sensitive (an ICD-10-CM SUD code): a payer sees v1 only.
  std::string v2 = client().get("Condition/" + kAnemiaB).body;
  v2.replace(v2.find("271737000"), 9, "F11.20");
  v2.replace(v2.find("http://snomed.info/sct"), 22, "http://hl7.org/fhir/sid/icd-10-cm");
  ASSERT_EQ(hospital().put("Condition/" + kAnemiaB, v2).status, 200);
  auto payer = partner(kOrgF001, "HPAYMT");
  auto h = payer.get("Condition/" + kAnemiaB + "/_history");
  ASSERT_EQ(h.status, 200) << h.body;
  auto hb = h.json();
  EXPECT_EQ(total_of(hb), "1") << h.body;
  EXPECT_EQ(h.body.find("F11.20"), std::string::npos) << h.body;
  auto treat = partner(kOrgF001, "TREAT").get("Condition/" + kAnemiaB + "/_history");
  EXPECT_EQ(total_of(treat.json()), "2") << treat.body;
}

TEST_F(EnforcementHistory, TheHistoryOfAWithheldResourceIsLikeAMissingOne) {
  auto f002 = partner(kOrgF002, "TREAT");
  expect_like_missing(f002.get("Condition/" + kSudConditionA + "/_history"),
                      f002.get("Condition/never-written-0000/_history"), kSudConditionA);
  put_consent_file("consent-a-part2-f001.json");
  auto ok = partner(kOrgF001, "TREAT").get("Condition/" + kSudConditionA + "/_history");
  EXPECT_EQ(total_of(ok.json()), "1") << ok.body;
}

TEST_F(EnforcementHistory, ADeletedWithheldResourceLeavesNoTraceInHistory) {
  ASSERT_EQ(part2_program().del("Condition/" + kSudConditionA).status / 100, 2);
  auto f002 = partner(kOrgF002, "TREAT");
  for (const std::string& q : {std::string("Condition/_history"), std::string("_history")}) {
    auto r = f002.get(q);
    EXPECT_FALSE(mentions(r, kSudConditionA)) << q << ": " << r.body;
  }
  expect_like_missing(f002.get("Condition/" + kSudConditionA + "/_history"),
                      f002.get("Condition/never-written-0000/_history"), kSudConditionA);
  auto read = f002.get("Condition/" + kSudConditionA);
  EXPECT_EQ(read.status, 404) << "a 410 Gone would say it existed: " << read.body;
}

}  // namespace
}  // namespace carebridge::test::scenario
