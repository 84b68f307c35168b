// The 42 CFR 2.32 redisclosure notice (issue 7, section 4): on every
// disclosed Part 2 resource (labels and meta extension), and once per
// searchset that holds Part 2 data as an OperationOutcome entry with
// search.mode "outcome"; never where no Part 2 data was disclosed, so the
// notice itself does not say that withheld Part 2 data exists.
#include <gtest/gtest.h>

#include "tests/gateway/consent/scenario_data.hpp"
#include "tests/support/bundle_builder.hpp"

namespace carebridge::test::scenario {
namespace {

using fhir::json::Value;

constexpr std::string_view kNoticeUrl = "http://hl7.org/fhir/uv/security-label-ds4p/StructureDefinition/extension-display";

class Part2Notice : public ConsentScenarioTest {
 protected:
  void SetUp() override {
    ConsentScenarioTest::SetUp();
    put_consent_file("consent-a-part2-f001.json");
  }
};

std::string notice_of(const Value& r) {
  const Value* meta = r.find("meta");
  const Value* ext = meta ? meta->find("extension") : nullptr;
  if (ext == nullptr) return {};
  for (const auto& e : ext->items())
    if (e.string_at("url") == kNoticeUrl)
      if (const Value* a = e.find("valueAnnotation")) return std::string(a->string_at("text"));
  return {};
}

// The search.mode "outcome" entries of a searchset.
std::vector<Value> outcome_entries(const Value& bundle) {
  std::vector<Value> out;
  if (const Value* entries = bundle.find("entry"))
    for (const auto& e : entries->items())
      if (const Value* s = e.find("search"); s && s->string_at("mode") == "outcome") out.push_back(e);
  return out;
}

TEST_F(Part2Notice, ADisclosedPart2ResourceCarriesItsLabelsAndTheNotice) {
  auto r = partner(kOrgF001, "TREAT").get("Condition/" + kSudConditionA);
  ASSERT_EQ(r.status, 200) << r.body;
  Value v = r.json();
  for (const char* code : {"42CFRPart2", "NORDSCLCD", "R"}) EXPECT_TRUE(has_label(v, code)) << code;
  EXPECT_NE(notice_of(v).find("42 CFR part 2"), std::string::npos) << r.body;
  // Non-Part 2 data carries none.
  auto plain = partner(kOrgF001, "TREAT").get("Condition/" + kMigraineA).json();
  EXPECT_TRUE(notice_of(plain).empty());
  EXPECT_FALSE(has_label(plain, "42CFRPart2"));
}

TEST_F(Part2Notice, ASearchsetHoldingPart2DataCarriesTheNoticeOnce) {
  auto r = partner(kOrgF001, "TREAT").get("Condition?patient=" + kPatientA);
  ASSERT_EQ(r.status, 200) << r.body;
  Value b = r.json();
  EXPECT_EQ(total_of(b), "2") << "the outcome entry is not a match";
  auto outcomes = outcome_entries(b);
  ASSERT_EQ(outcomes.size(), 1u) << r.body;
  const Value* oo = outcomes[0].find("resource");
  ASSERT_NE(oo, nullptr);
  EXPECT_EQ(oo->string_at("resourceType"), "OperationOutcome");
  const Value& issue = oo->find("issue")->items().at(0);
  EXPECT_EQ(issue.string_at("severity"), "information");
  EXPECT_NE(std::string(issue.string_at("diagnostics")).find("42 CFR part 2"), std::string::npos) << r.body;
  // Per resource as well.
  for (const auto& e : b.find("entry")->items())
    if (const Value* res = e.find("resource"); res && std::string(res->string_at("id")) == kSudConditionA) {
      EXPECT_FALSE(notice_of(*res).empty());
    }
}

TEST_F(Part2Notice, EverythingAndIncludesHoldingPart2DataCarryTheNotice) {
  auto f001 = partner(kOrgF001, "TREAT");
  for (const std::string& q : {"Patient/" + kPatientA + "/$everything",
                               "Patient?_id=" + kPatientA + "&_revinclude=Condition:patient"}) {
    auto r = f001.get(q);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(outcome_entries(r.json()).size(), 1u) << q << ": " << r.body;
  }
}

TEST_F(Part2Notice, NoNoticeWhereNoPart2DataWasDisclosed) {
  // f002 is not named: the Part 2 records are withheld, and the answer must
  // not carry a notice that would say they exist.
  auto f002 = partner(kOrgF002, "TREAT");
  for (const std::string& q : {"Condition?patient=" + kPatientA, "Patient/" + kPatientA + "/$everything",
                               "Patient?_id=" + kPatientA + "&_revinclude=Condition:patient",
                               "Condition?patient=" + kPatientB, std::string("_history")}) {
    auto r = f002.get(q);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(outcome_entries(r.json()).empty()) << q << ": " << r.body;
    EXPECT_EQ(r.body.find("42 CFR part 2"), std::string::npos) << q;
    EXPECT_EQ(r.body.find("42CFRPart2"), std::string::npos) << q;
  }
}

TEST_F(Part2Notice, ABatchHoldingPart2DataCarriesTheNotice) {
  auto body = BundleBuilder("batch").get("Condition/" + kSudConditionA).get("Condition?patient=" + kPatientA).json();
  auto r = partner(kOrgF001, "TREAT").post("", body);
  ASSERT_EQ(r.status, 200) << r.body;
  Value b = r.json();
  const Value& e0 = b.find("entry")->items().at(0);
  ASSERT_NE(e0.find("resource"), nullptr) << r.body;
  EXPECT_FALSE(notice_of(*e0.find("resource")).empty());
  const Value* search = b.find("entry")->items().at(1).find("resource");
  ASSERT_NE(search, nullptr);
  EXPECT_EQ(outcome_entries(*search).size(), 1u) << r.body;
  // The batch itself says it once too (a batch-response cannot hold
  // search.mode entries: the GET entry's response.outcome carries it).
  EXPECT_NE(r.body.find("42 CFR part 2"), std::string::npos);
  // The withheld-to-f002 batch: no notice anywhere.
  auto withheld = partner(kOrgF002, "TREAT").post("", body);
  EXPECT_EQ(withheld.body.find("42 CFR part 2"), std::string::npos) << withheld.body;
}

}  // namespace
}  // namespace carebridge::test::scenario
