// The shipped instrument table: what its codes mean, its severity bands at
// every boundary, a bad file refused with the problem named, and its
// answer codes and forms checked against the Questionnaires they came from.
#include "mappers/outcomes/instrument_table.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <utility>
#include <vector>

#include "tests/mappers/outcomes/outcomes_test_data.hpp"
#include "tests/support/temp_dir.hpp"

namespace mappers::outcomes {
namespace {

using fhir::json::Value;
using test::behavioral;
using test::table;

TEST(InstrumentTableTest, ShippedTableLoads) {
  EXPECT_FALSE(table().version().empty());
  std::vector<std::string> ids;
  for (const auto& inst : table().instruments()) ids.push_back(inst.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"phq-9", "gad-7", "phq-a", "pcl-5"}));
  const Instrument* phq9 = table().find("phq-9");
  ASSERT_NE(phq9, nullptr);
  EXPECT_EQ(phq9->items.size(), 9u);
  ASSERT_TRUE(phq9->safety.has_value());
  EXPECT_EQ(phq9->items[static_cast<std::size_t>(phq9->safety->item)].code, "44260-8");
  EXPECT_EQ(table().find("pcl-5")->items.size(), 20u);
  EXPECT_TRUE(table().find("phq-a")->items.empty());
  EXPECT_EQ(table().find("nope"), nullptr);
}

TEST(InstrumentTableTest, LoincCodesAnswerTheirRole) {
  struct Case {
    const char* code;
    const char* instrument;
    CodeRole role;
    int item;
  };
  for (const Case& c : {Case{"44261-6", "phq-9", CodeRole::total, -1}, Case{"44249-1", "phq-9", CodeRole::panel, -1},
                        Case{"44250-9", "phq-9", CodeRole::item, 0}, Case{"44260-8", "phq-9", CodeRole::item, 8},
                        Case{"70274-6", "gad-7", CodeRole::total, -1}, Case{"69737-5", "gad-7", CodeRole::panel, -1},
                        Case{"69725-0", "gad-7", CodeRole::item, 0}, Case{"69736-7", "gad-7", CodeRole::item, 6},
                        Case{"89204-2", "phq-a", CodeRole::total, -1}, Case{"101698-9", "pcl-5", CodeRole::total, -1},
                        Case{"101697-1", "pcl-5", CodeRole::panel, -1}}) {
    auto m = table().match_loinc(c.code);
    ASSERT_TRUE(m.has_value()) << c.code;
    EXPECT_EQ(m->instrument->id, c.instrument) << c.code;
    EXPECT_EQ(m->role, c.role) << c.code;
    EXPECT_EQ(m->item, c.item) << c.code;
  }
  EXPECT_FALSE(table().match_loinc("55758-7").has_value());  // PHQ-2: not in the table
  EXPECT_FALSE(table().match_loinc("").has_value());
}

TEST(InstrumentTableTest, FormsAreFoundByCanonicalWithOrWithoutVersion) {
  const std::string sdc = "http://hl7.org/fhir/uv/sdc/Questionnaire/questionnaire-sdc-profile-example-PHQ9";
  for (const std::string& c : {sdc, sdc + "|0.0.1"}) {
    auto m = table().match_form(c);
    ASSERT_TRUE(m.has_value()) << c;
    EXPECT_EQ(m->instrument->id, "phq-9");
    EXPECT_EQ(m->form->total_link_id, "H1/TS");
  }
  EXPECT_EQ(table().match_form("http://biodesign.stanford.edu/fhir/questionnaire/GAD-7")->instrument->id, "gad-7");
  EXPECT_FALSE(table().match_form("http://example.org/Questionnaire/other").has_value());
}

TEST(InstrumentTableTest, SeverityBandsAtEveryBoundary) {
  const std::vector<std::pair<int, std::string>> phq9 = {
      {0, "minimal"},   {4, "minimal"},           {5, "mild"},   {9, "mild"},    {10, "moderate"},
      {14, "moderate"}, {15, "moderately severe"}, {19, "moderately severe"}, {20, "severe"}, {27, "severe"},
      {-1, ""},         {28, ""}};
  for (const auto& [total, label] : phq9) EXPECT_EQ(table().find("phq-9")->band_of(total), label) << total;
  const std::vector<std::pair<int, std::string>> gad7 = {{0, "minimal"}, {4, "minimal"},   {5, "mild"},
                                                         {9, "mild"},    {10, "moderate"}, {14, "moderate"},
                                                         {15, "severe"}, {21, "severe"},   {22, ""}};
  for (const auto& [total, label] : gad7) EXPECT_EQ(table().find("gad-7")->band_of(total), label) << total;
  const std::vector<std::pair<int, std::string>> pcl5 = {
      {0, "below cut-point"}, {32, "below cut-point"}, {33, "provisional PTSD"}, {80, "provisional PTSD"}, {81, ""}};
  for (const auto& [total, label] : pcl5) EXPECT_EQ(table().find("pcl-5")->band_of(total), label) << total;
  EXPECT_EQ(table().find("phq-a")->band_of(10), "moderate");
}

