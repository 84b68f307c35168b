#include <gtest/gtest.h>

#include "fhir/core/instant.hpp"
#include "fhir/search/query_values.hpp"
#include "tests/fhir/search/r4_definitions.hpp"

namespace fhir::search {
namespace {

std::int64_t at(const char* instant) { return *parse_instant(instant); }

class QueryValuesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    params_ = test::r4_params();
    ASSERT_NE(params_, nullptr);
  }

  const SearchParam& param(const char* type, const char* code) {
    const BoundParam* b = params_->find(type, code);
    EXPECT_NE(b, nullptr) << type << "." << code;
    return *b->param;
  }

  std::vector<Arg> ok(const char* type, const char* code, std::string_view value, Modifier m = Modifier::none,
                      std::string_view type_modifier = {}) {
    auto r = parse_values(param(type, code), m, type_modifier, value, code);
    EXPECT_TRUE(r.ok()) << code << "=" << value << ": " << (r.ok() ? "" : r.issue().diagnostics);
    return r.ok() ? *r : std::vector<Arg>{};
  }

  template <class T>
  T one(const char* type, const char* code, std::string_view value, Modifier m = Modifier::none,
        std::string_view type_modifier = {}) {
    auto args = ok(type, code, value, m, type_modifier);
    EXPECT_EQ(args.size(), 1u) << value;
    if (args.size() != 1 || !std::holds_alternative<T>(args[0])) {
      ADD_FAILURE() << value << ": not the expected Arg type";
      return T{};
    }
    return std::get<T>(args[0]);
  }

  // The error path: a 400 naming the parameter, without the value.
  void bad(const char* type, const char* code, std::string_view value, Modifier m = Modifier::none,
           std::string_view type_modifier = {}) {
    auto r = parse_values(param(type, code), m, type_modifier, value, code);
    ASSERT_FALSE(r.ok()) << code << "=" << value;
    EXPECT_EQ(r.issue().severity, Severity::error);
    EXPECT_EQ(r.issue().code, "invalid");
    EXPECT_EQ(r.issue().http_status, 400);
    EXPECT_EQ(r.issue().expression, code);
    // Values of a character or three ("|", "a$") occur in any text.
    if (value.size() > 3) {
      EXPECT_EQ(r.issue().diagnostics.find(std::string(value)), std::string::npos) << r.issue().diagnostics;
    }
  }

  const SearchParams* params_ = nullptr;
};

TEST_F(QueryValuesTest, StringIsFoldedLikeStoredValues) {
  auto s = one<StringArg>("Patient", "name", "Ünal");
  EXPECT_EQ(s.normalized, "unal");
  EXPECT_EQ(s.raw, "Ünal");
  // A prefix is data on a string.
  EXPECT_EQ(one<StringArg>("Patient", "name", "eqbert").raw, "eqbert");
  EXPECT_EQ(one<StringArg>("Patient", "name", "Smith\\, J", Modifier::exact).raw, "Smith, J");
  EXPECT_EQ(one<StringArg>("Patient", "name", "ev", Modifier::contains).normalized, "ev");
  auto any = ok("Patient", "name", "peter,paul");
  ASSERT_EQ(any.size(), 2u);
  EXPECT_EQ(std::get<StringArg>(any[1]).raw, "paul");
}

TEST_F(QueryValuesTest, TokenForms) {
  auto code = one<TokenArg>("Observation", "code", "1234-5");
  EXPECT_FALSE(code.system);
  EXPECT_EQ(code.code, "1234-5");
  auto both = one<TokenArg>("Observation", "code", "http://loinc.org|1234-5");
  EXPECT_EQ(both.system, "http://loinc.org");
  EXPECT_EQ(both.code, "1234-5");
  auto no_system = one<TokenArg>("Observation", "code", "|1234-5");
  EXPECT_EQ(no_system.system, "");
  EXPECT_EQ(no_system.code, "1234-5");
  auto any_code = one<TokenArg>("Observation", "code", "http://loinc.org|");
  EXPECT_EQ(any_code.system, "http://loinc.org");
  EXPECT_FALSE(any_code.code);
  EXPECT_EQ(one<TokenArg>("Patient", "identifier", "urn:x|a\\|b").code, "a|b");
  // A prefix is data on a token.
  EXPECT_EQ(one<TokenArg>("Observation", "code", "ge5").code, "ge5");
  EXPECT_EQ(one<TokenArg>("Observation", "status", "final", Modifier::not_).code, "final");
  EXPECT_EQ(one<TokenArg>("Patient", "_id", "abc").code, "abc");
  EXPECT_EQ(ok("Observation", "code", "a,b|c").size(), 2u);
}

TEST_F(QueryValuesTest, TokenTextAndOfType) {
  auto text = one<StringArg>("Observation", "code", "Body Wéight", Modifier::text);
  EXPECT_EQ(text.normalized, "body weight");
  auto of_type = one<OfTypeArg>("Patient", "identifier", "http://terminology.hl7.org/CodeSystem/v2-0203|MR|446053",
                                Modifier::of_type);
  EXPECT_EQ(of_type.type_system, "http://terminology.hl7.org/CodeSystem/v2-0203");
  EXPECT_EQ(of_type.type_code, "MR");
  EXPECT_EQ(of_type.value, "446053");
}

