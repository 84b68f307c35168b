#include <gtest/gtest.h>

#include "fhir/core/instant.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/json/value.hpp"
#include "fhir/search/match.hpp"
#include "fhir/search/query_parser.hpp"
#include "tests/fhir/search/r4_definitions.hpp"
#include "tests/support/fixture_paths.hpp"

namespace fhir::search {
namespace {

// Real queries (parse_search, strict, so nothing is silently left out)
// against the official R4 examples.
class MatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    params_ = test::r4_params();
    ASSERT_NE(params_, nullptr);
  }

  static json::Value example(const std::string& name) {
    const std::string path = carebridge::test::fixtures_dir() + "/r4-examples/" + name + ".json";
    auto v = json::parse(carebridge::test::read_file(path));
    EXPECT_TRUE(v.ok()) << name;
    return v.ok() ? std::move(*v) : json::Value();
  }

  SearchQuery query(std::string_view type, const QueryParams& q) const {
    auto r = parse_search(*params_, type, q, Handling::strict);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.issue().diagnostics);
    return r.ok() ? std::move(*r) : SearchQuery{};
  }

  // Whether `resource` matches type?name=value, failing the test on an
  // issue; the resource's own type is the searched type.
  bool is(const json::Value& resource, const std::string& name, const std::string& value) const {
    return is(resource, QueryParams{{name, value}});
  }
  bool is(const json::Value& resource, const QueryParams& q) const {
    SearchQuery parsed = query(resource.string_at("resourceType"), q);
    EXPECT_EQ(parsed.criteria.size(), q.size());
    auto r = matches(*params_, parsed, resource, now_);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.issue().diagnostics);
    return r.ok() && *r;
  }

  // The issue for a criterion one resource cannot decide; `why` names
  // the cause in the diagnostics.
  void undecidable(const json::Value& resource, const QueryParams& q, std::string_view expression,
                   std::string_view why) const {
    auto r = matches(*params_, query(resource.string_at("resourceType"), q), resource, now_);
    ASSERT_FALSE(r.ok()) << expression;
    EXPECT_EQ(r.issue().severity, Severity::error);
    EXPECT_EQ(r.issue().code, "invalid");
    EXPECT_EQ(r.issue().http_status, 400);
    EXPECT_EQ(r.issue().expression, expression);
    EXPECT_NE(r.issue().diagnostics.find(why), std::string::npos) << r.issue().diagnostics;
  }

  const SearchParams* params_ = nullptr;
  std::int64_t now_ = *parse_instant("2024-06-01T00:00:00Z");
};

TEST_F(MatchTest, PatientStrings) {
  json::Value p = example("Patient-example");
  EXPECT_TRUE(is(p, "name", "peter"));
  EXPECT_TRUE(is(p, "name", "JIM"));
  EXPECT_FALSE(is(p, "name", "eter")) << "a prefix, not a substring";
  EXPECT_FALSE(is(p, "name", "paul"));
  EXPECT_TRUE(is(p, "name:exact", "Peter"));
  EXPECT_FALSE(is(p, "name:exact", "peter"));
  EXPECT_TRUE(is(p, "name:contains", "ete"));
  EXPECT_FALSE(is(p, "name:contains", "xyz"));
  EXPECT_TRUE(is(p, "family", "chalmers"));
  EXPECT_TRUE(is(p, "family", "windsor")) << "the maiden name too";
  EXPECT_FALSE(is(p, "family", "peter")) << "a given name is no family name";
  EXPECT_TRUE(is(p, "address-city", "pleasant"));
  EXPECT_FALSE(is(p, "address-city", "rainbow"));
  EXPECT_TRUE(is(p, "name", "paul,peter")) << "values are ORed";
}