// ---- A bad file is refused, naming the problem ----

void expect_refused(const Value& doc, const std::string& problem) {
  auto t = InstrumentTable::from_json(doc);
  ASSERT_FALSE(t.ok()) << "accepted; expected: " << problem;
  EXPECT_EQ(t.issue().severity, fhir::Severity::fatal);  // a shipped file: our failure
  EXPECT_EQ(t.issue().code, "exception");
  EXPECT_NE(t.issue().diagnostics.find(problem), std::string::npos) << t.issue().diagnostics;
}

Value& member(Value& obj, std::string_view key, std::size_t index) { return obj.find(key)->items()[index]; }

TEST(InstrumentTableTest, TheShippedDocumentIsAcceptedAsIs) {
  // The mutations below start from it, so each one is the only problem.
  EXPECT_TRUE(InstrumentTable::from_json(test::table_doc()).ok());
}

TEST(InstrumentTableTest, BadTablesAreRefusedWithTheProblemNamed) {
  {
    Value doc = test::table_doc();
    doc.erase("version");
    expect_refused(doc, "no version");
  }
  {
    Value doc = test::table_doc();
    member(test::instrument_entry(doc, "phq-9"), "bands", 1).set("min", Value::make_number("6"));
    expect_refused(doc, "instruments[0].bands[1].min must be 5");
  }
  {
    Value doc = test::table_doc();
    member(test::instrument_entry(doc, "gad-7"), "bands", 3).set("max", Value::make_number("20"));
    expect_refused(doc, "instruments[1].bands must end at total_max");
  }
  {
    Value doc = test::table_doc();
    test::instrument_entry(doc, "phq-9").set("total_max", Value::make_number("28"));
    expect_refused(doc, "must be the sum of 9 items of 0..3");
  }
  {
    Value doc = test::table_doc();
    member(test::instrument_entry(doc, "phq-9"), "answers", 3).set("value", Value::make_number("4"));
    expect_refused(doc, "instruments[0].answers[3].value is outside item_min..item_max");
  }
  {
    Value doc = test::table_doc();
    member(test::instrument_entry(doc, "phq-9"), "answers", 1).set("code", Value::make_string("LA6568-5"));
    expect_refused(doc, "repeats http://loinc.org|LA6568-5");
  }
  {
    Value doc = test::table_doc();
    member(test::instrument_entry(doc, "gad-7"), "items", 0).set("code", Value::make_string("44250-9"));
    expect_refused(doc, "gad-7 uses a LOINC code another entry already uses");
  }
  {
    Value doc = test::table_doc();
    test::instrument_entry(doc, "phq-9").find("safety_item")->set("item", Value::make_number("10"));
    expect_refused(doc, "safety_item.item must name one of the items");
  }
  {
    Value doc = test::table_doc();
    member(test::instrument_entry(doc, "phq-9"), "forms", 0).find("items")->items().pop_back();
    expect_refused(doc, "forms[0].items must give one linkId per item (9)");
  }
  {
    Value doc = test::table_doc();
    test::instrument_entry(doc, "gad-7").set("id", Value::make_string("phq-9"));
    expect_refused(doc, "instrument id phq-9 appears twice");
  }
  {
    Value doc = test::table_doc();
    test::instrument_entry(doc, "pcl-5").set("total_min", Value::make_string("0"));
    expect_refused(doc, "instruments[3].total_min must be a whole number");
  }
  {
    Value doc = test::table_doc();
    test::instrument_entry(doc, "phq-a").set("answers", Value::make_array());
    expect_refused(doc, "has no items, so it can have no answers");
  }
  {
    Value doc = test::table_doc();
    doc.set("instruments", Value::make_array());
    expect_refused(doc, "no instruments");
  }
}

TEST(InstrumentTableTest, UnreadableFilesAreRefused) {
  carebridge::test::TempDir dir;
  auto missing = InstrumentTable::load((dir.path() / "absent.json").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.issue().diagnostics.find("cannot read"), std::string::npos);
  EXPECT_EQ(missing.issue().severity, fhir::Severity::fatal);
  const auto bad = dir.path() / "bad.json";
  std::ofstream(bad) << "{\"version\": \"1\", \"instruments\": [";
  auto broken = InstrumentTable::load(bad.string());
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.issue().code, "exception");
  EXPECT_NE(broken.issue().diagnostics.find("bad.json"), std::string::npos) << broken.issue().diagnostics;
}

