#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "fhir/core/instant.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/search/index_values.hpp"
#include "tests/fhir/search/r4_definitions.hpp"
#include "tests/support/fixture_paths.hpp"

namespace fhir::search {
namespace {

namespace fs = std::filesystem;
using V = std::vector<std::string>;

class IndexValuesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    params_ = test::r4_params();
    ASSERT_NE(params_, nullptr);
  }

  IndexValues index(const char* json) {
    auto v = json::parse(json);
    EXPECT_TRUE(v.ok()) << json;
    resources_.push_back(std::move(*v));
    return extract_index_values(*params_, resources_.back());
  }

  template <class R, class F>
  static V of(const std::vector<R>& rows, std::string_view code, F&& show) {
    V out;
    for (const auto& r : rows)
      if (r.param->code == code) out.push_back(show(r.value));
    return out;
  }
  static V tokens(const IndexValues& x, std::string_view code) {
    return of(x.tokens, code, [](const TokenValue& t) { return t.has_system ? t.system + "|" + t.code : t.code; });
  }
  static V strings(const IndexValues& x, std::string_view code) {
    return of(x.strings, code, [](const StringValue& s) { return s.normalized; });
  }
  static V refs(const IndexValues& x, std::string_view code) {
    return of(x.references, code, [](const ReferenceValue& r) { return r.type + "/" + r.id; });
  }

  const SearchParams* params_ = nullptr;
  std::vector<json::Value> resources_;  // rows borrow nothing, but keep inputs alive anyway
};

constexpr const char* kBloodPressure = R"({
  "resourceType": "Observation", "id": "bp", "meta": {"lastUpdated": "2024-01-02T03:04:05.678Z",
    "tag": [{"system": "http://x/tags", "code": "t1"}], "profile": ["http://x/StructureDefinition/bp"],
    "security": [{"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"}],
    "source": "http://x/source#1"},
  "status": "final",
  "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}],
  "code": {"coding": [{"system": "http://loinc.org", "code": "85354-9", "display": "Blood pressure panel"}], "text": "BP"},
  "subject": {"reference": "Patient/p1"},
  "encounter": {"reference": "Encounter/e1"},
  "effectiveDateTime": "2024-01-02",
  "performer": [{"reference": "Practitioner/dr"}],
  "component": [
    {"code": {"coding": [{"system": "http://loinc.org", "code": "8480-6"}]},
     "valueQuantity": {"value": 120, "unit": "mmHg", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}},
    {"code": {"coding": [{"system": "http://loinc.org", "code": "8462-4"}]},
     "valueQuantity": {"value": 80.0, "unit": "mmHg", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"}}
  ]
})";

TEST_F(IndexValuesTest, ObservationRowsPerType) {
  IndexValues x = index(kBloodPressure);
  EXPECT_TRUE(x.issues.empty());
  EXPECT_EQ(tokens(x, "code"), V{"http://loinc.org|85354-9"});
  EXPECT_EQ(tokens(x, "status"), V{"final"});
  EXPECT_EQ(tokens(x, "category"), V{"http://terminology.hl7.org/CodeSystem/observation-category|vital-signs"});
  EXPECT_EQ(tokens(x, "component-code"), (V{"http://loinc.org|8480-6", "http://loinc.org|8462-4"}));
  EXPECT_EQ(of(x.token_texts, "code", [](const StringValue& s) { return s.raw; }), (V{"Blood pressure panel", "BP"}));
  EXPECT_EQ(refs(x, "subject"), V{"Patient/p1"});
  EXPECT_EQ(refs(x, "patient"), V{"Patient/p1"});
  EXPECT_EQ(refs(x, "encounter"), V{"Encounter/e1"});
  EXPECT_EQ(refs(x, "performer"), V{"Practitioner/dr"});
  auto dates = of(x.dates, "date", [](const DateValue& d) { return format_instant(d.low) + " " + format_instant(d.high); });
  EXPECT_EQ(dates, V{"2024-01-02T00:00:00.000Z 2024-01-02T23:59:59.999Z"});
  auto qty = of(x.quantities, "component-value-quantity", [](const QuantityValue& q) { return q.text + " " + q.code; });
  EXPECT_EQ(qty, (V{"120 mm[Hg]", "80.0 mm[Hg]"}));
  EXPECT_TRUE(of(x.quantities, "value-quantity", [](const QuantityValue& q) { return q.text; }).empty());
}

