#include <gtest/gtest.h>

#include "fhir/search/query_parser.hpp"
#include "tests/fhir/search/r4_definitions.hpp"

namespace fhir::search {
namespace {

class QueryParserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    params_ = test::r4_params();
    ASSERT_NE(params_, nullptr);
  }

  SearchQuery ok(std::string_view type, const QueryParams& query, Handling h = Handling::lenient) {
    auto r = parse_search(*params_, type, query, h);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.issue().diagnostics);
    return r.ok() ? *r : SearchQuery{};
  }

  // A 400 naming `expression`, whose diagnostics leave out `secret`.
  void bad(std::string_view type, const QueryParams& query, std::string_view expression, std::string_view secret,
           Handling h = Handling::lenient) {
    auto r = parse_search(*params_, type, query, h);
    ASSERT_FALSE(r.ok()) << expression;
    EXPECT_EQ(r.issue().severity, Severity::error);
    EXPECT_EQ(r.issue().code, "invalid");
    EXPECT_EQ(r.issue().http_status, 400);
    EXPECT_EQ(r.issue().expression, expression);
    EXPECT_EQ(r.issue().diagnostics.find(std::string(secret)), std::string::npos) << r.issue().diagnostics;
  }

  const SearchParams* params_ = nullptr;
};

TEST_F(QueryParserTest, PartnerQuery) {
  auto q = ok("Observation", {{"patient", "Patient/X"},
                              {"code", "http://loinc.org|44261-6"},
                              {"_sort", "-date"},
                              {"_count", "20"},
                              {"_include", "Observation:performer"}});
  EXPECT_EQ(q.type, "Observation");
  ASSERT_EQ(q.criteria.size(), 2u);
  EXPECT_EQ(q.criteria[0].name, "patient");
  EXPECT_EQ(q.criteria[0].value, "Patient/X");
  EXPECT_EQ(q.criteria[0].param, params_->find("Observation", "patient")->param);
  EXPECT_EQ(std::get<ReferenceArg>(q.criteria[0].any_of.at(0)).id, "X");
  EXPECT_EQ(std::get<TokenArg>(q.criteria[1].any_of.at(0)).code, "44261-6");
  ASSERT_EQ(q.sort.size(), 1u);
  EXPECT_TRUE(q.sort[0].descending);
  EXPECT_EQ(q.count, 20);
  ASSERT_EQ(q.include.size(), 1u);
  EXPECT_EQ(q.include[0].param->code, "performer");
  EXPECT_EQ(q.total, TotalMode::accurate);
  EXPECT_EQ(q.summary, Summary::none);
  EXPECT_TRUE(q.ignored.empty());
}

TEST_F(QueryParserTest, RepeatedParametersAreAndCommasAreOr) {
  auto q = ok("Observation", {{"date", "ge2020-01-01"}, {"date", "lt2021"}, {"status", "final,amended"}});
  ASSERT_EQ(q.criteria.size(), 3u);
  EXPECT_EQ(std::get<DateArg>(q.criteria[0].any_of[0]).prefix, Prefix::ge);
  EXPECT_EQ(std::get<DateArg>(q.criteria[1].any_of[0]).prefix, Prefix::lt);
  EXPECT_EQ(q.criteria[2].any_of.size(), 2u);
}

TEST_F(QueryParserTest, Missing) {
  auto q = ok("Patient", {{"birthdate:missing", "true"}, {"subject:missing", "false"}});
  // subject is not a Patient parameter: lenient drops it.
  ASSERT_EQ(q.criteria.size(), 1u);
  EXPECT_EQ(q.criteria[0].modifier, Modifier::missing);
  EXPECT_EQ(q.criteria[0].missing, true);
  EXPECT_TRUE(q.criteria[0].any_of.empty());
  EXPECT_EQ(ok("Observation", {{"code-value-quantity:missing", "false"}}).criteria[0].missing, false);
  for (Handling h : {Handling::lenient, Handling::strict})
    bad("Patient", {{"birthdate:missing", "yes-1984"}}, "birthdate:missing", "yes-1984", h);
}

