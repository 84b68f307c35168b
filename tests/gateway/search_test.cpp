// Search end to end (R4 search.html), parameter by parameter, over HL7's
// own R4 examples: each parameter type with its prefixes and modifiers,
// chains and _has, the common parameters, GET and POST forms at type and
// system level, Prefer: handling, and the index following updates and
// deletes. The expected ids were read off the example files, not off the
// server: every case names exactly what matches, so a wrong match or a
// missed one fails.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/json/parse.hpp"
#include "tests/support/fixture_paths.hpp"
#include "tests/support/search_fixture.hpp"
#include "tests/support/outcome_checks.hpp"

namespace carebridge::test {
namespace {

using fhir::json::Value;
using Ids = std::vector<std::string>;

constexpr const char* kStrict = "handling=strict";
constexpr const char* kLenient = "handling=lenient";

class SearchTest : public SearchFixture {
 protected:
  // "Type/id" of every entry with this search.mode, in the order sent.
  static Ids entries(const Value& bundle, std::string_view mode = "match") {
    Ids out;
    if (const auto* e = bundle.find("entry"))
      for (const auto& entry : e->items()) {
        const Value* s = entry.find("search");
        if (s == nullptr || s->string_at("mode") != mode) continue;
        const Value* r = entry.find("resource");
        out.push_back(std::string(r->string_at("resourceType")) + "/" + std::string(r->string_at("id")));
      }
    return out;
  }

