#include <gtest/gtest.h>

#include "fhir/search/query_controls.hpp"
#include "tests/fhir/search/r4_definitions.hpp"

namespace fhir::search {
namespace {

template <class T>
void expect_invalid(const Result<T>& r, std::string_view expression, std::string_view value) {
  ASSERT_FALSE(r.ok()) << expression << "=" << value;
  EXPECT_EQ(r.issue().severity, Severity::error);
  EXPECT_EQ(r.issue().code, "invalid");
  EXPECT_EQ(r.issue().http_status, 400);
  EXPECT_EQ(r.issue().expression, expression);
  if (value.size() > 3) {
    EXPECT_EQ(r.issue().diagnostics.find(std::string(value)), std::string::npos) << r.issue().diagnostics;
  }
}

class QueryControlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    params_ = test::r4_params();
    ASSERT_NE(params_, nullptr);
  }
  const SearchParams* params_ = nullptr;
  std::vector<std::string> observation_{"Observation"};
};

TEST_F(QueryControlsTest, SortKeys) {
  auto s = parse_sort(*params_, observation_, "-date,code,_id,-_lastUpdated");
  ASSERT_TRUE(s.ok()) << s.issue().diagnostics;
  ASSERT_EQ(s->size(), 4u);
  EXPECT_EQ((*s)[0].param, params_->find("Observation", "date")->param);
  EXPECT_TRUE((*s)[0].descending);
  EXPECT_FALSE((*s)[1].descending);
  EXPECT_EQ((*s)[2].param->code, "_id");
  EXPECT_EQ((*s)[3].param->code, "_lastUpdated");
  EXPECT_TRUE((*s)[3].descending);
  // Across types: the key must exist on each.
  std::vector<std::string> two{"Observation", "Condition"};
  EXPECT_TRUE(parse_sort(*params_, two, "patient").ok());
  expect_invalid(parse_sort(*params_, two, "value-quantity"), "_sort", "value-quantity");
  // Keys of an earlier _sort count too.
  auto first = parse_sort(*params_, observation_, "date");
  expect_invalid(parse_sort(*params_, observation_, "code,-date", *first), "_sort", "code,-date");
  std::vector<std::string> all{""};
  EXPECT_TRUE(parse_sort(*params_, all, "_lastUpdated").ok());
}

TEST_F(QueryControlsTest, BadSortKeys) {
  for (const char* v : {"nonsense", "date,,code", "-", "date,-date", "code-value-quantity", "_text", "date:asc"})
    expect_invalid(parse_sort(*params_, observation_, v), "_sort", v);
}

TEST_F(QueryControlsTest, Count) {
  EXPECT_EQ(*parse_count("0"), 0);
  EXPECT_EQ(*parse_count("50"), 50);
  EXPECT_EQ(*parse_count("2147483647"), 2147483647);
  for (const char* v : {"-1", "+5", "1.5", "ten", "2147483648", "5 ", ""}) expect_invalid(parse_count(v), "_count", v);
}

TEST_F(QueryControlsTest, TotalAndSummary) {
  EXPECT_EQ(*parse_total("none"), TotalMode::none);
  EXPECT_EQ(*parse_total("estimate"), TotalMode::estimate);
  EXPECT_EQ(*parse_total("accurate"), TotalMode::accurate);
  expect_invalid(parse_total("exact"), "_total", "exact");
  const std::pair<const char*, Summary> summaries[] = {{"true", Summary::true_},
                                                       {"false", Summary::false_},
                                                       {"count", Summary::count},
                                                       {"data", Summary::data},
                                                       {"text", Summary::text}};
  for (const auto& [code, s] : summaries) {
    EXPECT_EQ(*parse_summary(code), s);
    EXPECT_EQ(summary_code(s), code);
  }
  EXPECT_EQ(summary_code(Summary::none), "");
  EXPECT_EQ(total_code(TotalMode::estimate), "estimate");
  expect_invalid(parse_summary("TRUE"), "_summary", "TRUE");
  expect_invalid(parse_summary(""), "_summary", "");
}

TEST_F(QueryControlsTest, Elements) {
  EXPECT_EQ(*parse_elements("identifier,active,name"), (std::vector<std::string>{"identifier", "active", "name"}));
  for (const char* v : {"a,,b", "1name", "name[0]", "Patient.name", "na me"})
    expect_invalid(parse_elements(v), "_elements", v);
}

TEST_F(QueryControlsTest, Types) {
  EXPECT_EQ(*parse_types("Patient,Observation,Patient", {}), (std::vector<std::string>{"Patient", "Observation"}));
  expect_invalid(parse_types("patient", {}), "_type", "patient");
  expect_invalid(parse_types("Patient,", {}), "_type", "Patient,");
  // The gateway's type model decides when given.
  ResourceTypeCheck only_patient = [](std::string_view t) { return t == "Patient"; };
  EXPECT_TRUE(parse_types("Patient", only_patient).ok());
  expect_invalid(parse_types("Observation", only_patient), "_type", "Observation");
}

TEST_F(QueryControlsTest, PagingCursor) {
  EXPECT_EQ(*parse_snapshot("s-12.ab_C~"), "s-12.ab_C~");
  expect_invalid(parse_snapshot("a b"), "_snapshot", "a b");
  expect_invalid(parse_snapshot(std::string(129, 'a')), "_snapshot", std::string(129, 'a'));
  EXPECT_EQ(*parse_offset("9000000000"), 9000000000);
  expect_invalid(parse_offset("-5"), "_offset", "-5");
  expect_invalid(parse_offset("99999999999999999999"), "_offset", "99999999999999999999");
}

}  // namespace
}  // namespace fhir::search
