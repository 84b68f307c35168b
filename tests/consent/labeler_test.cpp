// The labeling rules against real data: Synthea patients with and without
// substance-use-disorder records (tests/fixtures/synthea-sud, the demo
// patients) and the official R4 examples. The rules are the shipped file.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "consent/labels/labeler.hpp"
#include "fhir/json/parse.hpp"
#include "tests/support/fixture_paths.hpp"

namespace consent {
namespace {

using fhir::json::Value;

const LabelRules& rules() {
  static const std::shared_ptr<const LabelRules> kRules = [] {
    auto r = LabelRules::load(carebridge::test::share_dir() + "/consent/label-rules.json");
    EXPECT_TRUE(r.ok()) << r.issue().diagnostics;
    return r.ok() ? *r : nullptr;
  }();
  return *kRules;
}

Value load(const std::string& path) {
  auto v = fhir::json::parse(carebridge::test::read_file(path));
  EXPECT_TRUE(v.ok()) << path;
  return v.ok() ? std::move(*v) : Value();
}

const std::string kSud = "/synthea-sud/d69f0917-eea1-af79-624f-1bd8b274b255.json";

bool has(const LabelSet& s, std::string_view system, std::string_view code) { return s.contains(system, code); }

TEST(LabelerTest, RulesLoadWithAVersion) {
  EXPECT_FALSE(rules().version().empty());
  EXPECT_TRUE(rules().is_hub("Patient"));
  EXPECT_FALSE(rules().is_hub("Encounter"));
}

// Each resource of a patient with dependent drug abuse: the diagnosis and
// everything coding it is SUD and restricted; the Patient and the
// unrelated vital signs are normal.
TEST(LabelerTest, SubstanceUseDisorderCodesAreRestricted) {
  Value bundle = load(carebridge::test::fixtures_dir() + kSud);
  std::map<std::string, int> sud_by_type;
  int normal = 0;
  for (const auto& entry : bundle.find("entry")->items()) {
    const Value& r = *entry.find("resource");
    LabelSet labels = label_resource(rules(), r, {});
    ASSERT_FALSE(labels.confidentiality().empty());
    if (has(labels, kActCodeSystem, "SUD")) {
      ++sud_by_type[std::string(r.string_at("resourceType"))];
      EXPECT_EQ(labels.confidentiality(), "R");
      EXPECT_TRUE(has(labels, kActCodeSystem, "ETH"));  // older partners read ETH
      EXPECT_FALSE(has(labels, kPrivacyLawSystem, "42CFRPart2"));  // not from a Part 2 program
    } else if (labels.confidentiality() == "N") {
      ++normal;
    }
    if (r.string_at("resourceType") == "Patient") {
      EXPECT_EQ(labels.all().size(), 1u) << "Patient is N only";
    }
  }
  // Coded directly (propagation, a later stage, reaches the reports and
  // notes of those encounters): the diagnosis, the 15 rehabilitation
  // encounters (reasonCode 6525002 / 56876005), the addiction-therapy care
  // plan, and the claims that code the therapy.
  EXPECT_EQ(sud_by_type, (std::map<std::string, int>{
                             {"CarePlan", 1}, {"Claim", 2}, {"Condition", 1}, {"Encounter", 15},
                             {"ExplanationOfBenefit", 2}}));
  EXPECT_GT(normal, 200);
}

TEST(LabelerTest, OpioidAbuseIsLabeledInTheSecondPatient) {
  Value bundle = load(carebridge::test::fixtures_dir() + "/synthea-sud/7753b010-5d25-8d6b-9fd6-78e47ef62395.json");
  int conditions = 0;
  for (const auto& entry : bundle.find("entry")->items()) {
    const Value& r = *entry.find("resource");
    if (r.string_at("resourceType") == "Condition" && has(label_resource(rules(), r, {}), kActCodeSystem, "SUD"))
      ++conditions;
  }
  EXPECT_EQ(conditions, 1);  // 5602001 Opioid abuse
}

// Screening scores are labeled only when positive: one demo patient's
// AUDIT-C reaches 8, and no DAST-10 among the demo patients reaches 3.
TEST(LabelerTest, ScreeningScoresAreLabeledOnlyWhenPositive) {
  int positive = 0, negative = 0;
  for (const char* file : {"8527d65c-ebd5-8b79-3ad6-86574283792e.json", "baef3b4c-7be0-5b74-d702-108d9fb83d9a.json"}) {
    Value bundle = load(carebridge::test::demo_dir() + "/" + file);
    for (const auto& entry : bundle.find("entry")->items()) {
      const Value& r = *entry.find("resource");
      if (r.string_at("resourceType") != "Observation") continue;
      const Value* coding = r.find("code")->find("coding");
      if (coding == nullptr || coding->items().empty()) continue;
      std::string_view code = coding->items().front().string_at("code");
      if (code != "75626-2" && code != "82667-7") continue;
      double value = std::stod(r.find("valueQuantity")->find("value")->text());
      bool labeled = has(label_resource(rules(), r, {}), kActCodeSystem, "SUD");
      EXPECT_EQ(labeled, (code == "75626-2" && value >= 4) || (code == "82667-7" && value >= 3))
          << code << " = " << value;
      (labeled ? positive : negative)++;
    }
  }
  EXPECT_GE(positive, 1);
  EXPECT_GE(negative, 1);
}

TEST(LabelerTest, MentalHealthScreeningIsSensitiveButNormal) {
  Value bundle = load(carebridge::test::demo_dir() + "/8527d65c-ebd5-8b79-3ad6-86574283792e.json");
  int phq9 = 0;
  for (const auto& entry : bundle.find("entry")->items()) {
    const Value& r = *entry.find("resource");
    if (r.string_at("resourceType") != "Observation") continue;
    const Value* coding = r.find("code")->find("coding");
    if (coding == nullptr || coding->items().front().string_at("code") != "44261-6") continue;
    LabelSet labels = label_resource(rules(), r, {});
    EXPECT_TRUE(has(labels, kActCodeSystem, "MH"));
    EXPECT_EQ(labels.confidentiality(), "N");
    ++phq9;
  }
  EXPECT_EQ(phq9, 1);
}

// Whatever a Part 2 program sends carries the law, its refrain and R.
TEST(LabelerTest, APart2ProgramsRecordsCarryThePart2Labels) {
  Value patient = load(carebridge::test::fixtures_dir() + "/r4-examples/Patient-example.json");
  LabelSet labels = label_resource(rules(), patient, {.part2_program = true});
  EXPECT_TRUE(has(labels, kPrivacyLawSystem, "42CFRPart2"));
  EXPECT_TRUE(has(labels, kActCodeSystem, "NORDSCLCD"));
  EXPECT_EQ(labels.confidentiality(), "R");
}

// A source's labels stay: its V is not lowered by a rule's R, its codes
// are kept under their canonical system, and the rules only add.
TEST(LabelerTest, SourceLabelsAreKeptAndNeverLowered) {
  Value bundle = load(carebridge::test::fixtures_dir() + kSud);
  for (const auto& entry : bundle.find("entry")->items()) {
    Value r = *entry.find("resource");
    if (r.string_at("resourceType") != "Condition") continue;
    if (!has(label_resource(rules(), r, {}), kActCodeSystem, "SUD")) continue;
    Value& meta = r.find("meta") != nullptr ? *r.find("meta") : r.set("meta", Value::make_object());
    Value& security = meta.set("security", Value::make_array());
    Value v = Value::make_object();
    v.set("system", Value::make_string("http://hl7.org/fhir/v3/Confidentiality"));  // an older spelling
    v.set("code", Value::make_string("V"));
    security.push_back(v);
    Value psy = Value::make_object();
    psy.set("system", Value::make_string("urn:oid:2.16.840.1.113883.5.4"));
    psy.set("code", Value::make_string("PSYTHPN"));
    security.push_back(psy);
    LabelSet labels = label_resource(rules(), r, {});
    EXPECT_EQ(labels.confidentiality(), "V");
    EXPECT_TRUE(has(labels, kActCodeSystem, "PSYTHPN"));
    EXPECT_TRUE(has(labels, kActCodeSystem, "SUD"));
    return;
  }
  FAIL() << "no SUD Condition in the fixture";
}

// Labels flow in along clinical references (here a panel's members and a
// derived value), never from Patient and the other hubs.
TEST(LabelerTest, PropagationFollowsClinicalReferencesOnly) {
  Value panel = load(carebridge::test::fixtures_dir() + "/r4-examples/Observation-bgpanel.json");
  EXPECT_EQ(propagation_sources(rules(), panel),
            (std::vector<std::string>{"Observation/bloodgroup", "Observation/rhstatus"}));
  Value bmi = load(carebridge::test::fixtures_dir() + "/r4-examples/Observation-bmi-using-related.json");
  EXPECT_EQ(propagation_sources(rules(), bmi),
            (std::vector<std::string>{"Observation/bodyheight", "Observation/example"}));
  LabelSet sud;
  sud.add({std::string(kActCodeSystem), "SUD"});
  sud.add({std::string(kConfidentialitySystem), "R"});
  LabelSet labels = label_resource(rules(), bmi, {.propagated = &sud});
  EXPECT_TRUE(has(labels, kActCodeSystem, "SUD"));
  EXPECT_EQ(labels.confidentiality(), "R");
}

// A versioned reference (a derived score's derivedFrom, a Provenance
// target) propagates from the resource it names; anything else after the
// id, or an absolute URL, does not.
TEST(LabelerTest, PropagationFollowsVersionedReferencesToTheirResource) {
  auto parsed = fhir::json::parse(R"({"resourceType":"Observation","status":"final","code":{"text":"PHQ-9"},
    "derivedFrom":[{"reference":"QuestionnaireResponse/qr1/_history/3"},{"reference":"QuestionnaireResponse/qr2/extra"},
                   {"reference":"QuestionnaireResponse/qr3/_history/"},{"reference":"https://x.org/QuestionnaireResponse/q4"}]})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(propagation_sources(rules(), *parsed), std::vector<std::string>{"QuestionnaireResponse/qr1"});
}

TEST(LabelSetTest, OneConfidentialityTheHighest) {
  LabelSet s;
  s.add({std::string(kConfidentialitySystem), "R"});
  s.add({std::string(kConfidentialitySystem), "N"});
  EXPECT_EQ(s.confidentiality(), "R");
  s.add({std::string(kConfidentialitySystem), "V"});
  EXPECT_EQ(s.confidentiality(), "V");
  s.add({std::string(kActCodeSystem), "PSY"});
  s.add({std::string(kActCodeSystem), "PSY"});
  EXPECT_EQ(s.all().size(), 2u);
  EXPECT_EQ(s.all().front().code, "V");
}

}  // namespace
}  // namespace consent
