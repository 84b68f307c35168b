// Checks on OperationOutcome answers, shared by the server tests.
#pragma once

#include <string>

#include "fhir/json/value.hpp"
#include "tests/support/test_client.hpp"

namespace carebridge::test {

// Checks the status and that the body is an OperationOutcome with an issue;
// returns its first issue (an empty value after reporting a failure).
fhir::json::Value expect_outcome(const HttpResult& r, long status);
// The first expression of an issue, or "".
std::string expression_of(const fhir::json::Value& issue);

}  // namespace carebridge::test
