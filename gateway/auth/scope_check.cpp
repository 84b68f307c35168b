#include "gateway/auth/scope_check.hpp"

#include <string>

#include "fhir/core/errors.hpp"

namespace gateway::auth {
namespace {

std::string_view describe(Permission p) {
  switch (p) {
    case kCreate: return "c (create)";
    case kRead: return "r (read)";
    case kUpdate: return "u (update)";
    case kDelete: return "d (delete)";
    case kSearch: return "s (search)";
  }
  return "?";
}

}  // namespace

fhir::Status require_scope(const RequestContext& ctx, std::string_view type, Permission p) {
  if (ctx.scopes.allows(type, p)) return fhir::ok_status();
  // type is a route's or entry's type, already checked to be an R4 type
  // name (or "*"), so it is safe to repeat.
  return fhir::make_issue(fhir::err::kForbidden, "The access token's scopes do not grant " + std::string(describe(p)) +
                                                     " on " + std::string(type) + " (system/" + std::string(type) +
                                                     "." + std::string(describe(p)).substr(0, 1) + ")");
}

}  // namespace gateway::auth