  // The sorted ids (without type) a one-page search matches; checks that
  // Bundle.total counts exactly them.
  Ids ids(const std::string& query, const Headers& h = {}) {
    Value b = search(query, h);
    Ids out;
    for (const auto& ref : entries(b)) out.push_back(ref.substr(ref.find('/') + 1));
    EXPECT_TRUE(link(b, "next").empty()) << query << ": more than one page";
    if (const Value* total = b.find("total")) {
      EXPECT_EQ(total->text(), std::to_string(out.size())) << query;
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  // The sorted "Type/id" of a search's matches (system level).
  Ids refs(const std::string& query, const Headers& h = {}) {
    Ids out = entries(search(query, h));
    std::sort(out.begin(), out.end());
    return out;
  }

  struct Case {
    std::string query;
    Ids expected;  // any order
  };
  void expect_cases(const std::vector<Case>& cases) {
    for (const auto& c : cases) {
      Ids expected = c.expected;
      std::sort(expected.begin(), expected.end());
      EXPECT_EQ(ids(c.query), expected) << c.query;
    }
  }
};

// --- string -----------------------------------------------------------------

TEST_F(SearchTest, StringIsACaseAndAccentInsensitivePrefixByDefault) {
  load_examples({"Patient-", "RelatedPerson-", "Practitioner-", "Person-"});
  expect_cases({
      {"Patient?family=donald", {"pat1", "pat2"}},
      {"Patient?family=DON", {"pat1", "pat2"}},
      {"Patient?family=van", {"f001"}},       // "van de Heuvel"
      {"Patient?family=heuvel", {}},          // a prefix, not a substring
      {"Patient?given=peter", {"example"}},   // not f001's "Pieter"
      {"Patient?name=jim", {"example"}},      // name covers every part of every name
      {"Patient?name=windsor", {"example"}},  // the maiden name
      {"Patient?name=roel", {"f201"}},        // HumanName.text
      {"Patient?address-city=amster", {"f001", "f201"}},
      {"Patient?family=%C3%A9verywoman", {"genetics-example1", "mom"}},  // "éverywoman"
      // "Bénédicte du Marché"
      {"RelatedPerson?name=benedicte", {"benedicte"}},
      {"RelatedPerson?name=B%C3%89N%C3%89", {"benedicte"}},
      {"RelatedPerson?address=43", {"benedicte"}},
      {"RelatedPerson?address=marche", {}},
  });
}

TEST_F(SearchTest, StringExactAndContains) {
  load_examples({"Patient-", "RelatedPerson-"});
  expect_cases({
      {"Patient?family:exact=Donald", {"pat1", "pat2"}},
      {"Patient?family:exact=donald", {}},
      {"Patient?family:exact=Don", {}},
      {"Patient?family:contains=HEUV", {"f001"}},
      {"Patient?name:contains=olaf", {"f201"}},  // "Roelof Olaf"
      {"Patient?family:contains=xyz", {}},
      {"RelatedPerson?name:exact=B%C3%A9n%C3%A9dicte", {"benedicte"}},
      {"RelatedPerson?name:exact=Benedicte", {}},
      {"RelatedPerson?address:contains=marche", {"benedicte"}},
  });
}

// --- token ------------------------------------------------------------------

TEST_F(SearchTest, TokenCodeSystemForms) {
  load_examples({"Patient-", "Observation-"});
  expect_cases({
      // code alone: any system (pat2's urn:oid and glossy's goodhealth MRN)
      {"Patient?identifier=123456", {"glossy", "pat2"}},
      {"Patient?identifier=urn:oid:0.1.2.3.4.5.6.7|123456", {"pat2"}},
      {"Patient?identifier=http://www.goodhealth.org/identifiers/mrn|123456", {"glossy"}},
      // |code: only values without a system
      {"Patient?identifier=|AB60001", {"ihe-pcd"}},
      {"Patient?identifier=|123456", {}},
      // system|: any code of the system
      {"Patient?identifier=urn:oid:0.1.2.3.4.5.6.7|", {"pat1", "pat2", "pat3", "pat4"}},
      {"Patient?gender=female",
       {"animal", "genetics-example1", "infant-mom", "infant-twin-1", "mom", "pat4", "proband"}},
      {"Patient?gender=female,other",
       {"animal", "genetics-example1", "infant-mom", "infant-twin-1", "mom", "pat2", "pat4", "proband"}},
      {"Patient?deceased=true", {"pat3", "pat4"}},
      {"Patient?email=p.heuvel@gmail.com", {"f001"}},
      {"Patient?phone=%2B31612345678", {"f201"}},
      {"Observation?code=http://loinc.org|15074-8", {"f001", "unsat"}},
      // a component's code is combo-code, not code
      {"Observation?code=http://loinc.org|8480-6", {}},
      {"Observation?combo-code=http://loinc.org|8480-6", {"blood-pressure", "blood-pressure-cancel", "blood-pressure-dar"}},
  });
}

TEST_F(SearchTest, TokenNotTextAndMissing) {
  load_examples({"Patient-", "Observation-"});
  expect_cases({
      // :not includes resources without the element (ihe-pcd has no gender)
      {"Patient?gender:not=male",
       {"animal", "genetics-example1", "ihe-pcd", "infant-mom", "infant-twin-1", "mom", "pat2", "pat4", "proband"}},
      {"Patient?gender:missing=true", {"ihe-pcd"}},
      {"Patient?gender:missing=false&gender:not=male",
       {"animal", "genetics-example1", "infant-mom", "infant-twin-1", "mom", "pat2", "pat4", "proband"}},
      {"Observation?code=http://loinc.org|85354-9&status:not=cancelled", {"blood-pressure", "blood-pressure-dar"}},
      // :text: a prefix of CodeableConcept.text or a coding's display
      {"Observation?code:text=blood%20group", {"bgpanel", "bloodgroup", "rhstatus"}},
      {"Observation?code:text=abo%20GROUP", {"bloodgroup", "rhstatus"}},
      {"Observation?code:text=group", {}},
  });
}

// --- date -------------------------------------------------------------------

TEST_F(SearchTest, DatePrefixesAtYearMonthAndDayPrecision) {
  load_examples({"Patient-"});
  // birthDate: 1932-09-24 glossy, xcda; 1944-11-17 f001; 1956 xds; 1960 f201;
  // 1966 proband; 1973-05-31 genetics-example1, mom; 1974-12-25 ch-example,
  // example; 1982-01-23 pat3; 1982-08-02 pat4; 1995 infant-mom; 2010 animal;
  // 2017-05-15 infant-twin-1, -2; 2017-09-05 newborn; none: dicom, ihe-pcd,
  // infant-fetal, pat1, pat2.
  expect_cases({
      {"Patient?birthdate=1982", {"pat3", "pat4"}},
      {"Patient?birthdate=eq1982-01", {"pat3"}},
      {"Patient?birthdate=1974-12-25", {"ch-example", "example"}},
      {"Patient?birthdate=1974-12-24", {}},
      // ne: every birth date outside 1982; no birth date is no match
      {"Patient?birthdate=ne1982",
       {"animal", "ch-example", "example", "f001", "f201", "genetics-example1", "glossy", "infant-mom",
        "infant-twin-1", "infant-twin-2", "mom", "newborn", "proband", "xcda", "xds"}},
      {"Patient?birthdate=lt1944-11-17", {"glossy", "xcda"}},
      {"Patient?birthdate=le1944-11-17", {"f001", "glossy", "xcda"}},
      {"Patient?birthdate=gt2017-05-15", {"newborn"}},
      {"Patient?birthdate=ge2017-05-15", {"infant-twin-1", "infant-twin-2", "newborn"}},
      {"Patient?birthdate=gt1982-01-23",
       {"animal", "infant-mom", "infant-twin-1", "infant-twin-2", "newborn", "pat4"}},
      {"Patient?birthdate=sa2010", {"infant-twin-1", "infant-twin-2", "newborn"}},
      {"Patient?birthdate=eb1944", {"glossy", "xcda"}},
      {"Patient?birthdate=lt1932", {}},
      {"Patient?birthdate=ge2018", {}},
      // ap: May 1982 widened by a tenth of its distance from now (2025)
      // reaches both 1982 births; eq does not
      {"Patient?birthdate=ap1982-05", {"pat3", "pat4"}},
      {"Patient?birthdate=eq1982-05", {}},
      // AND of two prefixes
      {"Patient?birthdate=ge1970&birthdate=lt1975", {"ch-example", "example", "genetics-example1", "mom"}},
      {"Patient?birthdate:missing=true", {"dicom", "ihe-pcd", "infant-fetal", "pat1", "pat2"}},
  });
}

TEST_F(SearchTest, DatePrefixesOnDateTimesAndPeriods) {
  load_examples({"Patient-", "Observation-"});
  // Patient/f001's observations, in UTC:
  //   f001  [2013-04-02T08:30:10Z, open)          ekg  2015-02-19T08:30:35Z
  //   f002, f003, f004  2013-04-02T09:30:10Z .. 2013-04-05T09:30:10Z
  //   f005  2013-04-05T09:30:10Z                  unsat 2013-04-02T08:30:10Z .. 2013-04-05T08:30:10Z
  const std::string s = "Observation?subject=Patient/f001&date=";
  expect_cases({
      {s + "2013-04-05", {"f005"}},  // eq: the day contains the whole value
      {s + "2013-04", {"f002", "f003", "f004", "f005", "unsat"}},
      {s + "ne2013-04", {"ekg", "f001"}},
      {s + "gt2013-04-05", {"ekg", "f001"}},
      {s + "lt2013-04-02", {}},
      {s + "lt2013-04-02T09:00:00Z", {"f001", "unsat"}},
      {s + "le2013-04-02", {}},
      {s + "le2013-04-02T09:00:00Z", {"f001", "unsat"}},
      {s + "sa2013-04-02T09:00:00Z", {"ekg", "f002", "f003", "f004", "f005"}},
      {s + "eb2013-04-06", {"f002", "f003", "f004", "f005", "unsat"}},
      {s + "ge2015-02-19T08:30:35Z", {"ekg", "f001"}},
      {s + "gt2015-02-19T08:30:35Z", {"f001"}},
      // to the second, in any zone; '+' encoded or sent bare
      {s + "2013-04-05T09:30:10Z", {"f005"}},
      {s + "2013-04-05T10:30:10%2B01:00", {"f005"}},
      {s + "2013-04-05T10:30:10+01:00", {"f005"}},
      {s + "2013-04-05T09:30Z", {"f005"}},  // minute precision
      {s + "2013-04-05T09:31Z", {}},
      {s + "2013-04-05T09:30:11Z", {}},
      // ap around 2015-02-19 (about a year each side, seen from 2025)
      // overlaps ekg and f001's open period only
      {s + "ap2015-02-19", {"ekg", "f001"}},
  });
}

// --- number and quantity ----------------------------------------------------

TEST_F(SearchTest, NumberPrefixesAndImplicitPrecision) {
  // The R4 examples hold no number-typed search values; RiskAssessment's
  // probability is one.
  for (const auto& [id, p] : std::vector<std::pair<std::string, std::string>>{
           {"ra1", "0.02"}, {"ra2", "0.025"}, {"ra3", "0.3"}})
    put_text(R"({"resourceType":"RiskAssessment","id":")" + id +
             R"(","status":"final","subject":{"reference":"Patient/example"},)"
             R"("prediction":[{"outcome":{"text":"Heart Attack"},"probabilityDecimal":)" +
             p + "}]}");
  expect_cases({
      {"RiskAssessment?probability=0.02", {"ra1"}},  // [0.015, 0.025): not 0.025
      {"RiskAssessment?probability=0.020", {"ra1"}},
      {"RiskAssessment?probability=2e-2", {"ra1"}},
      {"RiskAssessment?probability=0.3", {"ra3"}},
      {"RiskAssessment?probability=0.03", {"ra2"}},  // [0.025, 0.035): low end included
      {"RiskAssessment?probability=0.04", {}},
      {"RiskAssessment?probability=ne0.02", {"ra2", "ra3"}},
      {"RiskAssessment?probability=gt0.02", {"ra2", "ra3"}},
      {"RiskAssessment?probability=ge0.025", {"ra2", "ra3"}},
      {"RiskAssessment?probability=lt0.3", {"ra1", "ra2"}},
      {"RiskAssessment?probability=le0.025", {"ra1", "ra2"}},
      {"RiskAssessment?probability=sa0.02", {"ra2", "ra3"}},
      {"RiskAssessment?probability=eb0.3", {"ra1", "ra2"}},
      {"RiskAssessment?probability=ap0.3", {"ra3"}},
      {"RiskAssessment?probability=ap0.022", {"ra1"}},  // [0.0198, 0.0242]
      {"RiskAssessment?probability=0.02,0.3", {"ra1", "ra3"}},
  });
}

TEST_F(SearchTest, QuantityPrefixesAndUnits) {
  load_examples({"Encounter-", "Observation-"});
  expect_cases({
      // Encounter.length: f001, f002 140 min; f003 90 min; f202 56 min ("minutes")
      {"Encounter?length=140", {"f001", "f002"}},
      {"Encounter?length=gt100", {"f001", "f002"}},
      {"Encounter?length=lt100|http://unitsofmeasure.org|min", {"f003", "f202"}},
      {"Encounter?length=le90|http://unitsofmeasure.org|min", {"f003", "f202"}},
      {"Encounter?length=ge90&length=lt140", {"f003"}},
      {"Encounter?length=56||minutes", {"f202"}},  // ||unit: the human unit
      {"Encounter?length=56||min", {"f202"}},      // ...or the code
      {"Encounter?length=90||h", {}},
      {"Encounter?length=140|http://snomed.info/sct|min", {}},
      // Observation.value: f001 6.3 mmol/L, f002 12.6 mmol/L, f003 6.2 kPa,
      // f203 28 with unit "mmol/L" but a SNOMED code
      {"Observation?value-quantity=6.3", {"f001"}},
      {"Observation?value-quantity=6.30", {"f001"}},
      {"Observation?value-quantity=6", {"f001", "f003"}},  // [5.5, 6.5)
      {"Observation?value-quantity=gt10|http://unitsofmeasure.org|mmol/L", {"f002"}},
      {"Observation?value-quantity=gt10||mmol/L", {"f002", "f203"}},
      {"Observation?value-quantity=le6.3|http://unitsofmeasure.org|mmol/L", {"f001"}},
      {"Observation?value-quantity=lt6.3|http://unitsofmeasure.org|mmol/L", {}},
      {"Observation?value-quantity=185|http://unitsofmeasure.org|[lb_av]", {"example"}},
      {"Observation?value-quantity=185||lbs", {"example"}},
      {"Observation?value-quantity=185|http://snomed.info/sct|[lb_av]", {}},
      {"Observation?value-quantity=ap16", {"bmi", "bmi-using-related"}},  // 16.2 kg/m2
      // the value 66.89999999999999 as sent is in 66.9's range
      {"Observation?value-quantity=66.9", {"body-height"}},
  });
}

// --- reference and uri ------------------------------------------------------

TEST_F(SearchTest, ReferenceForms) {
  load_examples({"Observation-", "Patient-", "Person-", "QuestionnaireResponse-"});
  const Ids f001 = {"ekg", "f001", "f002", "f003", "f004", "f005", "unsat"};
  expect_cases({
      {"Observation?subject=Patient/f001", f001},
      {"Observation?subject=f001", f001},
      {"Observation?subject:Patient=f001", f001},
      {"Observation?patient=f001", f001},
      {"Observation?subject:Group=f001", {}},
      {"Observation?subject=Group/herd1", {"herd1"}},
      {"Observation?subject:Group=herd1", {"herd1"}},
      {"Observation?patient=herd1", {}},  // patient only takes Patient references
      {"Observation?subject=Patient/pat2,Patient/f201", {"bmd", "date-lastmp", "f202", "f203", "f204", "f205", "f206"}},
      {"Patient?general-practitioner=Practitioner/example", {"glossy"}},
      {"Patient?link=pat2", {"pat1"}},
      // managingOrganization absent
      {"Patient?organization:missing=true",
       {"animal", "ihe-pcd", "infant-fetal", "infant-mom", "infant-twin-1", "infant-twin-2", "newborn", "proband"}},
      // absolute URLs (another server's) match as sent, and only so
      {"Person?link=http://www.goodhealth.com/Patient/98574", {"pp"}},
      {"Person?link=Patient/98574", {}},
      {"Person?link=98574", {}},
      {"QuestionnaireResponse?subject=http://hl7.org/fhir/Patient/1", {"bb"}},
      {"QuestionnaireResponse?subject=Patient/1", {}},
  });
}

TEST_F(SearchTest, UriExactBelowAbove) {
  load_examples({"Questionnaire-", "CapabilityStatement-", "Observation-"});
  expect_cases({
      {"Questionnaire?url=http://hl7.org/fhir/Questionnaire/bb", {"bb"}},
      {"Questionnaire?url=http://hl7.org/fhir/Questionnaire", {}},
      {"Questionnaire?url=HTTP://hl7.org/fhir/Questionnaire/bb", {}},  // uris are not folded
      {"Questionnaire?url:below=http://hl7.org/fhir/", {"3141", "bb", "f201", "gcs"}},
      {"Questionnaire?url:below=http://example.org/", {"zika-virus-exposure-assessment"}},
      {"Questionnaire?url:above=http://hl7.org/fhir/Questionnaire/bb/_history/2", {"bb"}},
      {"Questionnaire?url:above=http://hl7.org/fhir/", {}},
      {"CapabilityStatement?url=urn:uuid:68D043B5-9ECF-4559-A57A-396E0D452311", {"example"}},
  });
}

TEST_F(SearchTest, CompositeCodeValueQuantity) {
  load_examples({"Observation-"});
  // blood-pressure: systolic (8480-6) 107 mm[Hg], diastolic (8462-4) 60;
  // blood-pressure-dar: systolic 107, no diastolic value; -cancel: none.
  const std::string sys = "http://loinc.org|8480-6";
  const std::string dia = "http://loinc.org|8462-4";
  expect_cases({
      {"Observation?component-code-value-quantity=" + sys + "$107|http://unitsofmeasure.org|mm[Hg]",
       {"blood-pressure", "blood-pressure-dar"}},
      {"Observation?component-code-value-quantity=" + sys + "$gt100", {"blood-pressure", "blood-pressure-dar"}},
      {"Observation?component-code-value-quantity=" + sys + "$lt100", {}},
      {"Observation?component-code-value-quantity=" + dia + "$60", {"blood-pressure"}},
      // the pair is one component: no component has code 8462-4 with 107
      {"Observation?component-code-value-quantity=" + dia + "$107", {}},
      {"Observation?component-code-value-quantity=" + sys + "$107|http://unitsofmeasure.org|kg", {}},
      {"Observation?combo-code-value-quantity=" + sys + "$107", {"blood-pressure", "blood-pressure-dar"}},
      // code-value-quantity pairs Observation.code with Observation.value
      {"Observation?code-value-quantity=" + sys + "$107", {}},
      {"Observation?code-value-quantity=http://loinc.org|29463-7$185|http://unitsofmeasure.org|[lb_av]", {"example"}},
      {"Observation?code-value-quantity=http://loinc.org|29463-7$gt200", {}},
      {"Observation?code-value-concept=http://loinc.org|883-9$http://snomed.info/sct|112144000",
       {"bloodgroup", "rhstatus"}},
  });
  auto wrong = expect_outcome(client().get("Observation?component-code-value-quantity=" + sys), 400);
  EXPECT_EQ(expression_of(wrong), "component-code-value-quantity");
}

// --- common parameters ------------------------------------------------------

TEST_F(SearchTest, IdSecurityProfileTagAndSource) {
  load_examples({"Patient-", "Observation-", "Condition-"});
  // No official example has a tag or a source: the same Patient/example
  // with both, under another id.
  put_text(R"({"resourceType":"Patient","id":"tagged","meta":{"source":"http://ehr.example.org/feed#batch7",)"
           R"("tag":[{"system":"http://example.org/tags","code":"vip"}]},"gender":"male"})");
  expect_cases({
      {"Patient?_id=pat1", {"pat1"}},
      {"Patient?_id=pat1,pat3,nosuch", {"pat1", "pat3"}},
      {"Patient?_id=Pat1", {}},
      {"Condition?_security=http://terminology.hl7.org/CodeSystem/v3-ActCode|TBOO", {"f202"}},
      {"Condition?_security=TBOO", {"f202"}},
      {"Condition?_security=http://terminology.hl7.org/CodeSystem/v3-ActCode|R", {}},
      {"Observation?_profile=http://hl7.org/fhir/StructureDefinition/vitalsigns",
       {"blood-pressure", "blood-pressure-cancel", "blood-pressure-dar", "bmi", "body-height", "body-length",
        "body-temperature", "head-circumference", "heart-rate", "respiratory-rate", "satO2", "vitals-panel"}},
      {"Observation?_profile=http://hl7.org/fhir/StructureDefinition/vitalsign", {}},
      {"Patient?_tag=http://example.org/tags|vip", {"tagged"}},
      {"Patient?_tag=vip", {"tagged"}},
      {"Patient?_tag=http://example.org/other|vip", {}},
      {"Patient?_source=http://ehr.example.org/feed%23batch7", {"tagged"}},
      {"Patient?_source=http://ehr.example.org/feed", {}},
      {"Patient?_source:below=http://ehr.example.org/", {"tagged"}},
  });
  EXPECT_EQ(search("Patient?_tag:not=vip&_count=0").find("total")->text(), "22");
}

TEST_F(SearchTest, LastUpdatedFollowsTheServerClock) {
  // 2025-01-01T00:00:00Z, then a day later, then an hour after that.
  load_examples({"Patient-pat1"});
  clock_.advance_ms(24 * 3600 * 1000);
  load_examples({"Patient-pat2"});
  clock_.advance_ms(3600 * 1000);
  load_examples({"Patient-pat3"});
  expect_cases({
      {"Patient?_lastUpdated=2025-01-01", {"pat1"}},
      {"Patient?_lastUpdated=2025-01-02", {"pat2", "pat3"}},
      {"Patient?_lastUpdated=2025-01-02T00:00:00Z", {"pat2"}},
      {"Patient?_lastUpdated=gt2025-01-01", {"pat2", "pat3"}},
      {"Patient?_lastUpdated=ge2025-01-02T00:30:00Z", {"pat3"}},
      {"Patient?_lastUpdated=lt2025-01-02T00:30:00Z", {"pat1", "pat2"}},
      {"Patient?_lastUpdated=le2025-01-01", {"pat1"}},
      {"Patient?_lastUpdated=ne2025-01-02", {"pat1"}},
      {"Patient?_lastUpdated=eb2025-01-02", {"pat1"}},
      {"Patient?_lastUpdated=sa2025-01-01", {"pat2", "pat3"}},
      {"Patient?_lastUpdated=2024", {}},
  });
}

// --- chains -----------------------------------------------------------------

TEST_F(SearchTest, ForwardAndReverseChains) {
  load_examples({"Observation-", "Patient-", "Organization-", "Practitioner-"});
  const Ids f001 = {"ekg", "f001", "f002", "f003", "f004", "f005", "unsat"};
  expect_cases({
      {"Observation?subject:Patient.name=pieter", f001},
      {"Observation?subject:Patient.name=donald", {"bmd", "date-lastmp"}},  // pat2's; pat1 has none
      {"Observation?subject:Patient.name=nobody", {}},
      {"Observation?patient.name=pieter", f001},  // patient: only Patient defines name
      {"Observation?subject:Patient.identifier=urn:oid:2.16.840.1.113883.2.4.6.3|738472983", f001},
      {"Observation?patient:Patient.identifier=urn:oid:2.16.840.1.113883.2.4.6.3|738472983", f001},
      {"Observation?subject:Patient.identifier=urn:oid:2.16.840.1.113883.2.4.6.3|123456789",
       {"f202", "f203", "f204", "f205", "f206"}},
      // Practitioner/f005 is Langeveld Anne (family "Anne")
      {"Observation?performer:Practitioner.family=anne",
       {"ekg", "f001", "f002", "f003", "f004", "f005", "unsat", "vp-oyster"}},
      {"Observation?performer:Practitioner.family=langeveld", {}},
      // two links: Observation -> Patient/f001 -> Organization/f001
      {"Observation?subject:Patient.organization.name=burgers", f001},
      {"Observation?subject:Patient.organization:Organization.identifier=urn:oid:2.16.528.1|91654", f001},
      // the system of one identifier with the value of the other
      {"Observation?subject:Patient.organization:Organization.identifier=urn:oid:2.16.840.1.113883.2.4.6.1|91654", {}},
      // reverse: patients some Observation points at with that code
      {"Patient?_has:Observation:patient:code=http://loinc.org|24701-5", {"pat2"}},  // bmd
      {"Patient?_has:Observation:patient:code=15074-8", {"f001"}},
      {"Patient?_has:Observation:subject:code=15074-8", {"f001"}},
      {"Patient?_has:Observation:patient:code=http://loinc.org|8480-6", {}},  // a component code
      {"Patient?_has:Observation:patient:status=entered-in-error", {"f201"}},
  });
  // Chained values are checked like any other.
  expect_outcome(client().get("Observation?subject:Patient.birthdate=notadate"), 400);
  // Without :Type, subject could be a Patient or a Location (both have name).
  auto ambiguous = expect_outcome(client().get("Observation?subject.name=pieter"), 400);
  EXPECT_EQ(expression_of(ambiguous), "subject.name");
}

// Observation's `patient` is `subject.where(resolve() is Patient)`: it can
// only name a Patient, and R4's Observation page gives Patient as its one
// target. search-parameters.json lists Group too (the clinical-patient
// definition shared by 32 types; HL7 Jira FHIR-13601), so the parser
// calls `patient.identifier` ambiguous (Group has an identifier) and
// answers 400 to the most common chained search there is.
TEST_F(SearchTest, PatientChainNeedsNoType) {
  load_examples({"Observation-", "Patient-"});
  expect_cases({
      {"Observation?patient.identifier=urn:oid:2.16.840.1.113883.2.4.6.3|738472983",
       {"ekg", "f001", "f002", "f003", "f004", "f005", "unsat"}},
      {"Observation?patient.identifier=urn:oid:0.1.2.3.4.5.6.7|123456", {"bmd", "date-lastmp"}},
  });
}

// --- AND, OR ----------------------------------------------------------------

TEST_F(SearchTest, CommasOrRepeatsAnd) {
  load_examples({"Patient-"});
  expect_cases({
      {"Patient?family=donald,chalmers", {"example", "pat1", "pat2"}},
      {"Patient?gender=male&birthdate=1974", {"ch-example", "example"}},
      {"Patient?gender=male&gender=female", {}},
      {"Patient?family=donald&given=d", {"pat1", "pat2"}},  // "Duck" and "D" both start with d
      {"Patient?family=donald&given:exact=D", {"pat2"}},
  });
}

// --- forms ------------------------------------------------------------------

TEST_F(SearchTest, PostSearchFormEqualsGet) {
  load_examples({"Patient-"});
  const std::string query = "gender=female&birthdate=ge1980&_sort=birthdate";
  auto got = search("Patient?" + query);
  const Headers form = {{"Content-Type", "application/x-www-form-urlencoded"}};
  auto posted = client().post("Patient/_search", query, form);
  ASSERT_EQ(posted.status, 200) << posted.body;
  auto b = posted.json();
  EXPECT_EQ(entries(b), entries(got));
  EXPECT_EQ(entries(b), Ids({"Patient/pat4", "Patient/infant-mom", "Patient/animal", "Patient/infant-twin-1"}));
  EXPECT_EQ(b.find("total")->text(), "4");
  // The self link is the GET that does the same.
  EXPECT_EQ(link(b, "self"), link(got, "self"));
  EXPECT_NE(link(b, "self").find("/Patient?"), std::string::npos) << link(b, "self");

  // Parameters in the URL and in the body both count.
  auto split = client().post("Patient/_search?_sort=birthdate", "gender=female&birthdate=ge1980", form);
  ASSERT_EQ(split.status, 200) << split.body;
  EXPECT_EQ(entries(split.json()), entries(got));

  // Percent-encoding in the body is decoded.
  auto encoded = client().post("Patient/_search", "identifier=urn%3Aoid%3A0.1.2.3.4.5.6.7%7C123456", form);
  ASSERT_EQ(encoded.status, 200) << encoded.body;
  EXPECT_EQ(entries(encoded.json()), Ids({"Patient/pat2"}));

  // An empty form searches everything; a JSON body is no form.
  auto empty = client().request("POST", "Patient/_search", "", form);
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(empty.json().find("total")->text(), "22");
  EXPECT_EQ(client().post("Patient/_search", R"({"gender":"female"})").status, 415);
}

TEST_F(SearchTest, SystemSearchAcrossTypes) {
  load_examples({""});
  EXPECT_EQ(refs("?_type=Patient,Observation&_id=f001"), Ids({"Observation/f001", "Patient/f001"}));
  // Without _type: every type.
  EXPECT_EQ(refs("?_id=f001"),
            Ids({"CarePlan/f001", "Condition/f001", "Encounter/f001", "Observation/f001", "Organization/f001",
                 "Patient/f001", "Practitioner/f001", "RelatedPerson/f001"}));
  // 22 Patients and 64 Observations.
  EXPECT_EQ(search("?_type=Patient,Observation&_count=0").find("total")->text(), "86");
  EXPECT_EQ(search("?_type=Patient&_count=0").find("total")->text(), "22");
  const Headers form = {{"Content-Type", "application/x-www-form-urlencoded"}};
  auto posted = client().post("_search", "_type=Patient,Observation&_id=f001", form);
  ASSERT_EQ(posted.status, 200) << posted.body;
  auto b = posted.json();
  Ids got = entries(b);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, Ids({"Observation/f001", "Patient/f001"}));
  // A parameter one of the types lacks is unknown for the search.
  expect_outcome(client().get("?_type=Patient,Observation&subject=Patient/f001", {{"Prefer", kStrict}}), 400);
  expect_outcome(client().get("?_type=Patient,NoSuchType&_id=f001"), 400);
  // _type belongs to system searches.
  expect_outcome(client().get("Patient?_type=Observation", {{"Prefer", kStrict}}), 400);
}

// --- errors -----------------------------------------------------------------

TEST_F(SearchTest, UnknownParameterStrictIs400LenientIgnoresIt) {
  load_examples({"Patient-"});
  auto strict = client().get("Patient?foo=bar&gender=female", {{"Prefer", kStrict}});
  auto issue = expect_outcome(strict, 400);
  EXPECT_EQ(issue.string_at("code"), "invalid");
  EXPECT_EQ(issue.string_at("severity"), "error");
  EXPECT_EQ(expression_of(issue), "foo");
  // An unsupported modifier is refused the same way.
  EXPECT_EQ(expression_of(expect_outcome(client().get("Patient?gender:below=male", {{"Prefer", kStrict}}), 400)),
            "gender:below");

  for (const Headers& h : {Headers{{"Prefer", kLenient}}, Headers{}}) {  // lenient is the default
    auto b = search("Patient?foo=bar&gender=female", h);
    EXPECT_EQ(b.find("total")->text(), "7");
    EXPECT_EQ(entries(b).size(), 7u);
    const std::string self = link(b, "self");
    EXPECT_EQ(self.find("foo"), std::string::npos) << self;
    EXPECT_NE(self.find("gender=female"), std::string::npos) << self;
    // One OperationOutcome entry says what was ignored.
    ASSERT_EQ(entries(b, "outcome").size(), 1u);
    const Value& last = b.find("entry")->items().back();
    EXPECT_EQ(last.find("search")->string_at("mode"), "outcome");
    const Value* oo = last.find("resource");
    EXPECT_EQ(oo->string_at("resourceType"), "OperationOutcome");
    const Value& warning = oo->find("issue")->items().at(0);
    EXPECT_EQ(warning.string_at("severity"), "warning");
    EXPECT_EQ(expression_of(warning), "foo");
    EXPECT_EQ(warning.string_at("diagnostics").find("bar"), std::string_view::npos);  // values may be PHI
  }
  // Nothing ignored, no outcome entry.
  EXPECT_TRUE(entries(search("Patient?gender=female"), "outcome").empty());
}

TEST_F(SearchTest, MalformedValuesAre400UnderEitherHandling) {
  load_examples({"Patient-", "Encounter-"});
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"Patient?birthdate=1982-13", "birthdate"},         // no such month
      {"Patient?birthdate=abc", "birthdate"},
      {"Patient?birthdate=xx1982", "birthdate"},          // no such prefix
      {"Encounter?length=abc", "length"},
      {"Encounter?length=zz5", "length"},
      {"Encounter?length=5|a|b|c", "length"},
      {"Encounter?length=1.", "length"},
      {"Patient?_lastUpdated=yesterday", "_lastUpdated"},
      {"Patient?gender:missing=maybe", "gender:missing"},
      {"Patient?_count=-1", "_count"},
      {"Patient?_count=ten", "_count"},
      {"Patient?_sort=nosuch", "_sort"},
      {"Patient?_summary=some", "_summary"},
      {"Patient?_total=all", "_total"},
      {"Patient?_include=Patient:name", "_include"},       // not a reference parameter
      {"Patient?general-practitioner=a/b/c/d", "general-practitioner"},
  };
  for (const auto& [query, expression] : bad)
    for (const char* handling : {kStrict, kLenient}) {
      auto issue = expect_outcome(client().get(query, {{"Prefer", handling}}), 400);
      EXPECT_EQ(issue.string_at("code"), "invalid") << query;
      EXPECT_EQ(expression_of(issue), expression) << query << " " << handling;
    }
}

