// Issue: one problem, mapping one-to-one onto an OperationOutcome.issue.
#pragma once

#include <string>

namespace fhir {

// fatal: our process failed; error: the data or request is invalid;
// warning: a data smell we accept (google/fhir's split).
enum class Severity { fatal, error, warning, information };

struct Issue {
  Severity severity = Severity::fatal;
  std::string code;         // IssueType: "invalid", "not-found", ...
  std::string diagnostics;  // for people; never PHI or token text
  std::string expression;   // FHIRPath of the element, e.g. "Patient.name[1].given"
  int http_status = 500;    // set by the error registry, never by handlers
};

const char* severity_code(Severity s);

}  // namespace fhir