TEST_F(QueryParserTest, ChainsAndReverseChains) {
  auto q = ok("Observation",
              {{"subject:Patient.identifier", "http://hospital.org/mrn|12345"}, {"patient.birthdate", "ge1980"}});
  ASSERT_EQ(q.criteria.size(), 2u);
  ASSERT_EQ(q.criteria[0].chain.size(), 1u);
  EXPECT_EQ(q.criteria[0].param, params_->find("Patient", "identifier")->param);
  EXPECT_EQ(std::get<TokenArg>(q.criteria[0].any_of[0]).system, "http://hospital.org/mrn");
  EXPECT_EQ(std::get<DateArg>(q.criteria[1].any_of[0]).prefix, Prefix::ge);

  auto has = ok("Patient", {{"_has:Observation:patient:code", "1234-5"}});
  ASSERT_EQ(has.criteria.size(), 1u);
  EXPECT_EQ(has.criteria[0].has.at(0).source_type, "Observation");
  EXPECT_EQ(std::get<TokenArg>(has.criteria[0].any_of[0]).code, "1234-5");
  for (Handling h : {Handling::lenient, Handling::strict})
    bad("Observation", {{"subject.name", "Peter Example"}}, "subject.name", "Peter Example", h);
}

TEST_F(QueryParserTest, InvalidValuesAre400WhateverTheHandling) {
  struct Case {
    const char* type;
    const char* name;
    const char* value;
  };
  const Case cases[] = {
      {"Patient", "birthdate", "1984-02-30"},
      {"Patient", "birthdate", "zz1984-01-01"},
      {"RiskAssessment", "probability", "ge0.8.1"},
      {"Observation", "value-quantity", "ge5.4|mg"},
      {"Observation", "code", "http://loinc.org|1234|5"},
      {"Observation", "subject", "Patient/Peter Example"},
      {"Observation", "subject:Patient", "Group/peter-example"},
      {"Observation", "code-value-quantity", "http://loinc.org|44261-6"},
      {"Patient", "name", "Peter,,Example"},
      {"Observation", "_count", "twenty-five"},
      {"Observation", "_sort", "-nonsense-key"},
      {"Observation", "_include", "Observation:nonsense-key"},
      {"Observation", "_revinclude", "Provenance"},
      {"Observation", "_total", "exactly-ten"},
      {"Observation", "_summary", "summary-please"},
      {"Observation", "_elements", "name[0]-x"},
      {"Observation", "_offset", "minus-ten"},
  };
  for (Handling h : {Handling::lenient, Handling::strict})
    for (const auto& c : cases) bad(c.type, {{c.name, c.value}}, c.name, c.value, h);
}

TEST_F(QueryParserTest, UnknownAndUnsupportedFollowHandling) {
  const std::pair<const char*, const char*> cases[] = {
      {"nonsense", "peter"},          {"name:fuzzy", "peter"},
      {"code:in", "http://x/vs"},     {"_text", "cancer"},
      {"_content", "cancer"},         {"_list", "List/1"},
      {"_filter", "name eq peter"},   {"_query", "special"},
      {"_contained", "true"},         {"_containedType", "container"},
      {"_include:deep", "Patient:*"}, {"_count:max", "5"},

  };
  for (const auto& [name, value] : cases) {
    auto q = ok("Patient", {{name, value}, {"gender", "female"}});
    ASSERT_EQ(q.ignored.size(), 1u) << name;
    EXPECT_EQ(q.ignored[0].name, name);
    EXPECT_EQ(q.ignored[0].value, value);
    EXPECT_FALSE(q.ignored[0].reason.empty());
    EXPECT_EQ(q.ignored[0].reason.find(value), std::string::npos);
    EXPECT_EQ(q.criteria.size(), 1u) << name;
    bad("Patient", {{"gender", "female"}, {name, value}}, name, value, Handling::strict);
  }
}

TEST_F(QueryParserTest, EmptyValuesAreIgnoredInBothModes) {
  for (Handling h : {Handling::lenient, Handling::strict}) {
    auto q = ok("Patient", {{"name", ""}, {"_count", ""}, {"_sort", ""}, {"birthdate", "1984"}}, h);
    EXPECT_EQ(q.criteria.size(), 1u);
    EXPECT_FALSE(q.count);
    EXPECT_TRUE(q.sort.empty());
    EXPECT_EQ(q.ignored.size(), 3u);
  }
}