TEST_F(MatchTest, PatientBirthDate) {
  json::Value p = example("Patient-example");  // born 1974-12-25
  EXPECT_TRUE(is(p, "birthdate", "1974-12-25"));
  EXPECT_TRUE(is(p, "birthdate", "1974"));
  EXPECT_FALSE(is(p, "birthdate", "1974-12-24"));
  EXPECT_FALSE(is(p, "birthdate", "1974-12-25T10:00:00Z")) << "a day is wider than a second";
  EXPECT_TRUE(is(p, "birthdate", "ge1974"));
  EXPECT_FALSE(is(p, "birthdate", "lt1974"));
  EXPECT_TRUE(is(p, "birthdate", "lt1975"));
  EXPECT_TRUE(is(p, "birthdate", "le1974-12-25"));
  EXPECT_FALSE(is(p, "birthdate", "gt1974-12-25"));
  EXPECT_TRUE(is(p, "birthdate", "ne1974-12-24"));
  EXPECT_FALSE(is(p, "birthdate", "ne1974-12-25"));
  EXPECT_TRUE(is(p, "birthdate", "sa1974-12-24"));
  EXPECT_FALSE(is(p, "birthdate", "sa1974-12-25"));
  EXPECT_TRUE(is(p, "birthdate", "eb1975"));
  EXPECT_FALSE(is(p, "birthdate", "eb1974-12-25"));
  // Now is mid-2024: 1979 is ~45 years back, widened ~4.5 years; 1980 ~4.4.
  EXPECT_TRUE(is(p, "birthdate", "ap1979-01-01"));
  EXPECT_FALSE(is(p, "birthdate", "ap1980-01-01"));
}

TEST_F(MatchTest, PatientTokens) {
  json::Value p = example("Patient-example");
  EXPECT_TRUE(is(p, "gender", "male"));
  EXPECT_FALSE(is(p, "gender", "female"));
  EXPECT_TRUE(is(p, "gender", "female,male"));
  EXPECT_TRUE(is(p, "identifier", "urn:oid:1.2.36.146.595.217.0.1|12345"));
  EXPECT_TRUE(is(p, "identifier", "12345"));
  EXPECT_TRUE(is(p, "identifier", "urn:oid:1.2.36.146.595.217.0.1|"));
  EXPECT_FALSE(is(p, "identifier", "urn:oid:1.2.36.146.595.217.0.2|12345"));
  EXPECT_FALSE(is(p, "identifier", "|12345")) << "the identifier has a system";
  EXPECT_TRUE(is(p, "identifier:of-type", "http://terminology.hl7.org/CodeSystem/v2-0203|MR|12345"));
  EXPECT_FALSE(is(p, "identifier:of-type", "http://terminology.hl7.org/CodeSystem/v2-0203|MR|54321"));
  EXPECT_FALSE(is(p, "identifier:of-type", "http://terminology.hl7.org/CodeSystem/v2-0203|DL|12345"));
  EXPECT_TRUE(is(p, "_id", "example"));
  EXPECT_FALSE(is(p, "_id", "f001"));
  EXPECT_TRUE(is(p, "active", "true"));
  EXPECT_FALSE(is(p, "active", "false"));
}

TEST_F(MatchTest, NotMatchesWhenNoValueDoes) {
  json::Value p = example("Patient-example");
  EXPECT_TRUE(is(p, "gender:not", "female"));
  EXPECT_FALSE(is(p, "gender:not", "male"));
  EXPECT_FALSE(is(p, "gender:not", "female,male")) << "no value may match any argument";
  EXPECT_TRUE(is(p, "language:not", "en")) << "Patient-example has no communication: nothing matches";
  json::Value o = example("Observation-example");
  EXPECT_TRUE(is(o, "code:not", "http://loinc.org|8480-6"));
  EXPECT_FALSE(is(o, "code:not", "http://loinc.org|29463-7")) << "one of four codings matches";
}

TEST_F(MatchTest, Missing) {
  json::Value p = example("Patient-example");
  EXPECT_TRUE(is(p, "name:missing", "false"));
  EXPECT_FALSE(is(p, "name:missing", "true"));
  // deceasedBoolean: no death date.
  EXPECT_TRUE(is(p, "death-date:missing", "true"));
  EXPECT_FALSE(is(p, "death-date:missing", "false"));
  json::Value o = example("Observation-example");
  EXPECT_TRUE(is(o, "value-quantity:missing", "false"));
  EXPECT_TRUE(is(o, "component-code:missing", "true"));
  EXPECT_FALSE(is(o, "component-code:missing", "false"));
  EXPECT_FALSE(is(o, "code-value-quantity:missing", "true"));
  // A CodeableConcept with only a text has a value, though no code.
  json::Value text_only = json::Value::make_object();
  text_only.set("text", json::Value::make_string("Body weight"));
  o.set("code", std::move(text_only));
  EXPECT_FALSE(is(o, "code:missing", "true"));
  EXPECT_TRUE(is(o, "code:missing", "false"));
  EXPECT_FALSE(is(o, "code", "29463-7"));
  EXPECT_TRUE(is(o, "code:text", "body"));
}

