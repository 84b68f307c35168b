// The registry of named errors. Every failure the gateway reports is one of
// these, so a handler never chooses an HTTP status itself (bmcweb's message
// registry). Adding an error means adding a line here.
#pragma once

#include <string>
#include <string_view>

#include "fhir/core/issue.hpp"

namespace fhir {

struct ErrorDef {
  std::string_view name;
  int http_status;
  std::string_view issue_code;  // http://hl7.org/fhir/issue-type
  Severity severity;
};

namespace err {
// 400
inline constexpr ErrorDef kInvalidJson{"invalid-json", 400, "structure", Severity::error};
inline constexpr ErrorDef kInvalidResource{"invalid-resource", 400, "structure", Severity::error};
inline constexpr ErrorDef kInvalidValue{"invalid-value", 400, "value", Severity::error};
inline constexpr ErrorDef kWrongResourceType{"wrong-resource-type", 400, "invalid", Severity::error};
inline constexpr ErrorDef kIdMismatch{"id-mismatch", 400, "invalid", Severity::error};
inline constexpr ErrorDef kInvalidId{"invalid-id", 400, "value", Severity::error};
inline constexpr ErrorDef kMissingId{"missing-id", 400, "required", Severity::error};
inline constexpr ErrorDef kInvalidParameter{"invalid-parameter", 400, "invalid", Severity::error};
inline constexpr ErrorDef kInvalidRequest{"invalid-request", 400, "invalid", Severity::error};
// 401. IssueType "unknown" is R4's word for "the proffered token is
// unacceptable" (a bad signature, algorithm or format).
inline constexpr ErrorDef kInvalidToken{"invalid-token", 401, "unknown", Severity::error};
// 403: authenticated, but the token's scopes do not cover the request.
inline constexpr ErrorDef kForbidden{"forbidden", 403, "forbidden", Severity::error};
// 404 / 405 / 406 / 409 / 410 / 412 / 413 / 415
inline constexpr ErrorDef kUnknownType{"unknown-type", 404, "not-supported", Severity::error};
inline constexpr ErrorDef kNotFound{"not-found", 404, "not-found", Severity::error};
inline constexpr ErrorDef kUnknownRoute{"unknown-route", 404, "not-found", Severity::error};
inline constexpr ErrorDef kMethodNotAllowed{"method-not-allowed", 405, "not-supported", Severity::error};
inline constexpr ErrorDef kNotAcceptable{"not-acceptable", 406, "not-supported", Severity::error};
inline constexpr ErrorDef kConflict{"conflict", 409, "conflict", Severity::error};
inline constexpr ErrorDef kGone{"gone", 410, "deleted", Severity::error};
inline constexpr ErrorDef kVersionConflict{"version-conflict", 412, "conflict", Severity::error};
inline constexpr ErrorDef kBodyTooLarge{"body-too-large", 413, "too-costly", Severity::error};
inline constexpr ErrorDef kUnsupportedMediaType{"unsupported-media-type", 415, "not-supported", Severity::error};
// 5xx: never carry internals in diagnostics.
inline constexpr ErrorDef kInternal{"internal", 500, "exception", Severity::fatal};
inline constexpr ErrorDef kStorage{"storage", 500, "exception", Severity::fatal};
inline constexpr ErrorDef kUnavailable{"unavailable", 503, "transient", Severity::fatal};
}  // namespace err

Issue make_issue(const ErrorDef& def, std::string diagnostics, std::string expression = {});

}  // namespace fhir
