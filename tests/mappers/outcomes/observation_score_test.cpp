// Scores read from Observations: Synthea and eCQM totals (the eCQM PHQ-9 of
// 300 refused), an item-level panel, and each way an Observation can fail
// to be a score.
#include "mappers/outcomes/observation_score.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <utility>
#include <vector>

#include "tests/mappers/outcomes/outcomes_test_data.hpp"

namespace mappers::outcomes {
namespace {

using fhir::json::Value;
using test::behavioral;
using test::table;

Score scored(const Value& obs) {
  auto s = score_observation(table(), obs);
  EXPECT_TRUE(s.ok()) << s.issue().diagnostics;
  EXPECT_TRUE(s.ok() && s->has_value()) << "not recognised as a score";
  return s.ok() && s->has_value() ? **s : Score();
}

fhir::Issue refused(const Value& obs) {
  auto s = score_observation(table(), obs);
  EXPECT_FALSE(s.ok()) << "scored";
  return s.ok() ? fhir::Issue() : s.issue();
}

Value total_observation(const std::string& code, const std::string& value_member, Value value) {
  Value obs = Value::make_object();
  obs.set("resourceType", Value::make_string("Observation"));
  obs.set("id", Value::make_string("t1"));
  obs.set("status", Value::make_string("final"));
  Value coding = Value::make_object();
  coding.set("system", Value::make_string("http://loinc.org"));
  coding.set("code", Value::make_string(code));
  Value cc = Value::make_object();
  cc.set("coding", Value::make_array()).push_back(std::move(coding));
  obs.set("code", std::move(cc));
  if (!value_member.empty()) obs.set(value_member, std::move(value));
  return obs;
}

Value quantity(const std::string& number) {
  Value q = Value::make_object();
  q.set("value", Value::make_number(number));
  q.set("unit", Value::make_string("{score}"));
  return q;
}

// ---- eCQM ----

TEST(ObservationScoreTest, EcqmOutOfRangePhq9IsRefused) {
  fhir::Issue i = refused(behavioral("ecqm-qicore-2024/Observation-784651651684135131313.json"));
  EXPECT_EQ(i.severity, fhir::Severity::error);
  EXPECT_EQ(i.code, "value");
  EXPECT_EQ(i.expression, "Observation.valueInteger");
  EXPECT_NE(i.diagnostics.find("300 is outside 0..27"), std::string::npos) << i.diagnostics;
}

TEST(ObservationScoreTest, EcqmPhq9TotalIsReadWithItsSource) {
  Score s = scored(behavioral("ecqm-qicore-2024/Observation-98778613516461352131315.json"));
  EXPECT_EQ(s.instrument, "phq-9");
  EXPECT_EQ(s.total_code, "44261-6");
  EXPECT_EQ(s.total, 10);
  EXPECT_EQ(s.reported_total, 10);
  EXPECT_EQ(s.severity, "moderate");
  EXPECT_FALSE(s.complete);  // a total without items
  EXPECT_EQ(s.answered, 0);
  EXPECT_EQ(s.items.size(), 9u);
  EXPECT_FALSE(s.safety_positive.has_value());  // item 9 is not known from a total
  EXPECT_FALSE(s.source_total_disagrees);
  EXPECT_EQ(s.effective, "2024-02-25T14:35:00+00:00");
  EXPECT_EQ(s.subject, "Patient/01083d96-9f99-4138-824d-f4a0eab21f75");
  EXPECT_EQ(s.source, "Observation/98778613516461352131315");
  EXPECT_EQ(s.table_version, table().version());
  EXPECT_TRUE(s.notes.empty());
}

// Every eCQM PHQ-9 total: 105 in range (2..20), the two 300s refused.
TEST(ObservationScoreTest, AllEcqmPhq9TotalsFromShared) {
  auto shared = carebridge::test::shared_fixtures_dir();
  if (!shared) GTEST_SKIP() << "../shared/fixtures not present";
  int scored_count = 0, refused_count = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(*shared + "/behavioral/ecqm-qicore-2024")) {
    if (e.path().filename().string().rfind("Observation-", 0) != 0) continue;
    Value obs = test::load(e.path().string());
    auto s = score_observation(table(), obs);
    if (!s.ok()) {
      ++refused_count;
      EXPECT_NE(s.issue().diagnostics.find("300"), std::string::npos) << e.path();
      continue;
    }
    if (!s->has_value() || (*s)->instrument != "phq-9") continue;
    ++scored_count;
    EXPECT_GE(*(*s)->total, 2);
    EXPECT_LE(*(*s)->total, 20);
    EXPECT_FALSE((*s)->severity.empty());
  }
  EXPECT_EQ(scored_count, 105);
  EXPECT_EQ(refused_count, 2);
}

// ---- Synthea ----

using Totals = std::vector<std::pair<std::string, int>>;

// (instrument, total) of every score in a bundle, sorted; no Observation in
// it may be refused.
Totals bundle_scores(const std::string& path) {
  Totals out;
  Value bundle = test::load(path);
  for (const auto& entry : bundle.find("entry")->items()) {
    const Value& r = *entry.find("resource");
    if (r.string_at("resourceType") != "Observation") continue;
    auto s = score_observation(table(), r);
    EXPECT_TRUE(s.ok()) << path << ": " << s.issue().diagnostics;
    if (!s.ok() || !s->has_value()) continue;
    const Score& score = **s;
    EXPECT_TRUE(score.total.has_value());
    EXPECT_FALSE(score.severity.empty());
    EXPECT_FALSE(score.subject.empty());
    EXPECT_FALSE(score.effective.empty());
    out.emplace_back(score.instrument, *score.total);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ObservationScoreTest, SyntheaSudPatientsTotals) {
  const std::string dir = carebridge::test::fixtures_dir() + "/synthea-sud/";
  EXPECT_EQ(bundle_scores(dir + "d69f0917-eea1-af79-624f-1bd8b274b255.json"),
            (Totals{{"gad-7", 3}, {"gad-7", 7}, {"phq-9", 4}}));
  EXPECT_EQ(bundle_scores(dir + "7753b010-5d25-8d6b-9fd6-78e47ef62395.json"),
            (Totals{{"gad-7", 1}, {"gad-7", 3}, {"phq-9", 6}}));
}

// All 25 Synthea patients of ../shared: 19 PHQ-9 totals (3..27), 40
// GAD-7, 2 PHQ-9 teen; PRAPARE panels and the rest are no score.
TEST(ObservationScoreTest, AllSyntheaTotalsFromShared) {
  auto shared = carebridge::test::shared_fixtures_dir();
  if (!shared) GTEST_SKIP() << "../shared/fixtures not present";
  std::map<std::string, std::vector<int>> by_instrument;
  for (const auto& e : std::filesystem::recursive_directory_iterator(*shared + "/synthea")) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() != ".json" || name.find("Information") != std::string::npos ||
        name.find("metadata") != std::string::npos)
      continue;
    for (const auto& [id, total] : bundle_scores(e.path().string())) by_instrument[id].push_back(total);
  }
  for (auto& [id, totals] : by_instrument) std::sort(totals.begin(), totals.end());
  EXPECT_EQ(by_instrument["phq-9"],
            (std::vector<int>{3, 3, 4, 4, 6, 7, 8, 16, 18, 19, 20, 21, 22, 24, 25, 25, 25, 26, 27}));
  EXPECT_EQ(by_instrument["gad-7"].size(), 40u);
  EXPECT_EQ(by_instrument["gad-7"].front(), 0);
  EXPECT_EQ(by_instrument["gad-7"].back(), 11);
  EXPECT_EQ(by_instrument["phq-a"], (std::vector<int>{2, 2}));
  EXPECT_EQ(by_instrument.size(), 3u);
}