TEST_F(IndexValuesTest, CommonParameters) {
  IndexValues x = index(kBloodPressure);
  EXPECT_EQ(tokens(x, "_id"), V{"bp"});
  EXPECT_EQ(tokens(x, "_tag"), V{"http://x/tags|t1"});
  EXPECT_EQ(tokens(x, "_security"), V{"http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R"});
  EXPECT_EQ(of(x.uris, "_profile", [](const UriValue& u) { return u.uri; }), V{"http://x/StructureDefinition/bp"});
  EXPECT_EQ(of(x.uris, "_source", [](const UriValue& u) { return u.uri; }), V{"http://x/source#1"});
  auto updated = of(x.dates, "_lastUpdated", [](const DateValue& d) { return format_instant(d.low) + " " + format_instant(d.high); });
  EXPECT_EQ(updated, V{"2024-01-02T03:04:05.678Z 2024-01-02T03:04:05.678Z"});
}

TEST_F(IndexValuesTest, CompositesPairValuesOfTheSameItem) {
  IndexValues x = index(kBloodPressure);
  auto show = [](const CompositeValue& c) {
    std::string s;
    for (const auto& part : c.parts) {
      if (auto* t = std::get_if<TokenValue>(&part)) s += t->code + ";";
      if (auto* q = std::get_if<QuantityValue>(&part)) s += q->text + ";";
    }
    return s;
  };
  // Systolic with 120, diastolic with 80: never 8480-6 with 80.
  EXPECT_EQ(of(x.composites, "component-code-value-quantity", show), (V{"8480-6;120;", "8462-4;80.0;"}));
  EXPECT_EQ(of(x.composites, "combo-code-value-quantity", show), (V{"8480-6;120;", "8462-4;80.0;"}))
      << "the panel itself has no value, so it pairs with nothing";
  EXPECT_TRUE(of(x.composites, "code-value-quantity", show).empty());

  IndexValues w = index(R"({"resourceType":"Observation","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"},
      {"system":"http://snomed.info/sct","code":"27113001"}]},"valueQuantity":{"value":70,"code":"kg"},
      "effectiveDateTime":"2020"})");
  EXPECT_EQ(of(w.composites, "code-value-quantity", show), (V{"29463-7;70;", "27113001;70;"}));
  EXPECT_EQ(of(w.composites, "combo-code-value-quantity", show), (V{"29463-7;70;", "27113001;70;"}));
}

TEST_F(IndexValuesTest, CompositeDateComponentReadsDateTime) {
  IndexValues x = index(R"({"resourceType":"Observation","code":{"coding":[{"code":"c"}]},"valueDateTime":"2021-05"})");
  ASSERT_EQ(of(x.composites, "code-value-date", [](const CompositeValue&) { return std::string(); }).size(), 1u);
  const auto& row = *std::find_if(x.composites.begin(), x.composites.end(),
                                  [](const auto& r) { return r.param->code == "code-value-date"; });
  ASSERT_TRUE(std::holds_alternative<DateValue>(row.value.parts[1]));
  EXPECT_EQ(std::get<DateValue>(row.value.parts[1]).low, *parse_instant("2021-05-01T00:00:00Z"));
}