TEST_F(QueryValuesTest, MalformedTokens) {
  bad("Observation", "code", "|");
  bad("Observation", "code", "a|b|c");
  bad("Patient", "identifier", "MR|446053", Modifier::of_type);
  bad("Patient", "identifier", "sys||446053", Modifier::of_type);
  bad("Observation", "code", "a,,b");
}

TEST_F(QueryValuesTest, DatesArePrecisionRanges) {
  auto day = one<DateArg>("Patient", "birthdate", "2013-01-14");
  EXPECT_EQ(day.prefix, Prefix::eq);
  EXPECT_EQ(day.low, at("2013-01-14T00:00:00Z"));
  EXPECT_EQ(day.high, at("2013-01-15T00:00:00Z") - 1);
  auto year = one<DateArg>("Observation", "date", "ge2013");
  EXPECT_EQ(year.prefix, Prefix::ge);
  EXPECT_EQ(year.low, at("2013-01-01T00:00:00Z"));
  EXPECT_EQ(year.high, at("2014-01-01T00:00:00Z") - 1);
  auto month = one<DateArg>("Observation", "date", "lt2013-02");
  EXPECT_EQ(month.prefix, Prefix::lt);
  EXPECT_EQ(month.high, at("2013-03-01T00:00:00Z") - 1);
  auto minute = one<DateArg>("Observation", "date", "2013-01-14T10:00");
  EXPECT_EQ(minute.low, at("2013-01-14T10:00:00Z"));
  EXPECT_EQ(minute.high, at("2013-01-14T10:01:00Z") - 1);
  auto zoned = one<DateArg>("Observation", "date", "sa2013-01-14T10:00:00+01:00");
  EXPECT_EQ(zoned.prefix, Prefix::sa);
  EXPECT_EQ(zoned.low, at("2013-01-14T09:00:00Z"));
  EXPECT_EQ(zoned.high, zoned.low + 999);
  // No zone: UTC (date_range.hpp).
  EXPECT_EQ(one<DateArg>("Observation", "date", "2013-01-14T10:00:00").low, at("2013-01-14T10:00:00Z"));
  // An unencoded '+' decoded as a space is still the zone's sign.
  EXPECT_EQ(one<DateArg>("Observation", "date", "2013-01-14T10:00:00 01:00").low, at("2013-01-14T09:00:00Z"));
  EXPECT_EQ(one<DateArg>("Observation", "_lastUpdated", "eb2020").prefix, Prefix::eb);
  EXPECT_EQ(one<DateArg>("Observation", "date", "ap2020-06").prefix, Prefix::ap);
  EXPECT_EQ(ok("Observation", "date", "2013,2014").size(), 2u);
}

TEST_F(QueryValuesTest, MalformedDates) {
  for (const char* v : {"2013-13-01", "2013-02-30", "14/01/2013", "xx2013", "ge", "2013-01-14T25:00",
                        "2013-01-14T10:00:00+1", "20130114", "GE2013"})
    bad("Observation", "date", v);
}

TEST_F(QueryValuesTest, Numbers) {
  auto n = one<NumberArg>("RiskAssessment", "probability", "gt0.8");
  EXPECT_EQ(n.prefix, Prefix::gt);
  EXPECT_EQ(n.text, "0.8");
  EXPECT_DOUBLE_EQ(n.value, 0.8);
  EXPECT_NEAR(n.low, 0.75, 1e-12);
  EXPECT_NEAR(n.high, 0.85, 1e-12);
  bad("RiskAssessment", "probability", "high");
  bad("RiskAssessment", "probability", "zz5");
  bad("RiskAssessment", "probability", "5%");
  bad("RiskAssessment", "probability", "gte5");  // "gt" then "e5", no number
}

TEST_F(QueryValuesTest, Quantities) {
  auto full = one<QuantityArg>("Observation", "value-quantity", "le5.4|http://unitsofmeasure.org|mg");
  EXPECT_EQ(full.number.prefix, Prefix::le);
  EXPECT_DOUBLE_EQ(full.number.value, 5.4);
  EXPECT_EQ(full.system, "http://unitsofmeasure.org");
  EXPECT_EQ(full.code, "mg");
  auto unit_only = one<QuantityArg>("Observation", "value-quantity", "5.4||mg");
  EXPECT_FALSE(unit_only.system);
  EXPECT_EQ(unit_only.code, "mg");
  auto bare = one<QuantityArg>("Encounter", "length", "ap5.40e-3");
  EXPECT_EQ(bare.number.prefix, Prefix::ap);
  EXPECT_FALSE(bare.system);
  EXPECT_FALSE(bare.code);
  EXPECT_NEAR(bare.number.low, 0.005395, 1e-15);
  bad("Observation", "value-quantity", "5.4|mg");
  bad("Observation", "value-quantity", "x5.4|http://unitsofmeasure.org|mg");
  bad("Observation", "value-quantity", "five||mg");
}

