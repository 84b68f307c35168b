// QuestionnaireResponses scored by the gateway itself: every PHQ-9 and
// GAD-7 response in tests/fixtures/behavioral with the total worked out by
// hand from its answers (see that README), checked against the response's
// own total where it has one and against the same answers as an
// Observation panel; then each way an answer can fail to map.
#include "mappers/outcomes/questionnaire_scoring.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "mappers/outcomes/observation_score.hpp"
#include "tests/mappers/outcomes/outcomes_test_data.hpp"

namespace mappers::outcomes {
namespace {

using fhir::json::Value;
using test::behavioral;
using test::table;
using Items = std::vector<std::optional<int>>;

std::vector<Score> scores(const Value& qr, const Value* questionnaire = nullptr,
                          const InstrumentTable& t = table()) {
  auto s = score_questionnaire_response(t, qr, questionnaire);
  EXPECT_TRUE(s.ok()) << s.issue().diagnostics;
  return s.ok() ? *s : std::vector<Score>();
}

Score one(const Value& qr, const Value* questionnaire = nullptr, const InstrumentTable& t = table()) {
  auto all = scores(qr, questionnaire, t);
  EXPECT_EQ(all.size(), 1u);
  return all.empty() ? Score() : all[0];
}

std::string notes_of(const Score& s) {
  std::string out;
  for (const auto& n : s.notes) out += n.expression + ": " + n.diagnostics + "\n";
  return out;
}

// A table without one answer system, so only a Questionnaire's ordinalValues
// can give those codes a value.
std::shared_ptr<const InstrumentTable> table_without(const std::string& instrument, const std::string& system) {
  Value doc = test::table_doc();
  auto& answers = test::instrument_entry(doc, instrument).find("answers")->items();
  std::erase_if(answers, [&](const Value& a) { return a.string_at("system") == system; });
  auto t = InstrumentTable::from_json(doc);
  EXPECT_TRUE(t.ok()) << t.issue().diagnostics;
  return t.ok() ? *t : nullptr;
}

// The first answer's coding of the n-th item of a flat LOINC-linked response.
Value& coding_of(Value& qr, std::size_t n) {
  return *qr.find("item")->items()[n].find("answer")->items()[0].find("valueCoding");
}

// ---- The fixture responses ----

TEST(QuestionnaireScoringTest, UsBehavioralHealthPhq9EqualsItsOwnTotal) {
  Score s = one(behavioral("hl7-us-bh-profiles/QuestionnaireResponse-phq-9-example-1.json"));
  EXPECT_EQ(s.instrument, "phq-9");
  EXPECT_EQ(s.items, (Items{2, 2, 2, 2, 1, 1, 2, 0, 0}));
  EXPECT_TRUE(s.complete);
  EXPECT_EQ(s.answered, 9);
  EXPECT_EQ(s.total, 12);
  EXPECT_EQ(s.reported_total, 12);
  EXPECT_FALSE(s.source_total_disagrees);
  EXPECT_EQ(s.severity, "moderate");
  EXPECT_EQ(s.safety_positive, false);  // item 9 answered "Not at all"
  EXPECT_EQ(s.subject, "Patient/bh-patient-example");
  EXPECT_EQ(s.effective, "2024-02-01T20:50:32.718Z");
  EXPECT_EQ(s.source, "QuestionnaireResponse/phq-9-example-1");
  EXPECT_EQ(s.total_code, "44261-6");
  EXPECT_TRUE(s.notes.empty()) << notes_of(s);  // the difficulty item (69722-7) is not scored, and not a problem
}

// The SDC example's own total (13) is wrong: its answers sum to 10.
TEST(QuestionnaireScoringTest, SdcPhq9SumDisagreesWithItsOwnTotal) {
  for (const char* file : {"hl7-sdc-3.0.0/questionnaireresponse-sdc-profile-example-PHQ9.json",
                           "hl7-sdc-3.0.0/adaptive-questionnaireresponse-sdc-profile-example-PHQ9.json"}) {
    Score s = one(behavioral(file));
    EXPECT_EQ(s.items, (Items{0, 0, 0, 1, 2, 1, 3, 2, 1})) << file;
    EXPECT_EQ(s.total, 10) << file;
    EXPECT_EQ(s.reported_total, 13) << file;
    EXPECT_TRUE(s.source_total_disagrees) << file;
    EXPECT_EQ(s.severity, "moderate") << file;
    EXPECT_EQ(s.safety_positive, true) << file;
    EXPECT_EQ(s.subject, "http://hl7.org/fhir/Patient/proband") << file;
    EXPECT_TRUE(s.notes.empty()) << file << "\n" << notes_of(s);
  }
}

TEST(QuestionnaireScoringTest, SpeziPhq9ResponsesAreSevereAndFlagItem9) {
  for (const char* file : {"spezi-questionnaire/PHQ9_response_rkof.json", "spezi-questionnaire/PHQ9_response_spezi.json"}) {
    Score s = one(behavioral(file));
    EXPECT_EQ(s.total, 27) << file;
    EXPECT_EQ(s.severity, "severe") << file;
    EXPECT_EQ(s.safety_positive, true) << file;
    EXPECT_FALSE(s.reported_total.has_value()) << file;
    EXPECT_TRUE(s.subject.empty()) << file;
    EXPECT_EQ(s.effective.substr(0, 10), "2026-02-19") << file;
  }
}

// The SDC Questionnaire's ordinalValues agree with the table: same score.
TEST(QuestionnaireScoringTest, SuppliedQuestionnaireAgreesWithTheTable) {
  Value q = behavioral("hl7-sdc-3.0.0/questionnaire-sdc-profile-example-PHQ9.json");
  Score s = one(behavioral("spezi-questionnaire/PHQ9_response_spezi.json"), &q);
  EXPECT_EQ(s.total, 27);
  EXPECT_TRUE(s.notes.empty()) << notes_of(s);
}

// Without CSPHQ9 in the table, the Questionnaire's ordinalValues alone
// score the response; without either, nothing is guessed.
TEST(QuestionnaireScoringTest, OrdinalValuesFromTheQuestionnaire) {
  auto bare = table_without("phq-9", "http://hl7.org/fhir/uv/sdc/CodeSystem/CSPHQ9");
  ASSERT_NE(bare, nullptr);
  Value q = behavioral("hl7-sdc-3.0.0/questionnaire-sdc-profile-example-PHQ9.json");
  Value qr = behavioral("spezi-questionnaire/PHQ9_response_rkof.json");
  EXPECT_EQ(one(qr, &q, *bare).total, 27);
  Score unknown = one(qr, nullptr, *bare);
  EXPECT_FALSE(unknown.total.has_value());
  EXPECT_EQ(unknown.answered, 0);
  EXPECT_EQ(unknown.notes.size(), 9u);
  EXPECT_EQ(unknown.notes[0].expression, "QuestionnaireResponse.item[0].answer[0].valueCoding");
  EXPECT_FALSE(unknown.safety_positive.has_value());
}

TEST(QuestionnaireScoringTest, Gad7WithLoincLinkIdsInAGroup) {
  Score s = one(behavioral("written/gad-7-response-loinc.json"));
  EXPECT_EQ(s.instrument, "gad-7");
  EXPECT_EQ(s.total_code, "70274-6");
  EXPECT_EQ(s.items, (Items{1, 2, 0, 3, 1, 2, 1}));
  EXPECT_EQ(s.total, 10);
  EXPECT_EQ(s.reported_total, 10);
  EXPECT_FALSE(s.source_total_disagrees);
  EXPECT_EQ(s.severity, "moderate");
  EXPECT_FALSE(s.safety_positive.has_value());  // GAD-7 has no safety item
  EXPECT_TRUE(s.notes.empty()) << notes_of(s);
}

TEST(QuestionnaireScoringTest, Gad7FromTheResearchKitForm) {
  Score s = one(behavioral("written/gad-7-response-researchkit.json"));
  EXPECT_EQ(s.items, (Items{3, 3, 3, 2, 2, 1, 0}));
  EXPECT_EQ(s.total, 14);
  EXPECT_EQ(s.severity, "moderate");
  // The same from the Questionnaire's contained ValueSet alone.
  auto bare = table_without("gad-7", "http://biodesign.stanford.edu/fhir/uv/sdc/CodeSystem/CSGAD7");
  ASSERT_NE(bare, nullptr);
  Value q = behavioral("researchkitonfhir/GAD-7.json");
  EXPECT_EQ(one(behavioral("written/gad-7-response-researchkit.json"), &q, *bare).total, 14);
}

// The issue's test: the score from a QuestionnaireResponse equals the
// score of the same answers as an Observation panel, and the response's
// total item.
TEST(QuestionnaireScoringTest, ResponseScoreEqualsTheObservationScore) {
  Value panel = behavioral("written/phq-9-panel-observation.json");
  auto from_obs = score_observation(table(), panel);
  ASSERT_TRUE(from_obs.ok() && from_obs->has_value());
  Value qr = Value::make_object();
  qr.set("resourceType", Value::make_string("QuestionnaireResponse"));
  qr.set("status", Value::make_string("completed"));
  Value& items = qr.set("item", Value::make_array());
  for (const auto& comp : panel.find("component")->items()) {
    Value item = Value::make_object();
    item.set("linkId", Value::make_string("/" + std::string(comp.find("code")->find("coding")->items()[0].string_at("code"))));
    Value answer = Value::make_object();
    if (const Value* cc = comp.find("valueCodeableConcept"); cc != nullptr) {
      answer.set("valueCoding", cc->find("coding")->items()[0]);
    } else {
      answer.set("valueInteger", *comp.find("valueInteger"));
    }
    item.set("answer", Value::make_array()).push_back(std::move(answer));
    items.push_back(std::move(item));
  }
  Score from_qr = one(qr);
  const Score& obs = **from_obs;
  EXPECT_EQ(from_qr.total, obs.total);
  EXPECT_EQ(from_qr.total, 16);
  EXPECT_EQ(from_qr.items, obs.items);
  EXPECT_EQ(from_qr.severity, obs.severity);
  EXPECT_EQ(from_qr.safety_positive, obs.safety_positive);
  EXPECT_EQ(from_qr.reported_total, 16);
  EXPECT_FALSE(from_qr.source_total_disagrees);
}

// ---- Answers that do not map ----

TEST(QuestionnaireScoringTest, UnknownAnswerCodeLeavesTheScoreIncomplete) {
  Value qr = behavioral("hl7-us-bh-profiles/QuestionnaireResponse-phq-9-example-1.json");
  coding_of(qr, 2).set("code", Value::make_string("LA9999-9"));
  Score s = one(qr);
  EXPECT_FALSE(s.complete);
  EXPECT_EQ(s.answered, 8);
  EXPECT_FALSE(s.total.has_value());
  EXPECT_TRUE(s.severity.empty());
  EXPECT_EQ(s.reported_total, 12);
  EXPECT_FALSE(s.source_total_disagrees);  // nothing to compare yet
  EXPECT_EQ(s.items[2], std::nullopt);
  ASSERT_EQ(s.notes.size(), 1u) << notes_of(s);
  EXPECT_EQ(s.notes[0].severity, fhir::Severity::warning);
  EXPECT_EQ(s.notes[0].expression, "QuestionnaireResponse.item[2].answer[0].valueCoding");
  EXPECT_NE(s.notes[0].diagnostics.find("LA9999-9"), std::string::npos);
}

TEST(QuestionnaireScoringTest, ConflictingOrdinalValueIsNotGuessed) {
  Value qr = behavioral("hl7-us-bh-profiles/QuestionnaireResponse-phq-9-example-1.json");
  Value ext = Value::make_object();
  ext.set("url", Value::make_string("http://hl7.org/fhir/StructureDefinition/ordinalValue"));
  ext.set("valueDecimal", Value::make_number("3"));
  coding_of(qr, 0).set("extension", Value::make_array()).push_back(ext);  // LA6570-1 is 2
  Score s = one(qr);
  EXPECT_FALSE(s.total.has_value());
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_NE(s.notes[0].diagnostics.find("conflicting values 2 and 3"), std::string::npos) << notes_of(s);
  // An agreeing ordinal (the older iso21090-CO-value spelling) is fine.
  ext.set("url", Value::make_string("http://hl7.org/fhir/StructureDefinition/iso21090-CO-value"));
  ext.set("valueDecimal", Value::make_number("2"));
  coding_of(qr, 0).set("extension", Value::make_array()).push_back(ext);
  EXPECT_EQ(one(qr).total, 12);
}

TEST(QuestionnaireScoringTest, IntegerAnswersAndTheirRange) {
  Value qr = behavioral("hl7-us-bh-profiles/QuestionnaireResponse-phq-9-example-1.json");
  for (std::size_t n = 0; n < 9; ++n) {
    Value& answer = qr.find("item")->items()[n].find("answer")->items()[0];
    answer.erase("valueCoding");
    answer.set("valueInteger", Value::make_number(n == 8 ? "1" : "3"));
  }
  Score s = one(qr);
  EXPECT_EQ(s.total, 25);
  EXPECT_TRUE(s.source_total_disagrees);  // the response still says 12
  EXPECT_EQ(s.safety_positive, true);
  qr.find("item")->items()[8].find("answer")->items()[0].set("valueInteger", Value::make_number("4"));
  Score high = one(qr);
  EXPECT_FALSE(high.total.has_value());
  EXPECT_FALSE(high.safety_positive.has_value());
  ASSERT_EQ(high.notes.size(), 1u);
  EXPECT_NE(high.notes[0].diagnostics.find("outside the item range 0..3"), std::string::npos) << notes_of(high);
}

TEST(QuestionnaireScoringTest, MissingAndDoubleAnswersAreNamed) {
  Value qr = behavioral("hl7-us-bh-profiles/QuestionnaireResponse-phq-9-example-1.json");
  auto& items = qr.find("item")->items();
  items.erase(items.begin() + 8);  // item 9
  Value second = Value::make_object();
  second.set("valueCoding", coding_of(qr, 1));
  items[0].find("answer")->push_back(second);  // item 1 answered twice
  Score s = one(qr);
  EXPECT_EQ(s.answered, 7);
  EXPECT_FALSE(s.total.has_value());
  EXPECT_FALSE(s.safety_positive.has_value());
  std::string all = notes_of(s);
  EXPECT_NE(all.find("item 9 (44260-8) is not answered"), std::string::npos) << all;
  EXPECT_NE(all.find("item 1 (44250-9) has 2 answers"), std::string::npos) << all;
}

TEST(QuestionnaireScoringTest, ResponsesThatAreNotScored) {
  Value qr = behavioral("hl7-us-bh-profiles/QuestionnaireResponse-phq-9-example-1.json");
  qr.set("status", Value::make_string("entered-in-error"));
  auto s = score_questionnaire_response(table(), qr);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.issue().expression, "QuestionnaireResponse.status");
  EXPECT_EQ(s.issue().code, "value");
  auto wrong = score_questionnaire_response(table(), behavioral("researchkitonfhir/GAD-7.json"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.issue().code, "invalid");
  // Not an instrument we know: nothing to score, no problem either.
  Value other = Value::make_object();
  other.set("resourceType", Value::make_string("QuestionnaireResponse"));
  Value item = Value::make_object();
  item.set("linkId", Value::make_string("1.1"));
  other.set("item", Value::make_array()).push_back(item);
  EXPECT_TRUE(scores(other).empty());
  // Only a total: the gateway scores answers, not reported totals.
  Value total_only = behavioral("hl7-us-bh-profiles/QuestionnaireResponse-phq-9-example-1.json");
  auto& all = total_only.find("item")->items();
  all.erase(all.begin(), all.begin() + 9);
  EXPECT_TRUE(scores(total_only).empty());
}

// ---- Shapes of forms ----

// A contained Questionnaire with local linkIds, LOINC item codes and local
// answer codes whose values are its answerOptions' ordinalValues; the
// answers nest under a group and under another answer.
TEST(QuestionnaireScoringTest, ContainedQuestionnaireWithCodesAndAnswerOptions) {
  const char* kText = R"({
    "resourceType": "QuestionnaireResponse", "id": "local-1", "status": "completed",
    "questionnaire": "#q",
    "contained": [{"resourceType": "Questionnaire", "id": "q", "status": "active", "item": [
      {"linkId": "g", "type": "group", "item": [
        {"linkId": "a1", "type": "choice", "code": [{"system": "http://loinc.org", "code": "69725-0"}],
         "answerOption": [
           {"valueCoding": {"system": "urn:x", "code": "never"}, "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": 0}]},
           {"valueCoding": {"system": "urn:x", "code": "often", "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": 2}]}}]},
        {"linkId": "a2", "type": "choice", "code": [{"system": "http://loinc.org", "code": "68509-9"}]},
        {"linkId": "a3", "type": "choice", "code": [{"system": "http://loinc.org", "code": "69733-4"}]}]}]}],
    "item": [{"linkId": "g", "item": [
      {"linkId": "a1", "answer": [{"valueCoding": {"system": "urn:x", "code": "often"},
        "item": [{"linkId": "a2", "answer": [{"valueInteger": 3}]}]}]},
      {"linkId": "a3", "answer": [{"valueCoding": {"system": "http://loinc.org", "code": "LA6569-3"}}]}]}]
  })";
  auto qr = fhir::json::parse(kText);
  ASSERT_TRUE(qr.ok()) << qr.issue().diagnostics;
  Score s = one(*qr);
  EXPECT_EQ(s.instrument, "gad-7");
  EXPECT_EQ(s.items, (Items{2, 3, 1, std::nullopt, std::nullopt, std::nullopt, std::nullopt}));
  EXPECT_EQ(s.answered, 3);
  EXPECT_FALSE(s.total.has_value());
  EXPECT_EQ(s.notes.size(), 4u) << notes_of(s);  // items 4-7 not answered
}

