// Issues -> OperationOutcome JSON, the body of every error response.
#pragma once

#include <string>
#include <vector>

#include "fhir/core/issue.hpp"

namespace fhir {

std::string operation_outcome_json(const std::vector<Issue>& issues);
std::string operation_outcome_json(const Issue& issue);

}  // namespace fhir
