#include <gtest/gtest.h>

#include "fhir/search/query_issues.hpp"

namespace fhir::search {
namespace {

TEST(QueryIssuesTest, InvalidValueNamesTheParameter) {
  Issue i = invalid_value("birthdate", "expected a date");
  EXPECT_EQ(i.severity, Severity::error);
  EXPECT_EQ(i.code, "invalid");
  EXPECT_EQ(i.http_status, 400);
  EXPECT_EQ(i.expression, "birthdate");
  EXPECT_EQ(i.diagnostics, "Parameter 'birthdate': expected a date");
}

TEST(QueryIssuesTest, UnsupportedSaysWhyAndThatStrictHandlingRefusedIt) {
  Issue i = unsupported_parameter("code:in", "modifier ':in' is not supported on token parameters");
  EXPECT_EQ(i.severity, Severity::error);
  EXPECT_EQ(i.code, "invalid");
  EXPECT_EQ(i.http_status, 400);
  EXPECT_EQ(i.expression, "code:in");
  EXPECT_NE(i.diagnostics.find("not supported on token"), std::string::npos);
  EXPECT_NE(i.diagnostics.find("handling=strict"), std::string::npos);
}

}  // namespace
}  // namespace fhir::search
