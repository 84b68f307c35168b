#include <gtest/gtest.h>

#include <chrono>

#include "fhir/json/parse.hpp"
#include "fhir/search/search_params.hpp"
#include "tests/fhir/search/r4_definitions.hpp"

namespace fhir::search {
namespace {

using test::definitions_path;

// Every definition in the spec compiles: the failure message lists each
// one we cannot (diagnostics and expression).
TEST(SearchParamsTest, LoadsEveryR4Definition) {
  auto start = std::chrono::steady_clock::now();
  auto p = SearchParams::load(definitions_path());
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(p.ok()) << p.issue().diagnostics;
  EXPECT_EQ((*p)->all().size(), 1375u);
  std::size_t with_expression = 0, components = 0;
  for (const auto& sp : (*p)->all()) {
    if (!sp->expression.is_empty()) ++with_expression;
    components += sp->components.size();
  }
  EXPECT_EQ(with_expression, 1372u) << "only _text, _content and _query have none";
  EXPECT_GT(components, 90u);
  RecordProperty("load_ms", std::to_string(ms));
  std::printf("[ load      ] 1375 definitions, %zu expressions, %zu components in %.1f ms\n", with_expression,
              components, ms);
}

TEST(SearchParamsTest, LooksUpByTypeAndCode) {
  const SearchParams* params = test::r4_params();
  ASSERT_NE(params, nullptr);
  const SearchParams& reg = *params;
  const BoundParam* code = reg.find("Observation", "code");
  ASSERT_NE(code, nullptr);
  EXPECT_EQ(code->param->type, ParamType::token);
  EXPECT_EQ(code->param->url, "http://hl7.org/fhir/SearchParameter/clinical-code");
  EXPECT_EQ(code->expression.text(), code->param->expression.text());

  const BoundParam* patient = reg.find("Observation", "patient");
  ASSERT_NE(patient, nullptr);
  EXPECT_EQ(patient->param->type, ParamType::reference);
  // R4 lists Group too, though the expression keeps only Patients.
  EXPECT_EQ(patient->param->targets, (std::vector<std::string>{"Patient", "Group"}));

  const BoundParam* subject = reg.find("Observation", "subject");
  ASSERT_NE(subject, nullptr);
  EXPECT_GT(subject->param->targets.size(), 1u);

  EXPECT_EQ(reg.find("Observation", "name"), nullptr);
  EXPECT_EQ(reg.find("Observation", "nope"), nullptr);
  EXPECT_NE(reg.find("Patient", "name"), nullptr);
}

TEST(SearchParamsTest, CommonParametersApplyToEveryType) {
  const SearchParams* params = test::r4_params();
  ASSERT_NE(params, nullptr);
  const SearchParams& reg = *params;
  for (const char* type : {"Patient", "Observation", "Bundle", "Binary", "Consent"}) {
    for (const char* code : {"_id", "_lastUpdated", "_tag", "_security", "_profile", "_source"})
      EXPECT_NE(reg.find(type, code), nullptr) << type << " " << code;
  }
  EXPECT_EQ(reg.find("Patient", "_lastUpdated")->param->type, ParamType::date);
  EXPECT_EQ(reg.find("Patient", "_profile")->param->type, ParamType::uri);
  EXPECT_NE(reg.find("Patient", "_text"), nullptr);
  EXPECT_EQ(reg.find("Bundle", "_text"), nullptr) << "a Bundle is no DomainResource";
  // A type with no parameters of its own still has the common ones.
  EXPECT_NE(reg.find("Parameters", "_id"), nullptr);
  EXPECT_FALSE(reg.for_type("Parameters").empty());
}

TEST(SearchParamsTest, ExpressionsArePrunedToTheType) {
  const SearchParams* params = test::r4_params();
  ASSERT_NE(params, nullptr);
  const SearchParams& reg = *params;
  const BoundParam* email = reg.find("Person", "email");
  ASSERT_NE(email, nullptr);
  // One definition shared by five types; the Person's copy has one branch
  // live but evaluates to the same.
  auto p = json::parse(R"({"resourceType":"Person","telecom":[{"system":"email","value":"a@b"}]})");
  EXPECT_EQ(email->expression.evaluate(*p).size(), 1u);
  EXPECT_EQ(email->param->expression.evaluate(*p).size(), 1u);
}

TEST(SearchParamsTest, CompositesLinkTheirComponents) {
  const SearchParams* params = test::r4_params();
  ASSERT_NE(params, nullptr);
  const SearchParams& reg = *params;
  const BoundParam* cvq = reg.find("Observation", "code-value-quantity");
  ASSERT_NE(cvq, nullptr);
  const SearchParam& p = *cvq->param;
  EXPECT_EQ(p.type, ParamType::composite);
  ASSERT_EQ(p.components.size(), 2u);
  ASSERT_NE(p.components[0].param, nullptr);
  EXPECT_EQ(p.components[0].param->type, ParamType::token);
  EXPECT_EQ(p.components[0].expression.text(), "code");
  ASSERT_NE(p.components[1].param, nullptr);
  EXPECT_EQ(p.components[1].param->type, ParamType::quantity);
  EXPECT_EQ(p.components[1].expression.text(), "value.as(Quantity)");
}

TEST(SearchParamsTest, ModifiersPerType) {
  const SearchParams* params = test::r4_params();
  ASSERT_NE(params, nullptr);
  const SearchParams& reg = *params;
  auto has = [](const BoundParam* b, std::string_view m) {
    for (auto x : b->param->modifiers)
      if (x == m) return true;
    return false;
  };
  EXPECT_TRUE(has(reg.find("Patient", "name"), "exact"));
  EXPECT_TRUE(has(reg.find("Patient", "name"), "contains"));
  EXPECT_TRUE(has(reg.find("Observation", "code"), "not"));
  EXPECT_TRUE(has(reg.find("Observation", "code"), "text"));
  EXPECT_TRUE(has(reg.find("Observation", "subject"), "identifier"));
  EXPECT_TRUE(has(reg.find("Observation", "date"), "missing"));
  EXPECT_FALSE(has(reg.find("Observation", "date"), "exact"));
  EXPECT_EQ(param_type_code(ParamType::quantity), "quantity");
  EXPECT_EQ(param_type_from_code("reference"), ParamType::reference);
  EXPECT_FALSE(param_type_from_code("geo").has_value());
}

json::Value bundle_of(const char* definitions) {
  auto v = json::parse(std::string(R"({"resourceType":"Bundle","entry":[)") + definitions + "]}");
  EXPECT_TRUE(v.ok()) << definitions;
  return std::move(*v);
}

TEST(SearchParamsTest, ListsEveryExpressionItCannotCompile) {
  auto b = bundle_of(R"json(
    {"resource":{"resourceType":"SearchParameter","url":"u1","code":"a","base":["Patient"],"type":"token","expression":"Patient.a.count()"}},
    {"resource":{"resourceType":"SearchParameter","url":"u2","code":"b","base":["Patient"],"type":"token","expression":"Patient.b"}},
    {"resource":{"resourceType":"SearchParameter","url":"u3","code":"c","base":["Patient"],"type":"token","expression":"Patient.c < 3"}})json");
  auto p = SearchParams::from_bundle(b);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.issue().severity, Severity::fatal);
  EXPECT_EQ(p.issue().http_status, 500);
  EXPECT_NE(p.issue().diagnostics.find("u1"), std::string::npos);
  EXPECT_NE(p.issue().diagnostics.find("Patient.a.count()"), std::string::npos);
  EXPECT_NE(p.issue().diagnostics.find("u3"), std::string::npos);
  EXPECT_EQ(p.issue().diagnostics.find("u2"), std::string::npos);
}

TEST(SearchParamsTest, RefusesMalformedDefinitions) {
  for (const char* def : {
           R"json({"resource":{"resourceType":"SearchParameter","url":"u","code":"a","base":["Patient"],"type":"geo","expression":"Patient.a"}})json",
           R"json({"resource":{"resourceType":"SearchParameter","url":"u","code":"a","type":"token","expression":"Patient.a"}})json",
           R"json({"resource":{"resourceType":"SearchParameter","code":"a","base":["Patient"],"type":"token"}})json",
           R"json({"resource":{"resourceType":"SearchParameter","url":"u","code":"a","base":["Patient"],"type":"composite","expression":"Patient"}})json",
           R"json({"resource":{"resourceType":"SearchParameter","url":"u","code":"a","base":["Patient"],"type":"composite","expression":"Patient","component":[{"definition":"missing","expression":"a"}]}})json",
       }) {
    auto p = SearchParams::from_bundle(bundle_of(def));
    ASSERT_FALSE(p.ok()) << def;
    EXPECT_EQ(p.issue().severity, Severity::fatal) << def;
  }
  EXPECT_FALSE(SearchParams::from_bundle(json::Value::make_object()).ok());
  auto missing = SearchParams::load("/nonexistent/search-parameters.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.issue().code, "exception");
}

}  // namespace
}  // namespace fhir::search
