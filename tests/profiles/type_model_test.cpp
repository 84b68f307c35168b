#include "profiles/type_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fhir/json/parse.hpp"
#include "tests/profiles/r4_model.hpp"
#include "tests/support/fixture_paths.hpp"

namespace {

using carebridge::test::r4_model;
using fhir::json::Value;
using profiles::ElementDef;
using profiles::ElementKind;
using profiles::PrimitiveKind;
using profiles::TypeDef;
using profiles::TypeModel;

const ElementDef& element(const TypeModel& m, std::string_view type, std::string_view name) {
  const TypeDef* t = m.find_type(type);
  EXPECT_NE(t, nullptr) << type;
  const ElementDef* e = t != nullptr ? t->find(name) : nullptr;
  EXPECT_NE(e, nullptr) << type << "." << name;
  static const ElementDef kMissing;
  return e != nullptr ? *e : kMissing;
}

TEST(TypeModelTest, ResourceTypesComeFromTheSchema) {
  const TypeModel* m = r4_model();
  ASSERT_NE(m, nullptr);
  const auto& types = m->resource_types();
  EXPECT_EQ(types.size(), 146u);  // R4 4.0.1
  EXPECT_TRUE(std::is_sorted(types.begin(), types.end()));
  for (const char* t : {"Patient", "Observation", "Bundle", "Parameters", "Binary",
                        "VisionPrescription", "SubstanceSpecification"})
    EXPECT_TRUE(m->is_resource_type(t)) << t;
  for (const char* t : {"Resource", "DomainResource", "HumanName", "Patient_Contact", "Element",
                        "string", "patient", ""})
    EXPECT_FALSE(m->is_resource_type(t)) << t;
  EXPECT_NE(m->find_type("HumanName"), nullptr);
  EXPECT_EQ(m->find_resource("HumanName"), nullptr);
}

// The schema lists resources twice (ResourceList and the root
// discriminator); the model reads one, this checks it against the other.
TEST(TypeModelTest, ResourceTypesMatchTheDiscriminatorMapping) {
  const TypeModel* m = r4_model();
  ASSERT_NE(m, nullptr);
  auto schema = fhir::json::parse(
      carebridge::test::read_file(carebridge::test::share_dir() + "/r4/fhir.schema.json"));
  ASSERT_TRUE(schema.ok());
  const Value* mapping = schema->find("discriminator")->find("mapping");
  ASSERT_NE(mapping, nullptr);
  std::vector<std::string> names;
  for (const auto& [name, ref] : mapping->members()) names.push_back(name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, m->resource_types());
}

TEST(TypeModelTest, ElementTables) {
  const TypeModel* m = r4_model();
  ASSERT_NE(m, nullptr);

  const ElementDef& name = element(*m, "Patient", "name");
  EXPECT_EQ(name.kind, ElementKind::complex);
  EXPECT_TRUE(name.is_array);
  EXPECT_EQ(name.type, m->find_type("HumanName"));

  const ElementDef& gender = element(*m, "Patient", "gender");
  EXPECT_EQ(gender.kind, ElementKind::primitive);
  EXPECT_EQ(gender.primitive, PrimitiveKind::code);
  EXPECT_FALSE(gender.is_array);
  EXPECT_EQ(gender.codes, (std::vector<std::string>{"female", "male", "other", "unknown"}));
  EXPECT_TRUE(gender.allows_code("male"));
  EXPECT_FALSE(gender.allows_code("Male"));

  const ElementDef& birth = element(*m, "Patient", "birthDate");
  EXPECT_EQ(birth.primitive, PrimitiveKind::date);
  EXPECT_TRUE(birth.codes.empty());
  const ElementDef& birth_ext = element(*m, "Patient", "_birthDate");
  EXPECT_EQ(birth_ext.kind, ElementKind::companion);
  EXPECT_EQ(birth_ext.type, m->find_type("Element"));
  EXPECT_FALSE(birth_ext.is_array);

  EXPECT_TRUE(element(*m, "HumanName", "given").is_array);
  EXPECT_EQ(element(*m, "HumanName", "given").primitive, PrimitiveKind::string);
  EXPECT_TRUE(element(*m, "HumanName", "_given").is_array);
  // Added by the loader: the schema omits `_x` for canonical elements.
  EXPECT_EQ(element(*m, "QuestionnaireResponse", "_questionnaire").kind, ElementKind::companion);
  EXPECT_TRUE(element(*m, "CarePlan", "_instantiatesCanonical").is_array);
  EXPECT_EQ(m->find_type("Patient")->find("_id"), nullptr);
  EXPECT_EQ(m->find_type("Narrative")->find("_div"), nullptr);

  const ElementDef& contact = element(*m, "Patient", "contact");
  ASSERT_NE(contact.type, nullptr);
  EXPECT_EQ(contact.type->name(), "Patient_Contact");
  EXPECT_TRUE(contact.type->is_backbone());
  EXPECT_TRUE(element(*m, "Patient_Contact", "relationship").is_array);

  EXPECT_EQ(element(*m, "Patient", "resourceType").kind, ElementKind::resource_type);
  EXPECT_EQ(element(*m, "Patient", "contained").kind, ElementKind::resource);
  EXPECT_TRUE(element(*m, "Patient", "contained").is_array);
  EXPECT_EQ(element(*m, "Bundle_Entry", "resource").kind, ElementKind::resource);
  EXPECT_FALSE(element(*m, "Bundle_Entry", "resource").is_array);
  EXPECT_EQ(element(*m, "Parameters_Parameter", "resource").kind, ElementKind::resource);

  const TypeDef* patient = m->find_type("Patient");
  ASSERT_NE(patient, nullptr);
  EXPECT_TRUE(patient->is_resource());
  EXPECT_EQ(patient->find("foo"), nullptr);
  EXPECT_EQ(patient->find("Name"), nullptr);
  EXPECT_EQ(m->find_type("Nope"), nullptr);
}

// Some choice types carry an inline pattern instead of a $ref.
TEST(TypeModelTest, InlinePrimitivesAreNamedBySuffix) {
  const TypeModel* m = r4_model();
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(element(*m, "ValueSet_Parameter", "valueBoolean").primitive, PrimitiveKind::boolean);
  EXPECT_EQ(element(*m, "ValueSet_Parameter", "valueDateTime").primitive, PrimitiveKind::date_time);
  EXPECT_EQ(element(*m, "Task_Output", "valueBase64Binary").primitive, PrimitiveKind::base64_binary);
  EXPECT_EQ(element(*m, "Task_Output", "valuePositiveInt").primitive, PrimitiveKind::positive_int);
  EXPECT_EQ(element(*m, "Task_Output", "valueUuid").type_name, "uuid");
}

TEST(TypeModelTest, ChoiceGroups) {
  const TypeModel* m = r4_model();
  ASSERT_NE(m, nullptr);
  const ElementDef& quantity = element(*m, "Observation", "valueQuantity");
  const ElementDef& text = element(*m, "Observation", "valueString");
  const ElementDef& effective = element(*m, "Observation", "effectiveDateTime");
  EXPECT_NE(quantity.choice_group, 0);
  EXPECT_EQ(quantity.choice_group, text.choice_group);
  EXPECT_NE(quantity.choice_group, effective.choice_group);
  EXPECT_EQ(quantity.choice_name, "value");
  EXPECT_EQ(element(*m, "Extension", "valueBase64Binary").choice_group,
            element(*m, "Extension", "valueMeta").choice_group);
  // Two repeating elements that only look like a choice.
  EXPECT_EQ(element(*m, "CarePlan", "instantiatesCanonical").choice_group, 0);
  EXPECT_EQ(element(*m, "CarePlan", "instantiatesUri").choice_group, 0);
  EXPECT_EQ(element(*m, "Observation", "status").choice_group, 0);
}

TEST(TypeModelTest, EveryComplexElementPointsAtAType) {
  const TypeModel* m = r4_model();
  ASSERT_NE(m, nullptr);
  std::size_t elements = 0;
  for (const std::string& r : m->resource_types()) {
    const TypeDef* t = m->find_resource(r);
    ASSERT_NE(t, nullptr) << r;
    ASSERT_NE(t->find("resourceType"), nullptr) << r;
    for (const ElementDef& e : t->elements()) {
      ++elements;
      if (e.kind == ElementKind::complex || e.kind == ElementKind::companion) {
        EXPECT_NE(e.type, nullptr) << r << "." << e.name;
      }
    }
  }
  EXPECT_GT(elements, 4000u);
}

// --- Load errors: a broken schema stops startup with a fatal issue. -------

fhir::Issue load_error(std::string_view schema_text) {
  auto schema = fhir::json::parse(schema_text);
  EXPECT_TRUE(schema.ok());
  auto model = TypeModel::from_schema(*schema);
  EXPECT_FALSE(model.ok());
  return model.ok() ? fhir::Issue{} : model.issue();
}

void expect_fatal(const fhir::Issue& issue, std::string_view mentions) {
  EXPECT_EQ(issue.severity, fhir::Severity::fatal);
  EXPECT_EQ(issue.code, "exception");
  EXPECT_EQ(issue.http_status, 500);
  EXPECT_NE(issue.diagnostics.find(mentions), std::string::npos) << issue.diagnostics;
}

TEST(TypeModelTest, MissingFileIsFatal) {
  auto model = TypeModel::load("/nonexistent/fhir.schema.json");
  ASSERT_FALSE(model.ok());
  expect_fatal(model.issue(), "cannot open");
}

TEST(TypeModelTest, MalformedFileIsFatal) {
  auto dir = std::filesystem::temp_directory_path() / "profiles_type_model_test";
  std::filesystem::create_directories(dir);
  auto path = (dir / "broken.json").string();
  {
    std::ofstream(path) << "{\"definitions\": {";
  }
  auto model = TypeModel::load(path);
  std::filesystem::remove_all(dir);
  ASSERT_FALSE(model.ok());
  expect_fatal(model.issue(), "Malformed JSON");
}

TEST(TypeModelTest, SchemaShapesItDoesNotKnowAreFatal) {
  expect_fatal(load_error(R"({"x": 1})"), "no definitions");
  expect_fatal(load_error(R"({"definitions": {"bigInt": {"type": "number"}}})"), "bigInt");
  expect_fatal(load_error(R"({"definitions": {"string": {"type": "number"}}})"), "JSON type");
  expect_fatal(load_error(R"({"definitions": {"A": {"properties": {"b": {"$ref": "#/definitions/B"}}}}})"),
               "A.b");
  expect_fatal(load_error(R"({"definitions": {"A": {"properties": {"b": {"oneOf": []}}}}})"),
               "not understood");
  expect_fatal(load_error(R"({"definitions": {"string": {"type": "string"},
      "A": {"properties": {"_b": {"$ref": "#/definitions/A"}}}}})"),
               "A._b");
  expect_fatal(load_error(R"({"definitions": {"A": {"properties": {"resourceType": {"const": "A"}}}}})"),
               "ResourceList");
}