// One response holding two instruments gives two scores.
TEST(QuestionnaireScoringTest, CombinedFormGivesOneScorePerInstrument) {
  Value qr = behavioral("hl7-us-bh-profiles/QuestionnaireResponse-phq-9-example-1.json");
  Value gad = behavioral("written/gad-7-response-loinc.json");
  qr.find("item")->push_back(gad.find("item")->items()[0]);
  auto all = scores(qr);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].instrument, "phq-9");
  EXPECT_EQ(all[0].total, 12);
  EXPECT_EQ(all[1].instrument, "gad-7");
  EXPECT_EQ(all[1].total, 10);
  EXPECT_EQ(all[1].source, "QuestionnaireResponse/phq-9-example-1");
}

// A supplied Questionnaire that is not the one answered is not used.
TEST(QuestionnaireScoringTest, MismatchedQuestionnaireIsIgnored) {
  Value q = behavioral("researchkitonfhir/GAD-7.json");
  Score s = one(behavioral("hl7-us-bh-profiles/QuestionnaireResponse-phq-9-example-1.json"), &q);
  EXPECT_EQ(s.total, 12);
  ASSERT_EQ(s.notes.size(), 1u);
  EXPECT_EQ(s.notes[0].expression, "QuestionnaireResponse.questionnaire");
}

