#include "fhir/search/query_issues.hpp"

#include <string>

#include "fhir/core/errors.hpp"

namespace fhir::search {

Issue invalid_value(std::string_view name, std::string_view what) {
  return make_issue(err::kInvalidParameter, "Parameter '" + std::string(name) + "': " + std::string(what),
                    std::string(name));
}

Issue unsupported_parameter(std::string_view name, std::string_view why) {
  return make_issue(err::kInvalidParameter,
                    "Unsupported search parameter '" + std::string(name) + "': " + std::string(why) +
                        " (refused under Prefer: handling=strict)",
                    std::string(name));
}

}  // namespace fhir::search
