#include <gtest/gtest.h>

#include <limits>

#include "fhir/core/instant.hpp"
#include "fhir/search/date_range.hpp"
#include "fhir/search/query_values.hpp"
#include "fhir/search/string_values.hpp"
#include "fhir/search/value_match.hpp"

namespace fhir::search {
namespace {

// Arguments come from the real value parser, stored dates from the real
// range reader, so these tests pin the rules to the forms clients send.
template <class A>
A arg(ParamType type, std::string_view text) {
  auto c = parse_component(type, text, "p");
  EXPECT_TRUE(c.ok()) << text;
  return c.ok() ? std::get<A>(*c) : A{};
}
DateArg date(std::string_view text) { return arg<DateArg>(ParamType::date, text); }
NumberArg number(std::string_view text) { return arg<NumberArg>(ParamType::number, text); }
QuantityArg quantity(std::string_view text) { return arg<QuantityArg>(ParamType::quantity, text); }
StringArg string_arg(std::string_view text) { return arg<StringArg>(ParamType::string, text); }
TokenArg token(std::string_view text) { return arg<TokenArg>(ParamType::token, text); }
ReferenceArg reference(std::string_view text) { return arg<ReferenceArg>(ParamType::reference, text); }
UriArg uri(std::string_view text) { return arg<UriArg>(ParamType::uri, text); }

std::int64_t at(const char* instant) { return *parse_instant(instant); }
DateValue stored(const char* text) { return *parse_date_range(text); }
DateValue between(const char* low, const char* high) { return DateValue{stored(low).low, stored(high).high}; }

constexpr const char* kNow = "2021-01-01T00:00:00Z";
bool date_matches(const DateValue& v, std::string_view a) { return match_date(v, date(a), at(kNow)); }
bool number_matches(double v, std::string_view a) { return match_quantity(v, v, number(a)); }

TEST(ValueMatchTest, DateEqNeedsTheArgumentToContainTheValue) {
  EXPECT_TRUE(date_matches(stored("2021-03-04"), "2021-03"));
  EXPECT_FALSE(date_matches(stored("2021-03"), "2021-03-04")) << "a month is wider than a day";
  // The exact ends of March, one millisecond either side.
  EXPECT_TRUE(date_matches(stored("2021-03-01T00:00:00.000Z"), "2021-03"));
  EXPECT_TRUE(date_matches(stored("2021-03-31T23:59:59.999Z"), "2021-03"));
  EXPECT_FALSE(date_matches(stored("2021-02-28T23:59:59.999Z"), "2021-03"));
  EXPECT_FALSE(date_matches(stored("2021-04-01T00:00:00.000Z"), "2021-03"));
  EXPECT_FALSE(date_matches(stored("2021-03-04"), "ne2021-03"));
  EXPECT_TRUE(date_matches(stored("2021-04-01T00:00:00.000Z"), "ne2021-03"));
}

TEST(ValueMatchTest, DateOrderingPrefixesAtTheRangeEnds) {
  // gt: the value reaches past the end of March.
  EXPECT_FALSE(date_matches(stored("2021-03-31T23:59:59.999Z"), "gt2021-03"));
  EXPECT_TRUE(date_matches(stored("2021-04-01T00:00:00.000Z"), "gt2021-03"));
  EXPECT_TRUE(date_matches(between("2021-03-15", "2021-04-02"), "gt2021-03")) << "overlapping above";
  // lt: the value reaches before the start of March.
  EXPECT_FALSE(date_matches(stored("2021-03-01T00:00:00.000Z"), "lt2021-03"));
  EXPECT_TRUE(date_matches(stored("2021-02-28T23:59:59.999Z"), "lt2021-03"));
  // ge / le: the above, or eq.
  EXPECT_TRUE(date_matches(stored("2021-03-15"), "ge2021-03"));
  EXPECT_FALSE(date_matches(stored("2021-02-28"), "ge2021-03"));
  EXPECT_TRUE(date_matches(stored("2021-03-15"), "le2021-03"));
  EXPECT_FALSE(date_matches(stored("2021-04-01"), "le2021-03"));
  // sa / eb: wholly after / before.
  EXPECT_TRUE(date_matches(stored("2021-04-01T00:00:00.000Z"), "sa2021-03"));
  EXPECT_FALSE(date_matches(between("2021-03-31T23:59:59.999Z", "2021-05"), "sa2021-03"));
  EXPECT_TRUE(date_matches(stored("2021-02-28T23:59:59.999Z"), "eb2021-03"));
  EXPECT_FALSE(date_matches(between("2021-01", "2021-03-01T00:00:00.000Z"), "eb2021-03"));
}

TEST(ValueMatchTest, OpenPeriodsReachTheExtremes) {
  DateValue since_2020{stored("2020").low, kMaxInstant};
  EXPECT_TRUE(date_matches(since_2020, "gt2030"));
  EXPECT_FALSE(date_matches(since_2020, "lt2020"));
  EXPECT_FALSE(date_matches(since_2020, "eq2020")) << "an open end is wider than any argument";
  EXPECT_TRUE(date_matches(DateValue{}, "ap1900"));
}

TEST(ValueMatchTest, ApproximateWidensEachEndByATenthOfItsDistanceFromNow) {
  DateArg day = date("ap2011-01-01");
  DateArg w = approximate_range(day, at(kNow));
  EXPECT_EQ(w.low, day.low - (at(kNow) - day.low) / 10);
  EXPECT_EQ(w.high, day.high + (at(kNow) - day.high) / 10);
  // About a year on a ten-year distance: in early 2010 is near, late 2009 is not.
  EXPECT_TRUE(date_matches(stored("2010-01-05"), "ap2011-01-01"));
  EXPECT_FALSE(date_matches(stored("2009-12-01"), "ap2011-01-01"));
  EXPECT_TRUE(date_matches(stored("2011-12-20"), "ap2011-01-01"));
  EXPECT_FALSE(date_matches(stored("2012-02-01"), "ap2011-01-01"));
  // In the future the far end is the later one.
  EXPECT_TRUE(date_matches(stored("2031-12-01"), "ap2031-01-01"));
  EXPECT_FALSE(date_matches(stored("2032-03-01"), "ap2031-01-01"));
  // An argument starting now widens only its end, by a tenth of a day.
  EXPECT_TRUE(date_matches(stored("2021-01-02T02:00:00Z"), "ap2021-01-01"));
  EXPECT_FALSE(date_matches(stored("2021-01-02T03:00:00Z"), "ap2021-01-01"));
  EXPECT_FALSE(date_matches(stored("2020-12-31T23:59:59.999Z"), "ap2021-01-01"));
}

TEST(ValueMatchTest, ApproximateSaturatesInsteadOfOverflowing) {
  DateArg far{Prefix::ap, kMinInstant + 5, kMaxInstant - 5};
  DateArg w = approximate_range(far, 0);
  EXPECT_EQ(w.low, kMinInstant);
  EXPECT_EQ(w.high, kMaxInstant);
}

TEST(ValueMatchTest, NumberEqUsesThePrecisionSent) {
  EXPECT_TRUE(number_matches(100.4, "100"));
  EXPECT_FALSE(number_matches(100.6, "100"));
  EXPECT_TRUE(number_matches(99.5, "100")) << "low end inclusive";
  EXPECT_FALSE(number_matches(100.5, "100")) << "high end exclusive";
  EXPECT_FALSE(number_matches(99.49, "100"));
  EXPECT_FALSE(number_matches(100.4, "100.0")) << "one more digit, ten times narrower";
  EXPECT_TRUE(number_matches(100.04, "100.0"));
  EXPECT_TRUE(number_matches(100.6, "ne100"));
  EXPECT_FALSE(number_matches(100.4, "ne100"));
}

TEST(ValueMatchTest, NumberOrderingComparesWithTheExactValue) {
  EXPECT_TRUE(number_matches(99.9, "lt100"));
  EXPECT_FALSE(number_matches(100, "lt100"));
  EXPECT_TRUE(number_matches(100, "le100"));
  EXPECT_FALSE(number_matches(100.01, "le100"));
  EXPECT_TRUE(number_matches(100.4, "gt100")) << "not widened by precision";
  EXPECT_FALSE(number_matches(100, "gt100"));
  EXPECT_TRUE(number_matches(100, "ge100"));
  EXPECT_FALSE(number_matches(99.99, "ge100"));
  EXPECT_FALSE(match_quantity(100, 200, number("sa100")));
  EXPECT_TRUE(match_quantity(100.1, 200, number("sa100")));
  EXPECT_FALSE(match_quantity(0, 100, number("eb100")));
  EXPECT_TRUE(match_quantity(0, 99.9, number("eb100")));
}

TEST(ValueMatchTest, NumberApproximateIsATenthOfTheValue) {
  EXPECT_TRUE(number_matches(110, "ap100"));
  EXPECT_TRUE(number_matches(90, "ap100"));
  EXPECT_FALSE(number_matches(110.1, "ap100"));
  EXPECT_FALSE(number_matches(89.9, "ap100"));
  EXPECT_TRUE(number_matches(-110, "ap-100")) << "a tenth of |v|";
  EXPECT_FALSE(number_matches(-111, "ap-100"));
  EXPECT_TRUE(match_quantity(0, 91, number("ap100"))) << "ranges overlap";
}

TEST(ValueMatchTest, OpenQuantityRanges) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  EXPECT_TRUE(match_quantity(-kInf, 5, number("lt5")));
  EXPECT_TRUE(match_quantity(-kInf, 5, number("ge5")));
  EXPECT_FALSE(match_quantity(-kInf, 5, number("gt5")));
  EXPECT_FALSE(match_quantity(-kInf, 5, number("5"))) << "\"<5\" is not 5";
}

TEST(ValueMatchTest, QuantityUnits) {
  QuantityValue v{"185", 185, 185, "http://unitsofmeasure.org", "[lb_av]", "lbs"};
  EXPECT_TRUE(match_quantity(v, quantity("185")));
  EXPECT_TRUE(match_quantity(v, quantity("185|http://unitsofmeasure.org|[lb_av]")));
  EXPECT_FALSE(match_quantity(v, quantity("185|http://other.org|[lb_av]")));
  EXPECT_FALSE(match_quantity(v, quantity("185|http://unitsofmeasure.org|lbs"))) << "with a system, codes only";
  EXPECT_TRUE(match_quantity(v, quantity("185||[lb_av]")));
  EXPECT_TRUE(match_quantity(v, quantity("185||lbs"))) << "no system: the code or the unit";
  EXPECT_FALSE(match_quantity(v, quantity("185||kg")));
  EXPECT_TRUE(match_quantity(v, quantity("185|http://unitsofmeasure.org|")));
  EXPECT_FALSE(match_quantity(v, quantity("185|http://other.org|")));
  EXPECT_FALSE(match_quantity(v, quantity("190||[lb_av]"))) << "units match, the number does not";
}

TEST(ValueMatchTest, Strings) {
  StringValue family = make_string_value("Chalmers");
  EXPECT_TRUE(match_string(family, string_arg("chal"), Modifier::none));
  EXPECT_FALSE(match_string(family, string_arg("halm"), Modifier::none)) << "a prefix, not a substring";
  EXPECT_TRUE(match_string(family, string_arg("halm"), Modifier::contains));
  EXPECT_FALSE(match_string(family, string_arg("xyz"), Modifier::contains));
  EXPECT_TRUE(match_string(family, string_arg("Chalmers"), Modifier::exact));
  EXPECT_FALSE(match_string(family, string_arg("chalmers"), Modifier::exact));
  EXPECT_FALSE(match_string(family, string_arg("Chalm"), Modifier::exact));
  StringValue given = make_string_value("Bénédicte");
  EXPECT_TRUE(match_string(given, string_arg("BENE"), Modifier::none)) << "case and accents folded";
  EXPECT_FALSE(match_string(given, string_arg("Benedicte"), Modifier::exact));
}

TEST(ValueMatchTest, TokenForms) {
  TokenValue loinc{"http://loinc.org", "29463-7", true, "", ""};
  TokenValue bare{"", "male", false, "", ""};
  EXPECT_TRUE(match_token(loinc, token("29463-7")));
  EXPECT_TRUE(match_token(loinc, token("http://loinc.org|29463-7")));
  EXPECT_FALSE(match_token(loinc, token("http://snomed.info/sct|29463-7")));
  EXPECT_FALSE(match_token(loinc, token("|29463-7"))) << "the value has a system";
  EXPECT_TRUE(match_token(loinc, token("http://loinc.org|")));
  EXPECT_FALSE(match_token(loinc, token("http://loinc.org|3141-9")));
  EXPECT_TRUE(match_token(bare, token("|male")));
  EXPECT_TRUE(match_token(bare, token("male")));
  EXPECT_FALSE(match_token(bare, token("http://hl7.org/fhir/administrative-gender|male")));
  EXPECT_FALSE(match_token(bare, token("MALE"))) << "codes are case-sensitive";
}

TEST(ValueMatchTest, OfType) {
  TokenValue mrn{"urn:oid:1.2.36.146.595.217.0.1", "12345", true, "http://terminology.hl7.org/CodeSystem/v2-0203",
                 "MR"};
  EXPECT_TRUE(match_of_type(mrn, OfTypeArg{"http://terminology.hl7.org/CodeSystem/v2-0203", "MR", "12345"}));
  EXPECT_FALSE(match_of_type(mrn, OfTypeArg{"http://terminology.hl7.org/CodeSystem/v2-0203", "MR", "54321"}));
  EXPECT_FALSE(match_of_type(mrn, OfTypeArg{"http://terminology.hl7.org/CodeSystem/v2-0203", "DL", "12345"}));
  EXPECT_FALSE(match_of_type(mrn, OfTypeArg{"http://other.org", "MR", "12345"}));
}

TEST(ValueMatchTest, References) {
  ReferenceValue relative{"Patient", "example", "", "", false, "", ""};
  EXPECT_TRUE(match_reference(relative, reference("example")));
  EXPECT_TRUE(match_reference(relative, reference("Patient/example")));
  EXPECT_TRUE(match_reference(relative, reference("Patient/example/_history/2"))) << "version ignored";
  EXPECT_FALSE(match_reference(relative, reference("Group/example")));
  EXPECT_FALSE(match_reference(relative, reference("Patient/other")));
  EXPECT_FALSE(match_reference(relative, reference("http://x.org/fhir/Patient/example"))) << "URLs compare as URLs";

  ReferenceValue absolute{"Patient", "1", "", "http://x.org/fhir/Patient/1", false, "", ""};
  EXPECT_TRUE(match_reference(absolute, reference("http://x.org/fhir/Patient/1")));
  EXPECT_FALSE(match_reference(absolute, reference("http://y.org/fhir/Patient/1")));
  EXPECT_FALSE(match_reference(absolute, reference("Patient/1")))
      << "another server's Patient/1 is not ours; the store indexes absolute references by URL alone";

  ReferenceValue local{"", "p1", "", "", true, "", ""};
  EXPECT_FALSE(match_reference(local, reference("p1"))) << "a contained resource is no search target";
}

TEST(ValueMatchTest, Uris) {
  UriValue v{"http://hl7.org/fhir/Questionnaire/3141"};
  EXPECT_TRUE(match_uri(v, uri("http://hl7.org/fhir/Questionnaire/3141"), Modifier::none));
  EXPECT_FALSE(match_uri(v, uri("http://hl7.org/fhir/Questionnaire"), Modifier::none));
  EXPECT_TRUE(match_uri(v, uri("http://hl7.org/fhir/"), Modifier::below));
  EXPECT_FALSE(match_uri(v, uri("http://hl7.org/fhir/ValueSet"), Modifier::below));
  EXPECT_TRUE(match_uri(v, uri("http://hl7.org/fhir/Questionnaire/3141/_history/1"), Modifier::above));
  EXPECT_FALSE(match_uri(v, uri("http://hl7.org/fhir/"), Modifier::above));
}

}  // namespace
}  // namespace fhir::search