// ---- Item-level panels ----

TEST(ObservationScoreTest, PanelComponentsAreScored) {
  Score s = scored(behavioral("written/phq-9-panel-observation.json"));
  EXPECT_EQ(s.instrument, "phq-9");
  EXPECT_EQ(s.items, (std::vector<std::optional<int>>{3, 3, 2, 2, 1, 1, 2, 1, 1}));
  EXPECT_TRUE(s.complete);
  EXPECT_EQ(s.answered, 9);
  EXPECT_EQ(s.total, 16);
  EXPECT_EQ(s.reported_total, 16);
  EXPECT_FALSE(s.source_total_disagrees);
  EXPECT_EQ(s.severity, "moderately severe");
  EXPECT_EQ(s.safety_positive, true);
  EXPECT_TRUE(s.notes.empty());
}

TEST(ObservationScoreTest, PanelWithAnUnknownAnswerIsIncomplete) {
  Value obs = behavioral("written/phq-9-panel-observation.json");
  Value& coding = obs.find("component")->items()[2].find("valueCodeableConcept")->find("coding")->items()[0];
  coding.set("code", Value::make_string("LA9999-9"));
  Score s = scored(obs);
  EXPECT_FALSE(s.complete);
  EXPECT_EQ(s.answered, 8);
  EXPECT_FALSE(s.total.has_value());  // never a partial sum
  EXPECT_TRUE(s.severity.empty());
  EXPECT_EQ(s.reported_total, 16);
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_EQ(s.notes[0].severity, fhir::Severity::warning);
  EXPECT_EQ(s.notes[0].expression, "Observation.component[2].valueCodeableConcept");
  EXPECT_NE(s.notes[0].diagnostics.find("http://loinc.org|LA9999-9"), std::string::npos) << s.notes[0].diagnostics;
}

