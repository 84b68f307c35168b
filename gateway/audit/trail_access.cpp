#include "gateway/audit/trail_access.hpp"

#include "fhir/core/errors.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/audit/audit_trail.hpp"
#include "gateway/auth/scope_check.hpp"
#include "gateway/chain/exchange.hpp"

namespace gateway {

net::awaitable<bool> admit_trail_reader(Exchange& x, const AppContext& app, const char* interaction,
                                        auth::Permission p) {
  // Consent policy names compliance a consent reader, not a custodian:
  // the role, not a scope, is what opens the trail (an admin token holds
  // every scope).
  if (x.context->role != "compliance") {
    x.fail(fhir::make_issue(fhir::err::kForbidden, "The audit trail is for the compliance role"));
    if (app.audit != nullptr) {
      consent::AuditDescription d = describe_request(x, app, interaction);
      d.outcome = 4;
      d.outcome_text = "forbidden: the audit trail is for the compliance role";
      co_await record_audit(x, app, std::move(d));
    }
    co_return false;
  }
  if (auto st = auth::require_scope(*x.context, "AuditEvent", p); !st) {
    x.fail(st.issue());
    co_return false;
  }
  if (app.audit == nullptr) {
    x.fail(fhir::make_issue(fhir::err::kUnavailable, "The audit trail is off (audit=0)"));
    co_return false;
  }
  co_return true;
}

}  // namespace gateway
