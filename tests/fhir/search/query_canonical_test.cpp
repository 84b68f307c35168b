#include <gtest/gtest.h>

#include "fhir/search/query_canonical.hpp"
#include "fhir/search/query_parser.hpp"
#include "tests/fhir/search/r4_definitions.hpp"

namespace fhir::search {
namespace {

class QueryCanonicalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    params_ = test::r4_params();
    ASSERT_NE(params_, nullptr);
  }

  std::string canonical(std::string_view type, std::string_view query) {
    auto qp = parse_query(query);
    EXPECT_TRUE(qp) << query;
    auto q = parse_search(*params_, type, qp ? *qp : QueryParams{}, Handling::lenient);
    EXPECT_TRUE(q.ok()) << (q.ok() ? "" : q.issue().diagnostics);
    return q.ok() ? canonical_query(*q) : std::string();
  }

  const SearchParams* params_ = nullptr;
};

TEST_F(QueryCanonicalTest, CriteriaAsSentThenResultParameters) {
  EXPECT_EQ(canonical("Observation",
                      "_count=10&patient=X&_sort=-date,code&code=http://loinc.org%7C44261-6&_total=none&"
                      "_include=Observation:performer:Practitioner&_summary=data&_elements=code,value"),
            "patient=X&code=http://loinc.org%7C44261-6&_include=Observation:performer:Practitioner&"
            "_sort=-date,code&_count=10&_total=none&_summary=data&_elements=code,value");
}

TEST_F(QueryCanonicalTest, IgnoredParametersAreLeftOut) {
  EXPECT_EQ(canonical("Patient", "nonsense=1&name=peter&_text=x&gender=&_format=json"), "name=peter");
}

TEST_F(QueryCanonicalTest, ValuesAreEncoded) {
  // '+' of a zone offset, spaces, '&' and '=' must survive a round trip.
  EXPECT_EQ(canonical("Observation", "date=ge2020-01-01T00:00:00%2B01:00&code:text=a%20b%26c%3Dd"),
            "date=ge2020-01-01T00:00:00%2B01:00&code:text=a%20b%26c%3Dd");
  EXPECT_EQ(canonical("Patient", "name=a%5C,b,c"), "name=a%5C,b,c");
  std::string composite = canonical("Observation", "code-value-quantity=http://loinc.org%7C44261-6$gt10");
  EXPECT_EQ(composite, "code-value-quantity=http://loinc.org%7C44261-6$gt10");
  // What it prints parses back to the same query.
  auto again = canonical("Observation", composite);
  EXPECT_EQ(again, composite);
}

TEST_F(QueryCanonicalTest, IncludesWildcardsSystemLevelAndPaging) {
  EXPECT_EQ(canonical("",
                      "_type=Observation,Condition&_include:recurse=*&_revinclude=Provenance:target&"
                      "_include=Observation:*&_snapshot=abc&_offset=20&_total=accurate"),
            "_type=Observation,Condition&_include:iterate=*&_include=Observation:*&"
            "_revinclude=Provenance:target&_snapshot=abc&_offset=20");
}

TEST_F(QueryCanonicalTest, NextPageIsTheSameQueryAtAnotherOffset) {
  auto qp = parse_query("name=peter&_count=10");
  ASSERT_TRUE(qp);
  auto q = parse_search(*params_, "Patient", *qp, Handling::lenient);
  ASSERT_TRUE(q.ok());
  q->snapshot = "s9";
  q->offset = 10;
  EXPECT_EQ(canonical_query(*q), "name=peter&_count=10&_snapshot=s9&_offset=10");
}

}  // namespace
}  // namespace fhir::search
