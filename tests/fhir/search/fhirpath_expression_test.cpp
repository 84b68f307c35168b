#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "fhir/search/fhirpath_expression.hpp"

namespace fhir::search::fhirpath {
namespace {

constexpr const char* kObservation = R"({
  "resourceType": "Observation", "id": "o1",
  "contained": [{"resourceType": "Practitioner", "id": "p1"}],
  "extension": [{"url": "http://x/a", "valueString": "A"}, {"url": "http://x/b", "valueCode": "B"}],
  "status": "final",
  "code": {"coding": [{"system": "http://loinc.org", "code": "1-8"}, {"system": "http://snomed.info/sct", "code": "99"}], "text": "Thing"},
  "subject": {"reference": "Patient/p7"},
  "performer": [{"reference": "#p1"}, {"reference": "http://example.org/fhir/Organization/o2/_history/3"},
                {"reference": "urn:uuid:0b5e1c0a-0000-0000-0000-000000000000", "type": "Patient"},
                {"display": "nobody"}],
  "effectivePeriod": {"start": "2021-03-01"},
  "valueQuantity": {"value": 1.50, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"},
  "component": [
    {"code": {"coding": [{"code": "a"}]}, "valueQuantity": {"value": 2}},
    {"code": {"coding": [{"code": "b"}]}, "valueString": "text"},
    {"code": {"coding": [{"code": "c"}]}, "valueCodeableConcept": {"text": "cc"}}
  ]
})";

class FhirpathExpressionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto v = json::parse(kObservation);
    ASSERT_TRUE(v.ok());
    resource_ = std::move(*v);
  }

  Collection run(const char* text, const json::Value* resource = nullptr) {
    auto e = compile(text);
    EXPECT_TRUE(e.ok()) << text << ": " << (e.ok() ? "" : e.issue().diagnostics);
    if (!e.ok()) return {};
    keep_.push_back(std::move(*e));
    return keep_.back().evaluate(resource ? *resource : resource_);
  }

  std::vector<std::string> values(const char* text, const json::Value* resource = nullptr) {
    std::vector<std::string> out;
    for (const Node& n : run(text, resource)) out.push_back(json::write(*n.value));
    return out;
  }

  json::Value resource_;
  std::vector<Expression> keep_;  // literals in results point into these
};

using V = std::vector<std::string>;

TEST_F(FhirpathExpressionTest, Paths) {
  EXPECT_EQ(values("Observation.status"), V{R"("final")"});
  EXPECT_EQ(values("Observation.code.coding.code"), (V{R"("1-8")", R"("99")"}));
  EXPECT_EQ(values("status"), V{R"("final")"});
  EXPECT_EQ(values("Observation.missing.deeper"), V{});
  EXPECT_EQ(values("Patient.status"), V{}) << "a leading type name filters the focus";
  EXPECT_EQ(values("Resource.id"), V{R"("o1")"});
  EXPECT_EQ(values("DomainResource.id"), V{R"("o1")"});
  EXPECT_EQ(values("%resource.id"), V{R"("o1")"});
  EXPECT_EQ(values("Observation.code.coding[1].code"), V{R"("99")"});
  EXPECT_EQ(values("Observation.code.coding[5].code"), V{});
}

TEST_F(FhirpathExpressionTest, ChoiceElementsCarryTheirType) {
  auto value = run("Observation.value");
  ASSERT_EQ(value.size(), 1u);
  EXPECT_EQ(value[0].type, "Quantity");
  auto effective = run("Observation.effective");
  ASSERT_EQ(effective.size(), 1u);
  EXPECT_EQ(effective[0].type, "Period");
  auto comp = run("Observation.component.value");
  ASSERT_EQ(comp.size(), 3u);
  EXPECT_EQ(comp[0].type, "Quantity");
  EXPECT_EQ(comp[1].type, "string");
  EXPECT_EQ(comp[2].type, "CodeableConcept");
}

TEST_F(FhirpathExpressionTest, AsIsAndOfType) {
  EXPECT_EQ(values("(Observation.value as Quantity)"), V{R"({"value":1.50,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"})"});
  EXPECT_EQ(values("Observation.value as CodeableConcept"), V{});
  EXPECT_EQ(values("Observation.component.value.as(Quantity)"), V{R"({"value":2})"});
  EXPECT_EQ(values("Observation.component.value.as(string)"), V{R"("text")"});
  EXPECT_EQ(values("Observation.component.value.ofType(FHIR.CodeableConcept).text"), V{R"("cc")"});
  EXPECT_EQ(values("(Observation.component.value as CodeableConcept).text"), V{R"("cc")"});
  EXPECT_EQ(values("Observation.value is Quantity"), V{"true"});
  EXPECT_EQ(values("Observation.value.is(Period)"), V{"false"});
  EXPECT_EQ(values("Observation.code.coding.is(Coding)"), V{}) << "is on many items gives nothing";
}