TEST(ObservationScoreTest, TotalWithComponentsIsCheckedAgainstThem) {
  Value obs = behavioral("written/phq-9-panel-observation.json");
  obs.find("code")->find("coding")->items()[0].set("code", Value::make_string("44261-6"));
  obs.set("valueInteger", Value::make_number("15"));
  Score s = scored(obs);
  EXPECT_EQ(s.total, 16);  // our sum
  EXPECT_EQ(s.reported_total, 15);
  EXPECT_TRUE(s.source_total_disagrees);
  EXPECT_EQ(s.severity, "moderately severe");
}

TEST(ObservationScoreTest, PanelOfHasMemberReferencesIsSkippedWithAReason) {
  Value obs = total_observation("44249-1", "", Value());
  Value member = Value::make_object();
  member.set("reference", Value::make_string("Observation/item-1"));
  obs.set("hasMember", Value::make_array()).push_back(std::move(member));
  fhir::Issue i = refused(obs);
  EXPECT_EQ(i.severity, fhir::Severity::warning);
  EXPECT_EQ(i.expression, "Observation.hasMember");
  EXPECT_NE(i.diagnostics.find("hasMember"), std::string::npos);
  fhir::Issue empty = refused(total_observation("69737-5", "", Value()));
  EXPECT_EQ(empty.severity, fhir::Severity::error);
  EXPECT_EQ(empty.expression, "Observation.component");
}

// ---- Totals: shapes accepted and refused ----

TEST(ObservationScoreTest, TotalShapes) {
  EXPECT_EQ(scored(total_observation("70274-6", "valueQuantity", quantity("12.0"))).total, 12);
  EXPECT_EQ(scored(total_observation("70274-6", "valueQuantity", quantity("15"))).severity, "severe");
  Score pcl = scored(total_observation("101698-9", "valueInteger", Value::make_number("33")));
  EXPECT_EQ(pcl.instrument, "pcl-5");
  EXPECT_EQ(pcl.severity, "provisional PTSD");
  EXPECT_EQ(scored(total_observation("101698-9", "valueInteger", Value::make_number("32"))).severity,
            "below cut-point");
  EXPECT_EQ(scored(total_observation("89204-2", "valueInteger", Value::make_number("20"))).severity, "severe");

  fhir::Issue half = refused(total_observation("44261-6", "valueQuantity", quantity("12.5")));
  EXPECT_EQ(half.expression, "Observation.valueQuantity.value");
  EXPECT_NE(half.diagnostics.find("not a whole number"), std::string::npos);
  fhir::Issue pcl_high = refused(total_observation("101698-9", "valueInteger", Value::make_number("81")));
  EXPECT_NE(pcl_high.diagnostics.find("81 is outside 0..80"), std::string::npos);
  fhir::Issue negative = refused(total_observation("70274-6", "valueInteger", Value::make_number("-1")));
  EXPECT_EQ(negative.code, "value");
  Value absent = total_observation("44261-6", "dataAbsentReason", Value::make_object());
  fhir::Issue none = refused(absent);
  EXPECT_EQ(none.expression, "Observation.value[x]");
  EXPECT_NE(none.diagnostics.find("dataAbsentReason"), std::string::npos);
  fhir::Issue text = refused(total_observation("44261-6", "valueString", Value::make_string("12")));
  EXPECT_EQ(text.expression, "Observation.value[x]");
}

TEST(ObservationScoreTest, EnteredInErrorIsNotScored) {
  Value obs = total_observation("44261-6", "valueInteger", Value::make_number("5"));
  obs.set("status", Value::make_string("entered-in-error"));
  fhir::Issue i = refused(obs);
  EXPECT_EQ(i.expression, "Observation.status");
  EXPECT_EQ(i.severity, fhir::Severity::error);
}

TEST(ObservationScoreTest, OtherObservationsAreNoScore) {
  for (const char* code : {"44260-8", "55758-7", "8867-4"}) {  // a PHQ-9 item alone, PHQ-2, heart rate
    auto s = score_observation(table(), total_observation(code, "valueInteger", Value::make_number("1")));
    ASSERT_TRUE(s.ok()) << code;
    EXPECT_FALSE(s->has_value()) << code;
  }
  Value local = total_observation("44261-6", "valueInteger", Value::make_number("1"));
  local.find("code")->find("coding")->items()[0].set("system", Value::make_string("http://example.org/codes"));
  EXPECT_FALSE(score_observation(table(), local)->has_value());  // 44261-6 means this only in LOINC
  Value patient = Value::make_object();
  patient.set("resourceType", Value::make_string("Patient"));
  auto wrong = score_observation(table(), patient);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.issue().code, "invalid");
}

}  // namespace
}  // namespace mappers::outcomes