// The Argonaut PHQ-9 (../shared, LHC-Forms test data): local linkIds
// g1.q1.., identified only by the Questionnaire's item codes.
TEST(QuestionnaireScoringTest, ArgonautFormIdentifiedByItemCodes) {
  auto shared = carebridge::test::shared_fixtures_dir();
  if (!shared) GTEST_SKIP() << "../shared/fixtures not present";
  Value q = test::load(*shared + "/behavioral/lforms/argonaut-phq9-ish.json");
  const char* la[] = {"LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"};
  const int values[] = {1, 1, 2, 0, 3, 1, 0, 2, 1};  // = 11
  Value qr = Value::make_object();
  qr.set("resourceType", Value::make_string("QuestionnaireResponse"));
  qr.set("questionnaire", Value::make_string(std::string(q.string_at("url")) + "|0.0.0"));
  Value group = Value::make_object();
  group.set("linkId", Value::make_string("g1"));
  Value& items = group.set("item", Value::make_array());
  for (int n = 0; n < 9; ++n) {
    Value coding = Value::make_object();
    coding.set("system", Value::make_string("http://loinc.org"));
    coding.set("code", Value::make_string(la[values[n]]));
    Value answer = Value::make_object();
    answer.set("valueCoding", std::move(coding));
    Value item = Value::make_object();
    item.set("linkId", Value::make_string("g1.q" + std::to_string(n + 1)));
    item.set("answer", Value::make_array()).push_back(std::move(answer));
    items.push_back(std::move(item));
  }
  qr.set("item", Value::make_array()).push_back(std::move(group));
  EXPECT_TRUE(scores(qr).empty());  // without the Questionnaire, g1.q1 means nothing
  Score s = one(qr, &q);
  EXPECT_EQ(s.total, 11);
  EXPECT_EQ(s.severity, "moderate");
  EXPECT_EQ(s.safety_positive, true);
  EXPECT_TRUE(s.notes.empty()) << notes_of(s);
}

}  // namespace
}  // namespace mappers::outcomes
