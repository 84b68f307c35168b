#include "tests/support/outcome_checks.hpp"

#include <gtest/gtest.h>

namespace carebridge::test {

fhir::json::Value expect_outcome(const HttpResult& r, long status) {
  EXPECT_EQ(r.status, status) << r.body;
  fhir::json::Value oo = r.json();
  EXPECT_EQ(oo.string_at("resourceType"), "OperationOutcome") << r.body;
  const fhir::json::Value* issues = oo.find("issue");
  if (issues == nullptr || issues->items().empty()) {
    ADD_FAILURE() << "no issue in " << r.body;
    return {};
  }
  return issues->items()[0];
}

std::string expression_of(const fhir::json::Value& issue) {
  const fhir::json::Value* e = issue.find("expression");
  return e != nullptr && !e->items().empty() ? e->items()[0].text() : "";
}

}  // namespace carebridge::test