TEST(TypeModelTest, MinimalSchemaLoads) {
  auto schema = fhir::json::parse(R"({"definitions": {
      "ResourceList": {"oneOf": [{"$ref": "#/definitions/Thing"}]},
      "string": {"type": "string", "pattern": "^[ \\r\\n\\t\\S]+$"},
      "Element": {"properties": {"id": {"$ref": "#/definitions/string"}}},
      "Thing": {"properties": {"resourceType": {"const": "Thing"},
                               "label": {"items": {"$ref": "#/definitions/string"}, "type": "array"},
                               "_label": {"items": {"$ref": "#/definitions/Element"}, "type": "array"}}}}})");
  ASSERT_TRUE(schema.ok());
  auto model = TypeModel::from_schema(*schema);
  ASSERT_TRUE(model.ok()) << model.issue().diagnostics;
  EXPECT_EQ((*model)->resource_types(), std::vector<std::string>{"Thing"});
  EXPECT_TRUE((*model)->find_resource("Thing")->find("label")->is_array);
}

// --- Cross-check against the StructureDefinitions -------------------------
// The 16 core StructureDefinitions in ../shared are an independent source
// (the schema is generated from all of them): their snapshots must give the
// same element names and the same "repeats or not" for each resource and
// each of its backbone elements. Read from ../shared rather than copied:
// they change only when the schema does.