TEST_F(QueryValuesTest, ReferenceForms) {
  auto id = one<ReferenceArg>("Observation", "subject", "123");
  EXPECT_EQ(id.type, "");
  EXPECT_EQ(id.id, "123");
  auto typed = one<ReferenceArg>("Observation", "subject", "Patient/123");
  EXPECT_EQ(typed.type, "Patient");
  EXPECT_EQ(typed.id, "123");
  EXPECT_EQ(typed.url, "");
  auto versioned = one<ReferenceArg>("Observation", "subject", "Patient/123/_history/2");
  EXPECT_EQ(versioned.version, "2");
  auto absolute = one<ReferenceArg>("Observation", "subject", "http://example.org/fhir/Patient/123");
  EXPECT_EQ(absolute.url, "http://example.org/fhir/Patient/123");
  EXPECT_EQ(absolute.type, "Patient");
  EXPECT_EQ(absolute.id, "123");
  auto urn = one<ReferenceArg>("Observation", "subject", "urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a");
  EXPECT_EQ(urn.url, "urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a");
  EXPECT_EQ(urn.id, "");
  auto canonical = one<ReferenceArg>("PlanDefinition", "derived-from", "http://example.org/PlanDefinition/x|1.0");
  EXPECT_EQ(canonical.url, "http://example.org/PlanDefinition/x");
  EXPECT_EQ(canonical.version, "1.0");
  // The :Type modifier types a bare id.
  auto modified = one<ReferenceArg>("Observation", "subject", "123", Modifier::type, "Patient");
  EXPECT_EQ(modified.type, "Patient");
  EXPECT_EQ(one<ReferenceArg>("Observation", "subject", "Patient/1", Modifier::type, "Patient").id, "1");
  auto ident = one<TokenArg>("Observation", "subject", "http://hospital.org/mrn|12345", Modifier::identifier);
  EXPECT_EQ(ident.system, "http://hospital.org/mrn");
  EXPECT_EQ(ident.code, "12345");
}

TEST_F(QueryValuesTest, MalformedReferences) {
  for (const char* v :
       {"Patient/", "patient/1", "a b", "#p1", "Patient/1|2", "x/Patient/1", "Patient/a_b", "Patient/1/_history"})
    bad("Observation", "subject", v);
  bad("Observation", "subject", "Group/1", Modifier::type, "Patient");
  bad("Observation", "subject", "a|b|c", Modifier::identifier);
}

TEST_F(QueryValuesTest, Uris) {
  EXPECT_EQ(one<UriArg>("ValueSet", "url", "http://hl7.org/fhir/ValueSet/x").uri, "http://hl7.org/fhir/ValueSet/x");
  EXPECT_EQ(one<UriArg>("ValueSet", "url", "http://x/a", Modifier::below).uri, "http://x/a");
  EXPECT_EQ(one<UriArg>("Observation", "_profile", "http://x/p\\,q").uri, "http://x/p,q");
}

TEST_F(QueryValuesTest, CompositesAreTypedByTheirComponents) {
  auto c = one<CompositeArg>("Observation", "code-value-quantity", "http://loinc.org|44261-6$gt10");
  ASSERT_EQ(c.parts.size(), 2u);
  auto& token = std::get<TokenArg>(c.parts[0]);
  EXPECT_EQ(token.system, "http://loinc.org");
  EXPECT_EQ(token.code, "44261-6");
  auto& quantity = std::get<QuantityArg>(c.parts[1]);
  EXPECT_EQ(quantity.number.prefix, Prefix::gt);
  EXPECT_DOUBLE_EQ(quantity.number.value, 10);
  auto with_unit =
      one<CompositeArg>("Observation", "code-value-quantity", "8480-6$lt60|http://unitsofmeasure.org|mm[Hg]");
  EXPECT_EQ(std::get<QuantityArg>(with_unit.parts[1]).code, "mm[Hg]");
  auto date = one<CompositeArg>("Observation", "code-value-date", "1234-5$ge2020-01");
  EXPECT_EQ(std::get<DateArg>(date.parts[1]).prefix, Prefix::ge);
  auto text = one<CompositeArg>("Observation", "code-value-string", "1234-5$a\\$b");
  EXPECT_EQ(std::get<StringArg>(text.parts[1]).raw, "a$b");
  EXPECT_EQ(ok("Observation", "code-value-quantity", "a$1,b$2").size(), 2u);
}

TEST_F(QueryValuesTest, MalformedComposites) {
  bad("Observation", "code-value-quantity", "http://loinc.org|44261-6");
  bad("Observation", "code-value-quantity", "a$1$2");
  bad("Observation", "code-value-quantity", "a$");
  bad("Observation", "code-value-quantity", "a$xx10");
  bad("Observation", "code-value-date", "a$2020-13");
}

}  // namespace
}  // namespace fhir::search