TEST_F(MatchTest, TokenText) {
  json::Value o = example("Observation-example");  // displays "Body Weight", "Body weight Measured"...
  EXPECT_TRUE(is(o, "code:text", "body w"));
  EXPECT_FALSE(is(o, "code:text", "weight")) << "a prefix of the display, not a word in it";
  json::Value bp = example("Observation-blood-pressure");  // code.text "Blood pressure systolic & diastolic"
  EXPECT_TRUE(is(bp, "code:text", "blood pressure sys"));
  EXPECT_FALSE(is(bp, "code:text", "heart"));
}

TEST_F(MatchTest, ObservationCodeAndQuantity) {
  json::Value o = example("Observation-example");  // 185 [lb_av], LOINC 29463-7
  EXPECT_TRUE(is(o, "code", "http://loinc.org|29463-7"));
  EXPECT_TRUE(is(o, "code", "27113001"));
  EXPECT_FALSE(is(o, "code", "http://snomed.info/sct|29463-7"));
  EXPECT_FALSE(is(o, "code", "http://loinc.org|8480-6"));
  EXPECT_TRUE(is(o, "value-quantity", "185"));
  EXPECT_FALSE(is(o, "value-quantity", "184"));
  EXPECT_TRUE(is(o, "value-quantity", "gt180||[lb_av]"));
  EXPECT_FALSE(is(o, "value-quantity", "lt180||[lb_av]"));
  EXPECT_TRUE(is(o, "value-quantity", "185|http://unitsofmeasure.org|[lb_av]"));
  EXPECT_TRUE(is(o, "value-quantity", "185||lbs")) << "the unit, without a system";
  EXPECT_FALSE(is(o, "value-quantity", "185||kg"));
  EXPECT_FALSE(is(o, "value-quantity", "185|http://snomed.info/sct|[lb_av]"));
  EXPECT_TRUE(is(o, "value-quantity", "ap200"));
  EXPECT_FALSE(is(o, "value-quantity", "ap210"));
}

TEST_F(MatchTest, ObservationDatePrefixes) {
  json::Value o = example("Observation-example");  // effectiveDateTime 2016-03-28
  EXPECT_TRUE(is(o, "date", "2016-03-28"));
  EXPECT_TRUE(is(o, "date", "eq2016-03"));
  EXPECT_FALSE(is(o, "date", "eq2016-04"));
  EXPECT_TRUE(is(o, "date", "ne2016-03-29"));
  EXPECT_FALSE(is(o, "date", "ne2016-03-28"));
  EXPECT_TRUE(is(o, "date", "lt2016-03-29"));
  EXPECT_FALSE(is(o, "date", "lt2016-03-28"));
  EXPECT_TRUE(is(o, "date", "gt2016-03-27"));
  EXPECT_FALSE(is(o, "date", "gt2016-03-28"));
  EXPECT_TRUE(is(o, "date", "ge2016-03-28"));
  EXPECT_FALSE(is(o, "date", "ge2016-03-29"));
  EXPECT_TRUE(is(o, "date", "le2016-03-28"));
  EXPECT_FALSE(is(o, "date", "le2016-03-27"));
  EXPECT_TRUE(is(o, "date", "sa2016-03-27"));
  EXPECT_FALSE(is(o, "date", "sa2016-03-28"));
  EXPECT_TRUE(is(o, "date", "eb2016-03-29"));
  EXPECT_FALSE(is(o, "date", "eb2016-03-28"));
  EXPECT_TRUE(is(o, "date", "ap2016-03-28"));
  // 2015 ends ~8.4 years before now: widened to late 2016.
  EXPECT_TRUE(is(o, "date", "ap2015"));
  EXPECT_FALSE(is(o, "date", "ap2014"));
}

