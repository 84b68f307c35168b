#include "profiles/validator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "fhir/json/parse.hpp"
#include "tests/profiles/r4_model.hpp"
#include "tests/support/fixture_paths.hpp"

namespace {

using carebridge::test::r4_model;
using fhir::Issue;
using fhir::json::Value;

std::vector<Issue> check(std::string_view json, profiles::ValidateOptions options = {}) {
  const profiles::TypeModel* m = r4_model();
  EXPECT_NE(m, nullptr);
  auto v = fhir::json::parse(json);
  EXPECT_TRUE(v.ok()) << json;
  if (m == nullptr || !v.ok()) return {};
  return profiles::validate(*m, *v, options);
}

std::string describe(const std::vector<Issue>& issues) {
  std::string out;
  for (const Issue& i : issues) out += "\n  [" + i.code + "] " + i.expression + ": " + i.diagnostics;
  return out;
}

// Exactly one issue, an error with HTTP 400, the given code and path. The
// diagnostics must not echo the offending value (it may be PHI).
void expect_one(const std::vector<Issue>& issues, std::string_view code, std::string_view expression,
                std::string_view value_not_echoed = {}) {
  ASSERT_EQ(issues.size(), 1u) << describe(issues);
  const Issue& i = issues[0];
  EXPECT_EQ(i.severity, fhir::Severity::error);
  EXPECT_EQ(i.http_status, 400);
  EXPECT_EQ(i.code, code);
  EXPECT_EQ(i.expression, expression);
  EXPECT_FALSE(i.diagnostics.empty());
  if (!value_not_echoed.empty()) {
    EXPECT_EQ(i.diagnostics.find(value_not_echoed), std::string::npos) << i.diagnostics;
  }
}

// --- Real data is the oracle --------------------------------------------

void validate_folder(const std::string& dir, const std::string& skip, std::size_t& files) {
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir)) {
    if (!f.is_regular_file() || f.path().extension() != ".json") continue;
    if (!skip.empty() && f.path().filename() == skip) continue;
    auto v = fhir::json::parse(carebridge::test::read_file(f.path().string()));
    ASSERT_TRUE(v.ok()) << f.path();
    auto issues = profiles::validate(*r4_model(), *v);
    EXPECT_TRUE(issues.empty()) << f.path() << describe(issues);
    ++files;
  }
}

TEST(ValidatorTest, EveryOfficialR4ExampleIsValid) {
  ASSERT_NE(r4_model(), nullptr);
  std::size_t files = 0;
  validate_folder(carebridge::test::fixtures_dir() + "/r4-examples", "", files);
  EXPECT_GE(files, 375u);
}

// Whole patient records: the bundles' entries are walked as resources.
TEST(ValidatorTest, EverySyntheaBundleIsValid) {
  auto shared = carebridge::test::shared_fixtures_dir();
  if (!shared) GTEST_SKIP() << "../shared/fixtures is absent";
  ASSERT_NE(r4_model(), nullptr);
  std::size_t files = 0;
  // The run metadata is Synthea's own JSON, not a FHIR resource.
  validate_folder(*shared + "/synthea", "synthea-run-metadata.json", files);
  EXPECT_EQ(files, 29u);
}

// --- One test per error kind --------------------------------------------

TEST(ValidatorTest, StringForBoolean) {
  expect_one(check(R"({"resourceType":"Patient","active":"yes"})"), "value", "Patient.active", "yes");
}

TEST(ValidatorTest, ImpossibleMonthAndDay) {
  expect_one(check(R"({"resourceType":"Patient","birthDate":"1990-13-45"})"), "value",
             "Patient.birthDate", "1990");
}

TEST(ValidatorTest, DayThatDoesNotExist) {
  expect_one(check(R"({"resourceType":"Patient","birthDate":"1990-02-30"})"), "value",
             "Patient.birthDate", "1990");
  EXPECT_TRUE(check(R"({"resourceType":"Patient","birthDate":"2000-02-29"})").empty());
  expect_one(check(R"({"resourceType":"Patient","birthDate":"1900-02-29"})"), "value",
             "Patient.birthDate");
}

