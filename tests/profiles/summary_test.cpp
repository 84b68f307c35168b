// _summary and _elements projections (profiles/summary.hpp, elements.hpp)
// on the spec's own examples, and the summary table they read
// (profiles/summary_elements.hpp) against the R4 type model.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "fhir/json/parse.hpp"
#include "fhir/search/query.hpp"
#include "profiles/elements.hpp"
#include "profiles/summary.hpp"
#include "profiles/summary_elements.hpp"
#include "profiles/summary_subset.hpp"
#include "tests/profiles/r4_model.hpp"
#include "tests/support/fixture_paths.hpp"

namespace {

using carebridge::test::r4_model;
using fhir::json::Value;
using fhir::search::Summary;
using profiles::apply_elements;
using profiles::apply_summary;
using profiles::SummaryElements;
using Keys = std::vector<std::string>;

constexpr std::string_view kSubsettedSystem =
    "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

// nullptr (and a failed test) if the table does not load.
const SummaryElements* r4_table() {
  static const fhir::Result<SummaryElements> table =
      SummaryElements::load(carebridge::test::share_dir() + "/r4/summary-elements.json");
  if (!table) {
    ADD_FAILURE() << table.issue().diagnostics;
    return nullptr;
  }
  return &*table;
}

Value parse(std::string_view text) {
  auto v = fhir::json::parse(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : Value();
}

Value example(const std::string& name) {
  return parse(carebridge::test::read_file(carebridge::test::fixtures_dir() + "/r4-examples/" + name));
}

// A member that must be there; a null value (and a failed test) if not, so
// a broken projection fails the test instead of crashing the binary.
const Value& at(const Value& v, std::string_view key) {
  static const Value kMissing;
  const Value* m = v.find(key);
  EXPECT_NE(m, nullptr) << "no " << key;
  return m != nullptr ? *m : kMissing;
}

Keys keys(const Value& v) {
  Keys out;
  for (const auto& m : v.members()) out.push_back(m.first);
  return out;
}

// How many SUBSETTED codings meta.tag holds; each must be the full coding.
int subsetted_tags(const Value& resource) {
  const Value* meta = resource.find("meta");
  const Value* tags = meta != nullptr ? meta->find("tag") : nullptr;
  if (tags == nullptr) return 0;
  int n = 0;
  for (const Value& t : tags->items()) {
    if (t.string_at("code") != "SUBSETTED") continue;
    ++n;
    EXPECT_EQ(t.string_at("system"), kSubsettedSystem);
    EXPECT_EQ(t.string_at("display"), "subsetted");
    EXPECT_EQ(t.members().size(), 3u);
  }
  return n;
}

// The element a JSON member holds, as the type model (not the table) sees
// it: "valueQuantity" and "_valueString" are "value", "_birthDate" is
// "birthDate".
std::string model_base(const profiles::TypeDef& type, std::string_view member) {
  if (member.starts_with('_')) member.remove_prefix(1);
  const profiles::ElementDef* e = type.find(member);
  return e != nullptr && !e->choice_name.empty() ? e->choice_name : std::string(member);
}

// ---- the table ---------------------------------------------------------

// Catches drift: a resource type added to the schema (or the table
// regenerated from other definitions) without the other.
TEST(SummaryElementsTest, CoversEveryResourceTypeOfTheTypeModel) {
  const auto* table = r4_table();
  const auto* model = r4_model();
  ASSERT_NE(table, nullptr);
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(table->resource_types(), model->resource_types());
}

// Every name is a top-level element of its type, named as the model names
// it (choice elements by their base name), and every choice element of the
// model is known as one, so base_name agrees with the model.
TEST(SummaryElementsTest, NamesAreTopLevelElementsOfTheModel) {
  const auto* table = r4_table();
  const auto* model = r4_model();
  ASSERT_NE(table, nullptr);
  ASSERT_NE(model, nullptr);
  auto raw = parse(carebridge::test::read_file(carebridge::test::share_dir() +
                                               "/r4/summary-elements.json"));
  for (const auto& [type_name, entry] : raw.members()) {
    if (type_name.starts_with('_')) continue;
    const profiles::TypeDef* type = model->find_resource(type_name);
    ASSERT_NE(type, nullptr) << type_name;
    std::set<std::string> bases, choices;
    for (const auto& e : type->elements()) {
      bases.insert(model_base(*type, e.name));
      if (!e.choice_name.empty()) choices.insert(e.choice_name);
    }
    for (const char* list : {"summary", "mandatory", "choice"})
      for (const Value& name : at(entry, list).items())
        EXPECT_TRUE(bases.count(name.text())) << type_name << "." << name.text() << " (" << list << ")";
    std::set<std::string> table_choices;
    for (const Value& name : at(entry, "choice").items()) table_choices.insert(name.text());
    EXPECT_EQ(table_choices, choices) << type_name;
    const profiles::TypeSummary* summary = table->find(type_name);
    ASSERT_NE(summary, nullptr);
    for (const auto& e : type->elements())
      EXPECT_EQ(summary->base_name(e.name), model_base(*type, e.name)) << type_name << "." << e.name;
  }
}

TEST(SummaryElementsTest, HoldsTheSpecsSummaryFlags) {
  const auto* table = r4_table();
  ASSERT_NE(table, nullptr);
  const auto* patient = table->find("Patient");
  ASSERT_NE(patient, nullptr);
  for (const char* e : {"id", "meta", "implicitRules", "identifier", "active", "name", "telecom",
                        "gender", "birthDate", "deceased", "address", "managingOrganization", "link"})
    EXPECT_TRUE(patient->is_summary(e)) << e;
  for (const char* e : {"text", "contained", "extension", "language", "maritalStatus",
                        "multipleBirth", "photo", "contact", "communication", "generalPractitioner"})
    EXPECT_FALSE(patient->is_summary(e)) << e;
  EXPECT_FALSE(patient->is_mandatory("identifier"));

  const auto* observation = table->find("Observation");
  ASSERT_NE(observation, nullptr);
  EXPECT_TRUE(observation->is_mandatory("status"));
  EXPECT_TRUE(observation->is_mandatory("code"));
  EXPECT_FALSE(observation->is_mandatory("subject"));
  EXPECT_TRUE(observation->is_summary("value"));
  EXPECT_FALSE(observation->is_summary("valueQuantity"));  // base names only
  EXPECT_FALSE(observation->is_summary("referenceRange"));

  // Mandatory but not isSummary in R4: a summary keeps it anyway.
  const auto* appointment = table->find("Appointment");
  ASSERT_NE(appointment, nullptr);
  EXPECT_TRUE(appointment->is_mandatory("participant"));
  EXPECT_TRUE(appointment->is_summary("participant"));
  // Medplum's R5 additions to ResearchStudy are not R4.
  ASSERT_NE(table->find("ResearchStudy"), nullptr);
  EXPECT_FALSE(table->find("ResearchStudy")->is_summary("recruitment"));
  EXPECT_EQ(table->find("SubscriptionStatus"), nullptr);
}

TEST(SummaryElementsTest, BaseNameMapsChoiceAndCompanionMembers) {
  const auto* table = r4_table();
  ASSERT_NE(table, nullptr);
  ASSERT_NE(table->find("Observation"), nullptr);
  const auto& observation = *table->find("Observation");
  EXPECT_EQ(observation.base_name("valueQuantity"), "value");
  EXPECT_EQ(observation.base_name("_valueString"), "value");
  EXPECT_EQ(observation.base_name("effectiveDateTime"), "effective");
  EXPECT_EQ(observation.base_name("value"), "value");
  EXPECT_EQ(observation.base_name("valuex"), "valuex");  // not a type suffix
  EXPECT_EQ(observation.base_name("_status"), "status");
  EXPECT_EQ(observation.base_name("derivedFrom"), "derivedFrom");
}

fhir::Issue load_issue(std::string_view text) {
  auto table = SummaryElements::from_json(parse(text));
  EXPECT_FALSE(table.ok()) << text;
  return table.ok() ? fhir::Issue{} : table.issue();
}

void expect_table_error(const fhir::Issue& issue, std::string_view where) {
  EXPECT_EQ(issue.severity, fhir::Severity::fatal);
  EXPECT_EQ(issue.code, "exception");
  EXPECT_EQ(issue.http_status, 500);
  EXPECT_NE(issue.diagnostics.find(where), std::string::npos) << issue.diagnostics;
}

TEST(SummaryElementsTest, RefusesABrokenTable) {
  expect_table_error(load_issue("[]"), "root");
  expect_table_error(load_issue(R"({"_note":"only notes"})"), "no resource types");
  expect_table_error(load_issue(R"({"Patient":[]})"), "Patient");
  expect_table_error(load_issue(R"({"Patient":{"summary":[],"mandatory":[]}})"), "choice");
  expect_table_error(load_issue(R"({"Patient":{"summary":"id","mandatory":[],"choice":[]}})"),
                     "summary");
  expect_table_error(load_issue(R"({"Patient":{"summary":[1],"mandatory":[],"choice":[]}})"),
                     "summary");
  expect_table_error(
      load_issue(R"({"Patient":{"summary":["id"],"mandatory":["gender"],"choice":[]}})"),
      "mandatory gender");

  auto missing = SummaryElements::load("/nonexistent/summary-elements.json");
  ASSERT_FALSE(missing.ok());
  expect_table_error(missing.issue(), "cannot open");
  auto path = std::filesystem::temp_directory_path() / "summary_test_truncated.json";
  std::ofstream(path, std::ios::binary) << "{\"Patient\":";
  auto truncated = SummaryElements::load(path.string());
  std::filesystem::remove(path);
  ASSERT_FALSE(truncated.ok());
  expect_table_error(truncated.issue(), path.string());
}

// ---- _summary ----------------------------------------------------------

TEST(SummaryTest, TrueKeepsSummaryElementsOfPatient) {
  const auto* table = r4_table();
  ASSERT_NE(table, nullptr);
  Value original = example("Patient-example.json");
  Value p = original;
  EXPECT_TRUE(apply_summary(p, Summary::true_, *table));
  // text and contact go; meta comes (after id) to carry the tag.
  EXPECT_EQ(keys(p), (Keys{"resourceType", "id", "meta", "identifier", "active", "name", "telecom",
                           "gender", "birthDate", "_birthDate", "deceasedBoolean", "address",
                           "managingOrganization"}));
  EXPECT_EQ(subsetted_tags(p), 1);
  EXPECT_EQ(keys(at(p, "meta")), (Keys{"tag"}));
  // What stays is untouched.
  for (const auto& [name, value] : p.members())
    if (name != "meta") {
      EXPECT_EQ(value, at(original, name)) << name;
    }
}

TEST(SummaryTest, TrueKeepsChoiceElementsByTheirBaseName) {
  const auto* table = r4_table();
  ASSERT_NE(table, nullptr);
  Value o = example("Observation-f001.json");
  EXPECT_TRUE(apply_summary(o, Summary::true_, *table));
  EXPECT_EQ(keys(o), (Keys{"resourceType", "id", "meta", "identifier", "status", "code", "subject",
                           "effectivePeriod", "issued", "performer", "valueQuantity"}));

  Value b = example("Observation-bloodgroup.json");
  EXPECT_TRUE(apply_summary(b, Summary::true_, *table));
  EXPECT_EQ(keys(b), (Keys{"resourceType", "id", "meta", "status", "code", "subject",
                           "effectiveDateTime", "valueCodeableConcept"}));

  // multipleBirth[x] is no summary element of Patient.
  Value twin = example("Patient-infant-twin-1.json");
  EXPECT_TRUE(apply_summary(twin, Summary::true_, *table));
  EXPECT_EQ(keys(twin), (Keys{"resourceType", "id", "meta", "identifier", "name", "gender",
                              "birthDate", "_birthDate"}));
}

TEST(SummaryTest, TrueKeepsAnExistingMetaAndTagsItOnce) {
  const auto* table = r4_table();
  ASSERT_NE(table, nullptr);
  Value o = example("Observation-bmi.json");
  const Value profile = at(at(o, "meta"), "profile");
  EXPECT_TRUE(apply_summary(o, Summary::true_, *table));
  EXPECT_EQ(keys(o), (Keys{"resourceType", "id", "meta", "status", "code", "subject",
                           "effectiveDateTime", "valueQuantity"}));
  EXPECT_EQ(keys(at(o, "meta")), (Keys{"profile", "tag"}));
  EXPECT_EQ(at(at(o, "meta"), "profile"), profile);
  EXPECT_EQ(subsetted_tags(o), 1);
  // A summary of a summary removes nothing more and adds no second tag.
  Value again = o;
  EXPECT_FALSE(apply_summary(again, Summary::true_, *table));
  EXPECT_EQ(again, o);
  // Nor does a later removal (data after true, elements after summary).
  Value with_text = example("Observation-bmi.json");
  ASSERT_NE(with_text.find("meta"), nullptr);
  with_text.find("meta")->set("tag", parse(R"([{"system":"urn:x","code":"other"}])"));
  EXPECT_TRUE(apply_summary(with_text, Summary::data, *table));
  EXPECT_TRUE(apply_elements(with_text, {"subject"}, *table));
  EXPECT_EQ(subsetted_tags(with_text), 1);
  EXPECT_EQ(at(at(with_text, "meta"), "tag").items().size(), 2u);
  EXPECT_EQ(at(at(with_text, "meta"), "tag").items()[0].string_at("code"), "other");
}

TEST(SummaryTest, TextKeepsNarrativeIdMetaAndMandatoryElements) {
  const auto* table = r4_table();
  ASSERT_NE(table, nullptr);
  Value c = example("CarePlan-example.json");
  const Value text = at(c, "text");
  EXPECT_TRUE(apply_summary(c, Summary::text, *table));
  EXPECT_EQ(keys(c), (Keys{"resourceType", "id", "meta", "text", "status", "intent", "subject"}));
  EXPECT_EQ(at(c, "text"), text);
  EXPECT_EQ(subsetted_tags(c), 1);

  // Summary elements that are not mandatory go.
  Value o = example("Observation-example.json");
  EXPECT_TRUE(apply_summary(o, Summary::text, *table));
  EXPECT_EQ(keys(o), (Keys{"resourceType", "id", "meta", "text", "status", "code"}));
}

TEST(SummaryTest, DataRemovesOnlyTheNarrative) {
  const auto* table = r4_table();
  ASSERT_NE(table, nullptr);
  Value c = example("CarePlan-example.json");
  Keys expected = keys(c);
  expected.erase(std::find(expected.begin(), expected.end(), "text"));
  expected.insert(expected.begin() + 2, "meta");
  EXPECT_TRUE(apply_summary(c, Summary::data, *table));
  EXPECT_EQ(keys(c), expected);
  EXPECT_EQ(subsetted_tags(c), 1);

  // Nothing to remove: not subsetted.
  Value none = parse(R"({"resourceType":"Patient","id":"p","active":true})");
  const Value before = none;
  EXPECT_FALSE(apply_summary(none, Summary::data, *table));
  EXPECT_EQ(none, before);
}

TEST(SummaryTest, FalseNoneAndCountChangeNothing) {
  const auto* table = r4_table();
  ASSERT_NE(table, nullptr);
  const Value original = example("Patient-example.json");
  for (Summary mode : {Summary::false_, Summary::none, Summary::count}) {
    Value p = original;
    EXPECT_FALSE(apply_summary(p, mode, *table));
    EXPECT_EQ(p, original);
  }
}

TEST(SummaryTest, UnknownTypeKeepsOnlyWhatEveryResourceKeeps) {
  const auto* table = r4_table();
  ASSERT_NE(table, nullptr);
  Value r = parse(R"({"resourceType":"Custom","id":"c","implicitRules":"urn:r","text":{},"a":1})");
  EXPECT_TRUE(apply_summary(r, Summary::true_, *table));
  EXPECT_EQ(keys(r), (Keys{"resourceType", "id", "meta", "implicitRules"}));
  Value t = parse(R"({"resourceType":"Custom","id":"c","implicitRules":"urn:r","text":{},"a":1})");
  EXPECT_TRUE(apply_summary(t, Summary::text, *table));
  EXPECT_EQ(keys(t), (Keys{"resourceType", "id", "meta", "text"}));
}

TEST(SummaryTest, NonObjectsAreLeftAlone) {
  const auto* table = r4_table();
  ASSERT_NE(table, nullptr);
  Value a = parse("[1]");
  EXPECT_FALSE(apply_summary(a, Summary::true_, *table));
  EXPECT_FALSE(apply_elements(a, {"id"}, *table));
  EXPECT_EQ(a, parse("[1]"));
}

// Across every example: exactly the members whose element (as the type
// model, not the table, maps JSON names to elements) is a summary element
// stay, in their order, plus meta when something went.
TEST(SummaryTest, TrueKeepsExactlyTheSummaryElementsOfEveryExample) {
  const auto* table = r4_table();
  const auto* model = r4_model();
  ASSERT_NE(table, nullptr);
  ASSERT_NE(model, nullptr);
  int checked = 0;
  for (const auto& file :
       std::filesystem::directory_iterator(carebridge::test::fixtures_dir() + "/r4-examples")) {
    Value r = example(file.path().filename().string());
    const profiles::TypeDef* type = model->find_resource(r.string_at("resourceType"));
    ASSERT_NE(type, nullptr) << file.path();
    ASSERT_NE(table->find(type->name()), nullptr) << type->name();
    const profiles::TypeSummary& summary = *table->find(type->name());
    Keys expected;
    for (const auto& [name, value] : r.members()) {
      ASSERT_NE(type->find(name), nullptr) << file.path() << " " << name;
      if (name == "resourceType" || summary.is_summary(model_base(*type, name)))
        expected.push_back(name);
    }
    const bool removes = expected.size() != r.members().size();
    if (removes && r.find("meta") == nullptr) {
      auto id = std::find(expected.begin(), expected.end(), "id");
      if (id == expected.end()) id = std::find(expected.begin(), expected.end(), "resourceType");
      expected.insert(id + 1, "meta");
    }
    EXPECT_EQ(apply_summary(r, Summary::true_, *table), removes) << file.path();
    EXPECT_EQ(keys(r), expected) << file.path();
    EXPECT_EQ(subsetted_tags(r), removes ? 1 : 0) << file.path();
    EXPECT_EQ(r.find("text"), nullptr) << file.path();
    ++checked;
  }
  EXPECT_GT(checked, 300);
}

// ---- _elements ---------------------------------------------------------

TEST(ElementsTest, KeepsNamedElementsIdAndMeta) {
  const auto* table = r4_table();
  ASSERT_NE(table, nullptr);
  Value original = example("Patient-f201.json");
  Value p = original;
  EXPECT_TRUE(apply_elements(p, {"name", "multipleBirth", "birthDate"}, *table));
  EXPECT_EQ(keys(p), (Keys{"resourceType", "id", "meta", "name", "birthDate",
                           "multipleBirthBoolean"}));
  EXPECT_EQ(at(p, "name"), at(original, "name"));
  EXPECT_EQ(subsetted_tags(p), 1);

  // "_birthDate" goes with birthDate; text only when asked for.
  Value q = example("Patient-example.json");
  EXPECT_TRUE(apply_elements(q, {"birthDate", "text"}, *table));
  EXPECT_EQ(keys(q), (Keys{"resourceType", "id", "meta", "text", "birthDate", "_birthDate"}));
}

TEST(ElementsTest, KeepsMandatoryElementsAndChoiceTypes) {
  const auto* table = r4_table();
  ASSERT_NE(table, nullptr);
  Value o = example("Observation-f001.json");
  EXPECT_TRUE(apply_elements(o, {"value"}, *table));
  EXPECT_EQ(keys(o), (Keys{"resourceType", "id", "meta", "status", "code", "valueQuantity"}));

  // The exact JSON name keeps that type only.
  Value q = example("Observation-f001.json");
  EXPECT_TRUE(apply_elements(q, {"valueQuantity", "effectiveDateTime"}, *table));
  EXPECT_EQ(keys(q), (Keys{"resourceType", "id", "meta", "status", "code", "valueQuantity"}));

  Value c = example("CarePlan-example.json");
  EXPECT_TRUE(apply_elements(c, {"activity"}, *table));
  EXPECT_EQ(keys(c), (Keys{"resourceType", "id", "meta", "status", "intent", "subject", "activity"}));
}

TEST(ElementsTest, NamesThatAreNoTopLevelElementKeepNothingMore) {
  const auto* table = r4_table();
  ASSERT_NE(table, nullptr);
  Value p = example("Patient-example.json");
  EXPECT_TRUE(apply_elements(p, {"Patient.name", "name.family", "deceasedDateTime", "nonsense",
                                 "", "_birthDate", "deceased[x]"},
                             *table));
  EXPECT_EQ(keys(p), (Keys{"resourceType", "id", "meta"}));

  Value none = example("Patient-example.json");
  EXPECT_TRUE(apply_elements(none, {}, *table));
  EXPECT_EQ(keys(none), (Keys{"resourceType", "id", "meta"}));
}

TEST(ElementsTest, AskingForEverythingRemovesNothing) {
  const auto* table = r4_table();
  ASSERT_NE(table, nullptr);
  const Value original = example("Observation-bmi.json");
  Value o = original;
  EXPECT_FALSE(apply_elements(o, {"status", "category", "code", "subject", "effective", "value",
                                  "text"},
                              *table));
  EXPECT_EQ(o, original);
  EXPECT_EQ(subsetted_tags(o), 0);
}

TEST(SubsetTest, MetaGoesAfterIdOrResourceType) {
  Value no_id = parse(R"({"resourceType":"Patient","active":true})");
  profiles::mark_subsetted(no_id);
  EXPECT_EQ(keys(no_id), (Keys{"resourceType", "meta", "active"}));
  Value odd_order = parse(R"({"active":true,"id":"p","resourceType":"Patient"})");
  profiles::mark_subsetted(odd_order);
  EXPECT_EQ(keys(odd_order), (Keys{"active", "id", "meta", "resourceType"}));
  Value bare = parse(R"({"active":true})");
  profiles::mark_subsetted(bare);
  EXPECT_EQ(keys(bare), (Keys{"meta", "active"}));
  Value broken = parse(R"({"resourceType":"Patient","id":"p","meta":"x"})");
  profiles::mark_subsetted(broken);
  EXPECT_EQ(subsetted_tags(broken), 1);
  Value tag_not_array = parse(R"({"resourceType":"Patient","id":"p","meta":{"tag":{}}})");
  profiles::mark_subsetted(tag_not_array);
  EXPECT_EQ(subsetted_tags(tag_not_array), 1);
}

}  // namespace