TEST_F(MatchTest, ObservationReferences) {
  json::Value o = example("Observation-example");  // subject Patient/example
  EXPECT_TRUE(is(o, "subject", "Patient/example"));
  EXPECT_TRUE(is(o, "subject", "example"));
  EXPECT_FALSE(is(o, "subject", "Patient/f001"));
  EXPECT_TRUE(is(o, "subject:Patient", "example"));
  EXPECT_FALSE(is(o, "subject:Group", "example"));
  EXPECT_TRUE(is(o, "patient", "Patient/example"));
  EXPECT_FALSE(is(o, "encounter", "Encounter/f001"));
  EXPECT_FALSE(is(o, "subject", "http://hl7.org/fhir/Patient/example")) << "stored relative, searched by URL";
  json::Value bp = example("Observation-blood-pressure");  // basedOn identifier https://acme.org/identifiers|1234
  EXPECT_TRUE(is(bp, "based-on:identifier", "https://acme.org/identifiers|1234"));
  EXPECT_TRUE(is(bp, "based-on:identifier", "1234"));
  EXPECT_FALSE(is(bp, "based-on:identifier", "|1234"));
  EXPECT_FALSE(is(bp, "based-on:identifier", "https://acme.org/identifiers|4321"));
  EXPECT_FALSE(is(o, "based-on:identifier", "1234")) << "no basedOn at all";
}

TEST_F(MatchTest, CompositesPairPartsOfOneItem) {
  json::Value o = example("Observation-example");
  EXPECT_TRUE(is(o, "code-value-quantity", "http://loinc.org|29463-7$185"));
  EXPECT_TRUE(is(o, "code-value-quantity", "http://loinc.org|29463-7$gt180"));
  EXPECT_TRUE(is(o, "code-value-quantity", "http://loinc.org|29463-7$185||[lb_av]"));
  EXPECT_FALSE(is(o, "code-value-quantity", "http://loinc.org|29463-7$lt180"));
  EXPECT_FALSE(is(o, "code-value-quantity", "http://loinc.org|29463-7$185||kg"));
  EXPECT_FALSE(is(o, "code-value-quantity", "http://loinc.org|8480-6$185"));
  json::Value bp = example("Observation-blood-pressure");  // systolic 107, diastolic 60
  EXPECT_TRUE(is(bp, "component-code-value-quantity", "http://loinc.org|8480-6$107"));
  EXPECT_TRUE(is(bp, "component-code-value-quantity", "http://loinc.org|8462-4$lt70"));
  EXPECT_FALSE(is(bp, "component-code-value-quantity", "http://loinc.org|8480-6$60")) << "60 is the diastolic";
  EXPECT_FALSE(is(bp, "component-code-value-quantity", "http://loinc.org|8480-6$lt70"));
}

TEST_F(MatchTest, UriBelowAndAbove) {
  json::Value q = example("Questionnaire-3141");  // url http://hl7.org/fhir/Questionnaire/3141
  EXPECT_TRUE(is(q, "url", "http://hl7.org/fhir/Questionnaire/3141"));
  EXPECT_FALSE(is(q, "url", "http://hl7.org/fhir/Questionnaire"));
  EXPECT_TRUE(is(q, "url:below", "http://hl7.org/fhir/"));
  EXPECT_FALSE(is(q, "url:below", "http://example.org/"));
  EXPECT_TRUE(is(q, "url:above", "http://hl7.org/fhir/Questionnaire/3141/_history/1"));
  EXPECT_FALSE(is(q, "url:above", "http://hl7.org/fhir/"));
}