TEST(ValidatorTest, UnknownElement) {
  expect_one(check(R"({"resourceType":"Patient","foo":true})"), "structure", "Patient.foo");
  expect_one(check(R"({"resourceType":"Patient","contact":[{"gender":"male","nickname":"x"}]})"),
             "structure", "Patient.contact[0].nickname");
  // The diagnostics name the definition looked in, also inside a bundle.
  auto issues = check(R"({"resourceType":"Bundle","type":"collection",
                          "entry":[{"resource":{"resourceType":"Patient","contact":[{"nickname":"x"}]}}]})");
  expect_one(issues, "structure", "Bundle.entry[0].resource.contact[0].nickname");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_NE(issues[0].diagnostics.find("defines for Patient.contact."), std::string::npos)
      << issues[0].diagnostics;
}

TEST(ValidatorTest, RepeatingElementSentAsObject) {
  expect_one(check(R"({"resourceType":"Patient","name":{"family":"Chalmers"}})"), "structure",
             "Patient.name", "Chalmers");
}

TEST(ValidatorTest, SingleElementSentAsArray) {
  expect_one(check(R"({"resourceType":"Patient","gender":["male"]})"), "structure", "Patient.gender");
}

TEST(ValidatorTest, DecimalForInteger) {
  expect_one(check(R"({"resourceType":"Patient","multipleBirthInteger":1.5})"), "value",
             "Patient.multipleBirthInteger", "1.5");
  expect_one(check(R"({"resourceType":"Patient","multipleBirthInteger":2147483648})"), "value",
             "Patient.multipleBirthInteger");
}

TEST(ValidatorTest, NumberSentAsString) {
  expect_one(check(R"({"resourceType":"Patient","multipleBirthInteger":"2"})"), "value",
             "Patient.multipleBirthInteger");
  expect_one(check(R"({"resourceType":"Observation","status":"final","code":{"text":"t"},
                       "valueQuantity":{"value":"72.5","unit":"kg"}})"),
             "value", "Observation.valueQuantity.value", "72.5");
}

TEST(ValidatorTest, ContainedResourceOfUnknownType) {
  expect_one(check(R"({"resourceType":"Patient","contained":[{"resourceType":"Alien","id":"a"}]})"),
             "structure", "Patient.contained[0].resourceType", "Alien");
}

TEST(ValidatorTest, NestedResourcesAreValidatedAsTheirOwnType) {
  expect_one(check(R"({"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"o",
                       "gender":"male"}]})"),
             "structure", "Patient.contained[0].gender");
  expect_one(check(R"({"resourceType":"Bundle","type":"collection","entry":[
                       {"resource":{"resourceType":"Patient"}},
                       {"resource":{"resourceType":"Patient","active":1}}]})"),
             "value", "Bundle.entry[1].resource.active");
  expect_one(check(R"({"resourceType":"Parameters","parameter":[{"name":"p",
                       "resource":{"resourceType":"Observation","valueFoo":1}}]})"),
             "structure", "Parameters.parameter[0].resource.valueFoo");
}

TEST(ValidatorTest, NestedResourceWithoutResourceType) {
  expect_one(check(R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":{"id":"x"}}]})"),
             "structure", "Bundle.entry[0].resource.resourceType");
}

TEST(ValidatorTest, UnknownOrMissingResourceType) {
  expect_one(check(R"({"resourceType":"Patients","id":"x"})"), "structure", "resourceType", "Patients");
  expect_one(check(R"({"resourceType":"HumanName","family":"x"})"), "structure", "resourceType");
  expect_one(check(R"({"resourceType":7})"), "structure", "resourceType");
  expect_one(check(R"({"id":"x"})"), "structure", "resourceType");
  expect_one(check(R"([{"resourceType":"Patient"}])"), "structure", "");
}