TEST_F(IndexValuesTest, CompositeCombinationsAreCapped) {
  std::string codings;
  for (int i = 0; i < 100; ++i) codings += std::string(i ? "," : "") + R"({"code":"c)" + std::to_string(i) + "\"}";
  std::string group = R"({"resourceType":"Group","characteristic":[{"code":{"coding":[)" + codings +
                      R"(]},"valueCodeableConcept":{"coding":[)" + codings + R"(]},"exclude":false}]})";
  IndexValues x = index(group.c_str());
  std::size_t rows = of(x.composites, "characteristic-value", [](const CompositeValue&) { return std::string(); }).size();
  EXPECT_EQ(rows, 1000u);
  ASSERT_EQ(x.issues.size(), 1u);
  EXPECT_NE(x.issues[0].diagnostics.find("too many value combinations"), std::string::npos);
}

TEST_F(IndexValuesTest, PatientNamesAddressesAndFlags) {
  IndexValues x = index(R"({"resourceType":"Patient","id":"p","active":true,
      "identifier":[{"system":"urn:oid:1.2.36.146.595.217.0.1","value":"12345"}],
      "name":[{"family":"Chalmers","given":["Peter","James"]},{"family":"Ñúñez"}],
      "telecom":[{"system":"phone","value":"(03) 5555 6473"},{"system":"email","value":"p@example.org"}],
      "gender":"male","birthDate":"1974-12-25","deceasedDateTime":"2015-02-14T13:42:00+10:00",
      "address":[{"line":["534 Erewhon St"],"city":"PleasantVille","postalCode":"3999"}],
      "generalPractitioner":[{"reference":"Organization/1"}],
      "managingOrganization":{"reference":"http://other.org/fhir/Organization/2"}})");
  EXPECT_TRUE(x.issues.empty());
  EXPECT_EQ(strings(x, "name"), (V{"chalmers", "peter", "james", "nunez"}));
  EXPECT_EQ(strings(x, "family"), (V{"chalmers", "nunez"}));
  EXPECT_EQ(strings(x, "given"), (V{"peter", "james"}));
  EXPECT_EQ(strings(x, "address-city"), V{"pleasantville"});
  EXPECT_EQ(strings(x, "address"), (V{"534 erewhon st", "pleasantville", "3999"}));
  EXPECT_EQ(tokens(x, "identifier"), V{"urn:oid:1.2.36.146.595.217.0.1|12345"});
  EXPECT_EQ(tokens(x, "gender"), V{"male"});
  EXPECT_EQ(tokens(x, "active"), V{"true"});
  EXPECT_EQ(tokens(x, "deceased"), V{"true"});
  EXPECT_EQ(tokens(x, "phone"), V{"(03) 5555 6473"});
  EXPECT_EQ(tokens(x, "email"), V{"p@example.org"});
  EXPECT_EQ(tokens(x, "telecom"), (V{"(03) 5555 6473", "p@example.org"}));
  EXPECT_EQ(of(x.dates, "death-date", [](const DateValue& d) { return format_instant(d.low); }),
            V{"2015-02-14T03:42:00.000Z"});
  EXPECT_EQ(refs(x, "general-practitioner"), V{"Organization/1"});
  EXPECT_EQ(of(x.references, "organization", [](const ReferenceValue& r) { return r.url; }),
            V{"http://other.org/fhir/Organization/2"});
}

TEST_F(IndexValuesTest, BadValuesWarnWithoutTheValueAndTheRestIndexes) {
  IndexValues x = index(R"({"resourceType":"Patient","id":"p","birthDate":"25/12/1974","gender":"female"})");
  ASSERT_EQ(x.issues.size(), 1u);
  EXPECT_EQ(x.issues[0].severity, Severity::warning);
  EXPECT_EQ(x.issues[0].code, "value");
  EXPECT_EQ(x.issues[0].expression, "Patient.birthDate | Person.birthDate | RelatedPerson.birthDate");
  EXPECT_NE(x.issues[0].diagnostics.find("birthdate"), std::string::npos);
  EXPECT_EQ(x.issues[0].diagnostics.find("1974"), std::string::npos) << "never echo the value";
  EXPECT_EQ(tokens(x, "gender"), V{"female"});
}