TEST_F(MatchTest, LastUpdatedIsADate) {
  json::Value p = example("Patient-example");
  EXPECT_TRUE(is(p, "_lastUpdated:missing", "true"));
  json::Value meta = json::Value::make_object();
  meta.set("lastUpdated", json::Value::make_string("2024-01-02T03:04:05.678Z"));
  p.set("meta", std::move(meta));
  EXPECT_FALSE(is(p, "_lastUpdated:missing", "true"));
  EXPECT_TRUE(is(p, "_lastUpdated", "2024-01-02"));
  EXPECT_TRUE(is(p, "_lastUpdated", "lt2024-01-03"));
  EXPECT_FALSE(is(p, "_lastUpdated", "gt2024-01-02"));
  EXPECT_FALSE(is(p, "_lastUpdated", "2024-01-03"));
}

TEST_F(MatchTest, CriteriaAreAnded) {
  json::Value p = example("Patient-example");
  EXPECT_TRUE(is(p, {{"name", "peter"}, {"gender", "male"}, {"birthdate", "ge1970"}}));
  EXPECT_FALSE(is(p, {{"name", "peter"}, {"gender", "female"}}));
  EXPECT_FALSE(is(p, {{"birthdate", "ge1970"}, {"birthdate", "lt1974"}})) << "repeated: both must hold";
  EXPECT_TRUE(is(p, {{"birthdate", "ge1970"}, {"birthdate", "lt1975"}}));
}

TEST_F(MatchTest, ResourceTypeMustBeTheSearchedOne) {
  json::Value p = example("Patient-example");
  json::Value o = example("Observation-example");  // id "example" too
  auto r = matches(*params_, query("Patient", {{"_id", "example"}}), o, now_);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  r = matches(*params_, query("Patient", {{"_id", "example"}}), p, now_);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(*r);

  ParseOptions options;
  options.handling = Handling::strict;
  options.is_resource_type = [](std::string_view t) { return t == "Patient" || t == "Encounter"; };
  auto system = parse_search(*params_, "", {{"_type", "Patient,Encounter"}, {"_id", "example"}}, options);
  ASSERT_TRUE(system.ok()) << system.issue().diagnostics;
  EXPECT_TRUE(*matches(*params_, *system, p, now_));
  EXPECT_TRUE(*matches(*params_, *system, example("Encounter-example"), now_));
  EXPECT_FALSE(*matches(*params_, *system, o, now_)) << "Observation is not among _type";
}

TEST_F(MatchTest, OneCriterion) {
  json::Value p = example("Patient-example");
  SearchQuery q = query("Patient", {{"gender", "male"}, {"gender", "female"}});
  ASSERT_EQ(q.criteria.size(), 2u);
  EXPECT_TRUE(*matches(*params_, q.criteria[0], p, now_));
  EXPECT_FALSE(*matches(*params_, q.criteria[1], p, now_));
  // A Patient criterion on an Observation: Observation has no gender.
  auto r = matches(*params_, q.criteria[0], example("Observation-example"), now_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.issue().code, "invalid");
  EXPECT_EQ(r.issue().expression, "gender");
}

TEST_F(MatchTest, ChainsAndHasAreErrorsNotGuesses) {
  json::Value o = example("Observation-example");
  undecidable(o, {{"subject:Patient.name", "peter"}}, "subject:Patient.name", "chain");
  json::Value p = example("Patient-example");
  // The linked Patient's name, not this one's (which would match).
  undecidable(p, {{"link:Patient.name", "peter"}}, "link:Patient.name", "chain");
  undecidable(p, {{"_has:Observation:patient:code", "http://loinc.org|29463-7"}}, "_has:Observation:patient:code",
              "refer to it");
  // The referring Observations' ids, not this Patient's (which would match).
  undecidable(p, {{"_has:Observation:patient:_id", "example"}}, "_has:Observation:patient:_id", "refer to it");
  // Even after a criterion that is false: the answer must not depend on order.
  undecidable(o, {{"code", "http://loinc.org|8480-6"}, {"subject:Patient.name", "peter"}}, "subject:Patient.name",
              "chain");
  auto r = matches(*params_, query("Observation", {{"subject:Patient.name", "peter"}}), o, now_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.issue().diagnostics.find("peter"), std::string::npos) << "never the value: " << r.issue().diagnostics;
  // Another type is simply no match, chain or not.
  r = matches(*params_, query("Observation", {{"subject:Patient.name", "peter"}}), p, now_);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
}

}  // namespace
}  // namespace fhir::search