TEST(ValidatorTest, EmptyString) {
  expect_one(check(R"({"resourceType":"Patient","name":[{"family":"a"},{"given":[""]}]})"), "value",
             "Patient.name[1].given[0]");
}

TEST(ValidatorTest, EmptyObjectAndEmptyArray) {
  expect_one(check(R"({"resourceType":"Patient","maritalStatus":{}})"), "structure",
             "Patient.maritalStatus");
  expect_one(check(R"({"resourceType":"Patient","telecom":[]})"), "structure", "Patient.telecom");
  expect_one(check(R"({"resourceType":"Patient","address":[{"city":"x"},{}]})"), "structure",
             "Patient.address[1]");
  // R4 ele-1: an id is not content.
  expect_one(check(R"({"resourceType":"Patient","address":[{"id":"a1"}]})"), "structure",
             "Patient.address[0]");
  EXPECT_TRUE(check(R"({"resourceType":"Patient","address":[{"id":"a1","city":"x"}],
                        "name":[{"given":["a"],"_given":[{"id":"g1"}]}]})").empty());
}

TEST(ValidatorTest, Null) {
  expect_one(check(R"({"resourceType":"Patient","gender":null})"), "structure", "Patient.gender");
  expect_one(check(R"({"resourceType":"Patient","name":[null]})"), "structure", "Patient.name[0]");
  expect_one(check(R"({"resourceType":"Patient","name":[{"given":["a",null]}]})"), "structure",
             "Patient.name[0].given[1]");
}

TEST(ValidatorTest, ObjectWherePrimitiveExpectedAndTheOtherWayRound) {
  expect_one(check(R"({"resourceType":"Patient","birthDate":{"value":"2000"}})"), "structure",
             "Patient.birthDate");
  expect_one(check(R"({"resourceType":"Patient","maritalStatus":"married"})"), "structure",
             "Patient.maritalStatus", "married");
  expect_one(check(R"({"resourceType":"Patient","contained":["Patient"]})"), "structure",
             "Patient.contained[0]");
}

TEST(ValidatorTest, CodeOutsideTheRequiredValueSet) {
  expect_one(check(R"({"resourceType":"Patient","gender":"M"})"), "value", "Patient.gender");
  expect_one(check(R"({"resourceType":"Patient","gender":"male "})"), "value", "Patient.gender");
}

TEST(ValidatorTest, ChoiceElementWithTwoTypes) {
  expect_one(check(R"({"resourceType":"Observation","status":"final","code":{"text":"t"},
                       "valueString":"a","valueBoolean":true})"),
             "structure", "Observation.valueBoolean");
}

// R4 json.html: `_x` carries id/extensions of primitive x; repeating
// primitives line up with their `_x` array, null filling the gaps.
TEST(ValidatorTest, PrimitiveExtensions) {
  EXPECT_TRUE(check(R"({"resourceType":"Patient","birthDate":"1970-03-30",
      "_birthDate":{"id":"b","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime",
                                            "valueDateTime":"1970-03-30T14:30:00+01:00"}]},
      "name":[{"given":["a",null,"c"],
               "_given":[null,{"extension":[{"url":"http://x","valueCode":"y"}]},null]}],
      "_gender":{"extension":[{"url":"http://x","valueBoolean":true}]}})")
                  .empty());
  expect_one(check(R"({"resourceType":"Patient","_birthDate":{"value":"x"}})"), "structure",
             "Patient._birthDate.value");
  expect_one(check(R"({"resourceType":"Patient","_birthDate":[{"id":"x"}]})"), "structure",
             "Patient._birthDate");
  expect_one(check(R"({"resourceType":"Patient","name":[{"given":["a","b"],"_given":[null,{"id":"x"},null]}]})"),
             "structure", "Patient.name[0]._given");
  expect_one(check(R"({"resourceType":"Patient","name":[{"given":["a",null],"_given":[{"id":"x"},null]}]})"),
             "structure", "Patient.name[0].given[1]");
  expect_one(check(R"({"resourceType":"Patient","_gender":{}})"), "structure", "Patient._gender");
  expect_one(check(R"({"resourceType":"Patient","_name":[{"id":"x"}]})"), "structure", "Patient._name");
}