// ---- The data agrees with the Questionnaires it was taken from ----

// Every concept of the SDC's CSPHQ9 code system, with the ordinalValue the
// SDC PHQ-9 Questionnaire gives it, has that value in the table.
TEST(InstrumentTableTest, SdcAnswerCodesMatchTheirOrdinalValues) {
  const Instrument& phq9 = *table().find("phq-9");
  Value cs = behavioral("hl7-sdc-3.0.0/CodeSystem-CSPHQ9.json");
  const std::string system(cs.string_at("url"));
  Value q = behavioral("hl7-sdc-3.0.0/questionnaire-sdc-profile-example-PHQ9.json");
  const Value& include = q.find("contained")->items()[0].find("compose")->find("include")->items()[0];
  ASSERT_EQ(include.string_at("system"), system);
  int checked = 0;
  for (const auto& concept_ : include.find("concept")->items()) {
    const Value& ext = concept_.find("extension")->items()[0];
    auto value = phq9.answer_value(system, concept_.string_at("code"));
    ASSERT_TRUE(value.has_value()) << concept_.string_at("code");
    EXPECT_EQ(std::to_string(*value), ext.find("valueDecimal")->text());
    ++checked;
  }
  EXPECT_EQ(checked, 4);
  EXPECT_EQ(cs.find("concept")->items().size(), 4u);
  for (const auto& c : cs.find("concept")->items())
    EXPECT_TRUE(phq9.answer_value(system, c.string_at("code")).has_value()) << c.string_at("code");
}

// The ResearchKitOnFHIR GAD-7: its linkIds are the form's, in item order,
// and its CSGAD7 ordinalValues are the table's.
TEST(InstrumentTableTest, ResearchKitGad7FormMatchesItsQuestionnaire) {
  Value q = behavioral("researchkitonfhir/GAD-7.json");
  auto m = table().match_form(q.string_at("url"));
  ASSERT_TRUE(m.has_value());
  std::vector<std::string> link_ids;
  for (const auto& item : q.find("item")->items()[0].find("item")->items())
    link_ids.emplace_back(item.string_at("linkId"));
  EXPECT_EQ(link_ids, m->form->item_link_ids);
  const Value& include = q.find("contained")->items()[0].find("compose")->find("include")->items()[0];
  EXPECT_EQ(include.string_at("system"), m->form->answer_system);
  for (const auto& c : include.find("concept")->items()) {
    auto value = m->instrument->answer_value(include.string_at("system"), c.string_at("code"));
    ASSERT_TRUE(value.has_value()) << c.string_at("code");
    EXPECT_EQ(std::to_string(*value), c.find("extension")->items()[0].find("valueDecimal")->text());
  }
}

// LOINC's own LHC-Forms PHQ-9: item codes in order and each LA answer's
// ordinalValue. Its license is not one we copy under, so it is read from
// ../shared when present.
TEST(InstrumentTableTest, LhcFormsPhq9AgreesWithTheTable) {
  auto shared = carebridge::test::shared_fixtures_dir();
  if (!shared) GTEST_SKIP() << "../shared/fixtures not present";
  const Instrument& phq9 = *table().find("phq-9");
  Value q = test::load(*shared + "/behavioral/lforms/phq9.json");
  std::vector<std::string> codes;
  int options = 0;
  for (const auto& item : q.find("item")->items()) {
    std::string code(item.find("code")->items()[0].string_at("code"));
    if (code == "44261-6" || code == "69722-7") continue;  // the total, and the unscored difficulty item
    codes.push_back(code);
    for (const auto& o : item.find("answerOption")->items()) {
      const Value* coding = o.find("valueCoding");
      auto value = phq9.answer_value(coding->string_at("system"), coding->string_at("code"));
      ASSERT_TRUE(value.has_value()) << coding->string_at("code");
      for (const auto& e : o.find("extension")->items())
        if (e.string_at("url") == "http://hl7.org/fhir/StructureDefinition/ordinalValue") {
          EXPECT_EQ(std::to_string(*value), e.find("valueDecimal")->text());
          ++options;
        }
    }
  }
  std::vector<std::string> expected;
  for (const auto& item : phq9.items) expected.push_back(item.code);
  EXPECT_EQ(codes, expected);
  EXPECT_EQ(options, 36);
}

}  // namespace
}  // namespace mappers::outcomes