// --- the index follows writes -----------------------------------------------

TEST_F(SearchTest, DeletedResourceNoLongerMatches) {
  load_examples({"Patient-", "Observation-"});
  ASSERT_EQ(ids("Patient?family=donald"), Ids({"pat1", "pat2"}));
  ASSERT_EQ(client().del("Patient/pat2").status, 204);
  expect_cases({
      {"Patient?family=donald", {"pat1"}},
      {"Patient?identifier=urn:oid:0.1.2.3.4.5.6.7|123456", {}},
      {"Patient?gender=other", {}},
      {"Patient?_id=pat2", {}},
      {"Patient?gender:not=male&_id=pat2", {}},
      {"Patient?birthdate:missing=true", {"dicom", "ihe-pcd", "infant-fetal", "pat1"}},
      {"Patient?_has:Observation:patient:code=http://loinc.org|24701-5", {}},
      // what pointed at it still points at it
      {"Observation?subject=Patient/pat2", {"bmd", "date-lastmp"}},
      {"Observation?subject:Patient.name=donald", {}},
  });
  EXPECT_EQ(search("Patient?_count=0").find("total")->text(), "21");
  // Created again, it matches again.
  load_examples({"Patient-pat2"});
  EXPECT_EQ(ids("Patient?family=donald"), Ids({"pat1", "pat2"}));
}