// The R4 schema omits `_x` for canonical elements; R4 json.html allows it
// for every primitive. Ids take none.
TEST(ValidatorTest, CanonicalsTakeExtensionsIdsDoNot) {
  EXPECT_TRUE(check(R"({"resourceType":"QuestionnaireResponse","status":"completed",
      "questionnaire":"http://example.org/Questionnaire/phq-9",
      "_questionnaire":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/display",
                                       "valueString":"PHQ-9"}]}})")
                  .empty());
  expect_one(check(R"({"resourceType":"Patient","id":"a","_id":{"id":"x"}})"), "structure", "Patient._id");
  expect_one(check(R"({"resourceType":"Patient","text":{"status":"generated","div":"<div/>",
                       "_div":{"id":"x"}}})"),
             "structure", "Patient.text._div");
}

TEST(ValidatorTest, ExtensionsAreValidatedAsExtension) {
  expect_one(check(R"({"resourceType":"Patient","extension":[{"url":"http://x","valueFoo":1}]})"),
             "structure", "Patient.extension[0].valueFoo");
  expect_one(check(R"({"resourceType":"Patient","extension":[{"url":"http://x","valueBoolean":"true"}]})"),
             "value", "Patient.extension[0].valueBoolean");
  expect_one(check(R"({"resourceType":"Patient","modifierExtension":[{"url":"has space","valueInteger":1}]})"),
             "value", "Patient.modifierExtension[0].url");
  expect_one(check(R"({"resourceType":"Patient","extension":[{"url":"http://x",
                       "extension":[{"url":"y","valueDate":"2001-04-31"}]}]})"),
             "value", "Patient.extension[0].extension[0].valueDate");
}

TEST(ValidatorTest, ManyIssuesStopAtTheLimit) {
  std::string json = R"({"resourceType":"Patient")";
  for (int i = 0; i < 150; ++i) json += ",\"x" + std::to_string(i) + "\":1";
  json += "}";
  EXPECT_EQ(check(json).size(), 100u);
  EXPECT_EQ(check(json, profiles::ValidateOptions{.max_issues = 5}).size(), 5u);
}

// A Value built in code has no parser depth cap; the walk has its own.
TEST(ValidatorTest, DeepNestingIsRefusedNotRecursedInto) {
  Value ext = Value::make_object();
  ext.set("url", Value::make_string("http://x"));
  for (int i = 0; i < 5000; ++i) {
    Value outer = Value::make_object();
    outer.set("url", Value::make_string("http://x"));
    Value list = Value::make_array();
    list.push_back(std::move(ext));
    outer.set("extension", std::move(list));
    ext = std::move(outer);
  }
  Value patient = Value::make_object();
  patient.set("resourceType", Value::make_string("Patient"));
  Value list = Value::make_array();
  list.push_back(std::move(ext));
  patient.set("extension", std::move(list));
  ASSERT_NE(r4_model(), nullptr);
  auto issues = profiles::validate(*r4_model(), patient);
  ASSERT_EQ(issues.size(), 1u) << describe(issues);
  EXPECT_EQ(issues[0].code, "structure");
  // Tear down iteratively: the Value destructor itself recurses.
  Value cur = std::move(patient);
  while (Value* next = cur.find("extension")) {
    Value inner = std::move(next->items()[0]);
    cur = std::move(inner);
  }
}

// A multi-megabyte attachment is one linear scan: no regex, no recursion.
TEST(ValidatorTest, LargeBase64Attachment) {
  std::string data(6 * 1024 * 1024, 'A');
  std::string json = R"({"resourceType":"Binary","contentType":"application/pdf","data":")" + data + "\"}";
  EXPECT_TRUE(check(json).empty());
  json[json.size() - 10] = '!';
  expect_one(check(json), "value", "Binary.data");
}

}  // namespace
