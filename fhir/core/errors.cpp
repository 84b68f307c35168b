#include "fhir/core/errors.hpp"

#include <utility>

namespace fhir {

const char* severity_code(Severity s) {
  switch (s) {
    case Severity::fatal: return "fatal";
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::information: return "information";
  }
  return "fatal";
}

Issue make_issue(const ErrorDef& def, std::string diagnostics, std::string expression) {
  Issue i;
  i.severity = def.severity;
  i.code = std::string(def.issue_code);
  i.diagnostics = std::move(diagnostics);
  i.expression = std::move(expression);
  i.http_status = def.http_status;
  return i;
}

}  // namespace fhir