TEST_F(IndexValuesTest, ContainedReferencesAreMarkedLocal) {
  IndexValues x = index(R"({"resourceType":"MedicationRequest","contained":[{"resourceType":"Medication","id":"m"}],
      "medicationReference":{"reference":"#m"},"subject":{"reference":"Patient/p"}})");
  auto med = of(x.references, "medication", [](const ReferenceValue& r) { return (r.local ? "#" : "") + r.id; });
  EXPECT_EQ(med, V{"#m"});
  EXPECT_EQ(refs(x, "patient"), V{"Patient/p"});
}

TEST_F(IndexValuesTest, ExtractsOneParameter) {
  auto v = json::parse(kBloodPressure);
  IndexValues x;
  extract_param(*params_->find("Observation", "code"), *v, x);
  EXPECT_EQ(x.tokens.size(), 1u);
  EXPECT_TRUE(x.strings.empty() && x.dates.empty() && x.references.empty());
}

std::vector<json::Value> load_examples() {
  std::vector<fs::path> files;
  for (const auto& f : fs::directory_iterator(carebridge::test::fixtures_dir() + "/r4-examples"))
    if (f.path().extension() == ".json") files.push_back(f.path());
  std::sort(files.begin(), files.end());
  std::vector<json::Value> out;
  for (const auto& f : files) {
    auto v = json::parse(carebridge::test::read_file(f.string()));
    EXPECT_TRUE(v.ok()) << f;
    if (v.ok()) out.push_back(std::move(*v));
  }
  return out;
}

std::vector<json::Value> load_synthea_resources() {
  std::vector<json::Value> out;
  for (const auto& f : fs::directory_iterator(carebridge::test::demo_dir())) {
    auto b = json::parse(carebridge::test::read_file(f.path().string()));
    if (!b.ok() || b->find("entry") == nullptr) continue;  // run metadata, not a Bundle
    for (auto& e : b->find("entry")->items()) {
      if (json::Value* r = e.find("resource")) out.push_back(std::move(*r));
    }
  }
  return out;
}

std::string describe(const json::Value& r) {
  return std::string(r.string_at("resourceType")) + "/" + std::string(r.string_at("id"));
}

TEST_F(IndexValuesTest, EveryR4ExampleIndexesCleanly) {
  auto examples = load_examples();
  ASSERT_GT(examples.size(), 300u);
  std::size_t rows = 0;
  for (const auto& r : examples) {
    IndexValues x = extract_index_values(*params_, r);
    for (const auto& i : x.issues) ADD_FAILURE() << describe(r) << ": " << i.diagnostics << " [" << i.expression << "]";
    rows += x.strings.size() + x.tokens.size() + x.dates.size() + x.numbers.size() + x.quantities.size() +
            x.references.size() + x.uris.size() + x.composites.size();
    if (!r.string_at("id").empty()) {
      EXPECT_FALSE(x.tokens.empty()) << describe(r) << " has no _id row";
    }
  }
  std::printf("[ examples  ] %zu resources, %zu rows\n", examples.size(), rows);
}

// Extraction cost is measured by the ingest benchmark (bench/run), not
// here: a timed unit test fails on a loaded or instrumented machine.
TEST_F(IndexValuesTest, EverySyntheaResourceIndexesCleanly) {
  auto resources = load_synthea_resources();
  ASSERT_GT(resources.size(), 1000u);
  std::size_t rows = 0;
  for (const auto& r : resources) {
    IndexValues x = extract_index_values(*params_, r);
    for (const auto& i : x.issues) ADD_FAILURE() << describe(r) << ": " << i.diagnostics << " [" << i.expression << "]";
    rows += x.tokens.size();
  }
  EXPECT_GT(rows, resources.size());
}

}  // namespace
}  // namespace fhir::search