TEST_F(FhirpathExpressionTest, SubtypesAndSystemTypes) {
  auto r = json::parse(R"({"resourceType":"Condition","onsetAge":{"value":3},"abatementDateTime":"2020-01"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(values("Condition.onset.as(Quantity)", &*r), V{R"({"value":3})"}) << "Age is a Quantity";
  EXPECT_EQ(values("Condition.onset.as(Age)", &*r), V{R"({"value":3})"});
  EXPECT_EQ(values("Condition.abatement.as(dateTime)", &*r), V{R"("2020-01")"});
  EXPECT_EQ(values("Condition.abatement.as(System.DateTime)", &*r), V{R"("2020-01")"});
  // R4's Observation-code-value-date spells the FHIR type with a capital.
  EXPECT_EQ(values("Condition.abatement.as(DateTime)", &*r), V{R"("2020-01")"});
  EXPECT_EQ(values("Condition.abatement.as(string)", &*r), V{});
}

TEST_F(FhirpathExpressionTest, Where) {
  auto p = json::parse(R"({"resourceType":"Patient","telecom":[{"system":"phone","value":"1"},
      {"system":"email","value":"a@b"},{"system":"phone","value":"2"}]})");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(values("Patient.telecom.where(system='phone').value", &*p), (V{R"("1")", R"("2")"}));
  EXPECT_EQ(values("Patient.telecom.where(system!='phone').value", &*p), V{R"("a@b")"});
  EXPECT_EQ(values("Patient.telecom.where(system='phone' and value='2').value", &*p), V{R"("2")"});
  EXPECT_EQ(values("Patient.telecom.where(value='1' or value='2').value", &*p), (V{R"("1")", R"("2")"}));
  EXPECT_EQ(values("Patient.telecom.where(use).value", &*p), V{}) << "empty criteria are not true";
  EXPECT_EQ(values("Observation.component.where(code.coding.code='b').value", nullptr), V{R"("text")"});
}