std::string capitalized(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

bool is_primitive_code(const std::string& code) {
  return !code.empty() && std::islower(static_cast<unsigned char>(code[0])) != 0;
}

// Checks one StructureDefinition; returns how many elements it compared.
std::size_t cross_check(const TypeModel& m, const Value& sd) {
  const std::string type(sd.string_at("type"));
  const TypeDef* root = m.find_resource(type);
  EXPECT_NE(root, nullptr) << type;
  if (root == nullptr) return 0;
  std::map<std::string, const TypeDef*> at_path{{type, root}};
  std::map<const TypeDef*, std::set<std::string>> expected;
  expected[root];
  std::size_t compared = 0;

  for (const Value& el : sd.find("snapshot")->find("element")->items()) {
    const std::string path(el.string_at("path"));
    auto dot = path.rfind('.');
    if (dot == std::string::npos) continue;  // the resource itself
    auto owner_it = at_path.find(path.substr(0, dot));
    EXPECT_NE(owner_it, at_path.end()) << "no type for the parent of " << path;
    if (owner_it == at_path.end()) continue;
    const TypeDef* owner = owner_it->second;
    std::string name = path.substr(dot + 1);
    const bool repeats = el.string_at("max") != "1";
    std::vector<std::string> codes;
    if (const Value* types = el.find("type"))
      for (const Value& t : types->items()) codes.emplace_back(t.string_at("code"));

    const bool choice = name.ends_with("[x]");
    if (choice) name.resize(name.size() - 3);
    std::uint8_t group = 0;
    for (const std::string& code : choice ? codes : std::vector<std::string>{""}) {
      std::string json_name = choice ? name + capitalized(code) : name;
      const ElementDef* e = owner->find(json_name);
      EXPECT_NE(e, nullptr) << owner->name() << "." << json_name << " (" << path << ")";
      if (e == nullptr) continue;
      ++compared;
      expected[owner].insert(json_name);
      EXPECT_EQ(e->is_array, repeats) << path;
      const std::string& c = choice ? code : (codes.empty() ? code : codes[0]);
      if (c.starts_with("http://hl7.org/fhirpath/System.")) {
        // Element and resource ids: the schema types them string or id, and
        // they take no `_id` (the fhirpath type has no extensions).
        EXPECT_EQ(e->kind, ElementKind::primitive) << path;
      } else if (is_primitive_code(c)) {
        expected[owner].insert("_" + json_name);
        EXPECT_EQ(e->kind, ElementKind::primitive) << path;
        EXPECT_EQ(e->type_name, c) << path;
      } else if (c == "BackboneElement" || c == "Element") {
        EXPECT_EQ(e->kind, ElementKind::complex) << path;
        at_path[path] = e->type;
        expected[e->type];
      } else if (c == "Resource") {
        EXPECT_EQ(e->kind, ElementKind::resource) << path;
      } else if (std::string ref(el.string_at("contentReference")); !ref.empty()) {
        EXPECT_EQ(e->type, at_path[ref.substr(1)]) << path;  // "#Observation.referenceRange"
        at_path[path] = e->type;
      } else {
        EXPECT_EQ(e->type_name, c) << path;
      }
      if (choice && codes.size() > 1) {
        EXPECT_NE(e->choice_group, 0) << path << " " << json_name;
        EXPECT_EQ(e->choice_name, name) << path;
        if (group == 0) group = e->choice_group;
        EXPECT_EQ(e->choice_group, group) << path << " " << json_name;
      }
    }
  }

  // Nothing more in the model than the StructureDefinition defines, and no
  // choice group the StructureDefinition does not have.
  for (const auto& [t, names] : expected) {
    std::set<std::string> model_names;
    for (const ElementDef& e : t->elements())
      if (e.kind != ElementKind::resource_type) model_names.insert(e.name);
    EXPECT_EQ(model_names, names) << t->name();
    for (const ElementDef& e : t->elements())
      if (e.choice_group != 0) {
        EXPECT_TRUE(names.count(e.name)) << t->name() << "." << e.name;
      }
  }
  return compared;
}

TEST(TypeModelTest, MatchesTheCoreStructureDefinitions) {
  auto shared = carebridge::test::shared_fixtures_dir();
  if (!shared) GTEST_SKIP() << "../shared/fixtures is absent";
  const TypeModel* m = r4_model();
  ASSERT_NE(m, nullptr);
  std::size_t files = 0, compared = 0;
  for (const auto& f : std::filesystem::directory_iterator(*shared + "/r4-spec/structuredefinitions")) {
    auto sd = fhir::json::parse(carebridge::test::read_file(f.path().string()));
    ASSERT_TRUE(sd.ok()) << f.path();
    SCOPED_TRACE(f.path().filename().string());
    compared += cross_check(*m, *sd);
    ++files;
  }
  EXPECT_EQ(files, 16u);
  EXPECT_GT(compared, 500u);
}

}  // namespace