TEST_F(SearchTest, UpdatedResourceMatchesItsNewValuesOnly) {
  load_examples({"Patient-", "Observation-"});
  // pat1: Donald Duck, male, no birth date, identifier ...|654321.
  ASSERT_EQ(client()
                .put("Patient/pat1",
                     R"({"resourceType":"Patient","id":"pat1","active":true,)"
                     R"("identifier":[{"system":"urn:oid:0.1.2.3.4.5.6.7","value":"654321"}],)"
                     R"("name":[{"family":"Duckworth","given":["Donna"]}],"gender":"male","birthDate":"1990-02-03"})")
                .status,
            200);
  expect_cases({
      {"Patient?family=donald", {"pat2"}},
      {"Patient?family=duckworth", {"pat1"}},
      {"Patient?given=duck", {"pat2"}},
      {"Patient?given=donna", {"pat1"}},
      {"Patient?birthdate=1990-02-03", {"pat1"}},
      // unchanged values stay indexed
      {"Patient?identifier=urn:oid:0.1.2.3.4.5.6.7|654321", {"pat1"}},
      {"Patient?_id=pat1&gender=male", {"pat1"}},
      // the removed organization is missing now
      {"Patient?_id=pat1&organization:missing=true", {"pat1"}},
      {"Patient?organization=Organization/1&_id=pat1", {}},
      {"Patient?birthdate:missing=true", {"dicom", "ihe-pcd", "infant-fetal", "pat2"}},
  });
  // A second update replaces the first's rows too.
  ASSERT_EQ(client()
                .put("Patient/pat1", R"({"resourceType":"Patient","id":"pat1","name":[{"family":"Drake"}],"gender":"other"})")
                .status,
            200);
  expect_cases({
      {"Patient?family=duckworth", {}},
      {"Patient?family=drake", {"pat1"}},
      {"Patient?gender=male&_id=pat1", {}},
      {"Patient?gender=other", {"pat1", "pat2"}},
      {"Patient?identifier=654321", {}},
      {"Patient?birthdate=1990", {}},
  });
  // Chains read the current version of the target.
  ASSERT_EQ(client()
                .put("Patient/pat2", R"({"resourceType":"Patient","id":"pat2","name":[{"family":"Mallard"}]})")
                .status,
            200);
  EXPECT_EQ(ids("Observation?subject:Patient.name=mallard"), Ids({"bmd", "date-lastmp"}));
  EXPECT_EQ(ids("Observation?subject:Patient.name=donald"), Ids({}));
}

}  // namespace
}  // namespace carebridge::test