TEST_F(FhirpathExpressionTest, ResolveInspectsTheReferenceWithoutFetching) {
  EXPECT_EQ(values("Observation.subject.where(resolve() is Patient)"), V{R"({"reference":"Patient/p7"})"});
  EXPECT_EQ(values("Observation.subject.where(resolve() is Group)"), V{});
  EXPECT_EQ(values("Observation.performer.where(resolve() is Organization).reference"),
            V{R"("http://example.org/fhir/Organization/o2/_history/3")"});
  EXPECT_EQ(values("Observation.performer.where(resolve() is Practitioner).reference"), V{R"("#p1")"});
  EXPECT_EQ(values("Observation.performer.where(resolve() is Patient).reference"),
            V{R"("urn:uuid:0b5e1c0a-0000-0000-0000-000000000000")"})
      << "Reference.type names the target a URN cannot";
  EXPECT_EQ(values("Observation.performer.resolve().id"), V{R"("p1")"}) << "contained targets are real";
  EXPECT_EQ(values("Observation.subject.resolve().id"), V{}) << "others are opaque";
  EXPECT_EQ(values("Observation.subject.where(resolve() is Resource)"), V{R"({"reference":"Patient/p7"})"});
}

TEST_F(FhirpathExpressionTest, ExistsEmptyNotFirstLast) {
  EXPECT_EQ(values("Observation.status.exists()"), V{"true"});
  EXPECT_EQ(values("Observation.nothing.exists()"), V{"false"});
  EXPECT_EQ(values("Observation.code.coding.exists(code='99')"), V{"true"});
  EXPECT_EQ(values("Observation.code.coding.exists(code='0')"), V{"false"});
  EXPECT_EQ(values("Observation.nothing.empty()"), V{"true"});
  EXPECT_EQ(values("Observation.status.exists().not()"), V{"false"});
  EXPECT_EQ(values("Observation.code.coding.first().code"), V{R"("1-8")"});
  EXPECT_EQ(values("Observation.code.coding.last().code"), V{R"("99")"});
  EXPECT_EQ(values("Observation.component.select(code.coding.code)"), (V{R"("a")", R"("b")", R"("c")"}));
}

TEST_F(FhirpathExpressionTest, Extensions) {
  EXPECT_EQ(values("Observation.extension('http://x/b').value"), V{R"("B")"});
  EXPECT_EQ(values("Observation.extension.where(url='http://x/a').value"), V{R"("A")"});
  EXPECT_EQ(values("Observation.extension('http://x/none')"), V{});
}

TEST_F(FhirpathExpressionTest, UnionRemovesDuplicates) {
  EXPECT_EQ(values("Observation.status | Observation.status"), V{R"("final")"});
  EXPECT_EQ(values("Observation.component.code.coding.code | Observation.code.coding.code"),
            (V{R"("a")", R"("b")", R"("c")", R"("1-8")", R"("99")"}));
  auto dup = json::parse(R"({"resourceType":"Patient","identifier":[{"value":"1"},{"value":"1"}]})");
  EXPECT_EQ(values("Patient.identifier", &*dup).size(), 2u) << "a path alone keeps duplicates";
  EXPECT_EQ(values("Patient.identifier | {}", &*dup).size(), 1u);
}

TEST_F(FhirpathExpressionTest, UnionOfManyItemsStaysDistinctAndOrdered) {
  std::string json = R"({"resourceType":"Patient","identifier":[)";
  for (int i = 0; i < 5000; ++i) json += R"({"system":"s","value":")" + std::to_string(i % 1000) + "\"},";
  json += R"({"value":1.0},{"value":1.00},{"value":1}]})";
  auto p = json::parse(json);
  ASSERT_TRUE(p.ok());
  auto got = run("Patient.identifier | {}", &*p);
  ASSERT_EQ(got.size(), 1001u) << "1000 distinct identifiers and one number value, 1.0 = 1.00 = 1";
  EXPECT_EQ(got[0].value->string_at("value"), "0");
  EXPECT_EQ(got[999].value->string_at("value"), "999");
  EXPECT_EQ(json::write(*got[1000].value), R"({"value":1.0})");
}

TEST_F(FhirpathExpressionTest, BooleanLogicAndEquality) {
  auto p = json::parse(R"({"resourceType":"Patient","deceasedDateTime":"2020-02-01"})");
  auto q = json::parse(R"({"resourceType":"Patient","deceasedBoolean":false})");
  auto r = json::parse(R"({"resourceType":"Patient"})");
  const char* deceased = "Patient.deceased.exists() and Patient.deceased != false";
  EXPECT_EQ(values(deceased, &*p), V{"true"});
  EXPECT_EQ(values(deceased, &*q), V{"false"});
  EXPECT_EQ(values(deceased, &*r), V{"false"});
  EXPECT_EQ(values("Patient.active and true", &*r), V{}) << "empty and true is empty";
  EXPECT_EQ(values("Patient.active or true", &*r), V{"true"});
  EXPECT_EQ(values("Observation.valueQuantity.value = 1.5"), V{"true"}) << "decimals compare by value";
  EXPECT_EQ(values("Observation.status = 'final'"), V{"true"});
  EXPECT_EQ(values("Observation.status = 1"), V{"false"});
  EXPECT_EQ(values("Observation.nothing = 'x'"), V{});
}

TEST_F(FhirpathExpressionTest, CompositeComponentsEvaluateAtAnItem) {
  auto items = run("Observation.component");
  ASSERT_EQ(items.size(), 3u);
  auto code = compile("code.coding.code");
  auto value = compile("value.as(Quantity) | value.as(string)");
  auto chromosome = compile("%resource.id");
  Collection out;
  code->evaluate_at(items[1], resource_, out);
  value->evaluate_at(items[1], resource_, out);
  chromosome->evaluate_at(items[1], resource_, out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].value->text(), "b");
  EXPECT_EQ(out[1].value->text(), "text");
  EXPECT_EQ(out[2].value->text(), "o1");
}

TEST_F(FhirpathExpressionTest, PruningForAResourceTypeKeepsResults) {
  auto e = compile("Patient.telecom.where(system='email') | Person.telecom.where(system='email') | Resource.id");
  ASSERT_TRUE(e.ok());
  auto p = json::parse(R"({"resourceType":"Person","id":"x","telecom":[{"system":"email","value":"a"},
      {"system":"email","value":"a"}]})");
  auto whole = e->evaluate(*p);
  auto pruned = e->for_resource_type("Person").evaluate(*p);
  EXPECT_EQ(whole.size(), 2u) << "the duplicate email goes: union is distinct";
  ASSERT_EQ(pruned.size(), whole.size());
  for (std::size_t i = 0; i < whole.size(); ++i) EXPECT_EQ(pruned[i].value, whole[i].value);
  EXPECT_TRUE(compile("Patient.name")->for_resource_type("Observation").is_empty());
  EXPECT_FALSE(compile("Resource.id")->for_resource_type("Observation").is_empty());
  EXPECT_EQ(e->for_resource_type("Person").text(), e->text());
}

}  // namespace
}  // namespace fhir::search::fhirpath
