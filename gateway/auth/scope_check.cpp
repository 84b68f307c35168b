#include "gateway/auth/scope_check.hpp"

#include <string>

#include "fhir/core/errors.hpp"
#include "gateway/auth/safe_text.hpp"

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
  // type may come from a conditional reference's text: repeated only when
  // short and printable.
  return fhir::make_issue(fhir::err::kForbidden, "The access token's scopes do not grant " + std::string(describe(p)) +
                                                     " on " + safe_quote(type));
}

}  // namespace gateway::auth