TEST_F(QueryParserTest, ResultParameters) {
  auto q = ok("CarePlan", {{"patient", "X"},
                           {"_include", "CarePlan:goal"},
                           {"_include:iterate", "Goal:*"},
                           {"_include:recurse", "*"},
                           {"_revinclude", "Provenance:target"},
                           {"_revinclude:iterate", "Provenance:target:CarePlan"},
                           {"_total", "none"},
                           {"_summary", "data"},
                           {"_elements", "status,goal"},
                           {"_elements", "intent"},
                           {"_sort", "date"},
                           {"_sort", "-_lastUpdated"},
                           {"_snapshot", "s1"},
                           {"_offset", "40"},
                           {"_format", "json"},
                           {"_pretty", "true"}});
  EXPECT_EQ(q.include.size(), 3u);
  EXPECT_FALSE(q.include[0].iterate);
  EXPECT_TRUE(q.include[1].iterate);
  EXPECT_TRUE(q.include[2].iterate);
  EXPECT_TRUE(q.include[2].wildcard);
  EXPECT_EQ(q.revinclude.size(), 2u);
  EXPECT_TRUE(q.revinclude[1].iterate);
  EXPECT_EQ(q.total, TotalMode::none);
  EXPECT_EQ(q.summary, Summary::data);
  EXPECT_EQ(q.elements, (std::vector<std::string>{"status", "goal", "intent"}));
  EXPECT_EQ(q.sort.size(), 2u);
  EXPECT_EQ(q.snapshot, "s1");
  EXPECT_EQ(q.offset, 40);
  EXPECT_TRUE(q.ignored.empty()) << "_format and _pretty are the gateway's";
}

TEST_F(QueryParserTest, SingleValuedResultParametersOnce) {
  for (const char* name : {"_count", "_total", "_summary", "_offset"}) {
    const char* value = std::string_view(name) == "_total"     ? "none"
                        : std::string_view(name) == "_summary" ? "true"
                                                               : "5";
    bad("Patient", {{name, value}, {name, value}}, name, "zzz");
  }
}

// Found by fuzzing: repeated _sort keys were refused only within one
// _sort, so the self link (one _sort) did not parse back.
TEST_F(QueryParserTest, SortKeyRepeatedAcrossSortParameters) {
  bad("Observation", {{"_sort", "-_tag"}, {"_sort", "-_tag"}}, "_sort", "zzz");
  EXPECT_EQ(ok("Observation", {{"_sort", "-_tag"}, {"_sort", "date"}}).sort.size(), 2u);
}

TEST_F(QueryParserTest, SystemLevelSearch) {
  auto q = ok("", {{"_type", "Observation,Condition"}, {"patient", "Patient/1"}, {"_sort", "-_lastUpdated"}});
  EXPECT_EQ(q.type, "");
  EXPECT_EQ(q.types, (std::vector<std::string>{"Observation", "Condition"}));
  ASSERT_EQ(q.criteria.size(), 1u);
  EXPECT_EQ(q.criteria[0].param, params_->find("Observation", "patient")->param);
  // Without _type only the common parameters apply.
  auto common = ok("", {{"_id", "a"}, {"patient", "Patient/1"}, {"_lastUpdated", "ge2024"}});
  EXPECT_EQ(common.criteria.size(), 2u);
  EXPECT_EQ(common.ignored.size(), 1u);
  // A parameter must mean the same on every _type type.
  auto mixed = ok("", {{"_type", "Observation,Patient"}, {"code", "x"}});
  EXPECT_EQ(mixed.ignored.size(), 1u);
  bad("", {{"_type", "Observation,Patient"}, {"code", "x"}}, "code", "zzz", Handling::strict);
  bad("", {{"_type", "Observation,lowercase"}}, "_type", "lowercase");
  // The gateway's type model.
  ParseOptions options;
  options.is_resource_type = [](std::string_view t) { return t == "Patient"; };
  EXPECT_FALSE(parse_search(*params_, "", {{"_type", "Observation"}}, options).ok());
}

}  // namespace
}  // namespace fhir::search
