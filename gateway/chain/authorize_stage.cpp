#include <optional>

#include "fhir/core/errors.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/auth/scope_check.hpp"
#include "gateway/chain/exchange.hpp"
#include "gateway/chain/stages.hpp"

namespace gateway {
namespace {

using auth::Permission;

// SMART v2: r covers read, vread and instance history; s covers searches
// and type history. Conditional interactions search before they write, so
// they need s as well.
struct Needed {
  Permission first;
  std::optional<Permission> second;
};

std::optional<Needed> needed_for(Interaction i) {
  switch (i) {
    case Interaction::read:
    case Interaction::vread:
    case Interaction::history_instance: return Needed{auth::kRead, {}};
    case Interaction::create: return Needed{auth::kCreate, {}};
    case Interaction::update:
    case Interaction::patch: return Needed{auth::kUpdate, {}};
    case Interaction::conditional_update:
    case Interaction::conditional_patch: return Needed{auth::kUpdate, auth::kSearch};
    case Interaction::remove: return Needed{auth::kDelete, {}};
    case Interaction::conditional_remove: return Needed{auth::kDelete, auth::kSearch};
    case Interaction::history_type:
    case Interaction::search_type: return Needed{auth::kSearch, {}};
    default: return std::nullopt;  // checked below or by the handler
  }
}

Flow deny(Exchange& x, const fhir::Issue& issue) {
  x.fail(issue);
  return Flow::respond;
}

}  // namespace

Flow authorize_stage(Exchange& x, const AppContext&) {
  if (!x.context) return Flow::next;  // an open route
  const auth::RequestContext& ctx = *x.context;
  const Route& r = x.route;
  if (auto n = needed_for(r.interaction)) {
    if (auto st = auth::require_scope(ctx, r.type, n->first); !st) return deny(x, st.issue());
    if (n->second)
      if (auto st = auth::require_scope(ctx, r.type, *n->second); !st) return deny(x, st.issue());
    return Flow::next;
  }
  switch (r.interaction) {
    case Interaction::search_compartment:
      if (auto st = auth::require_scope(ctx, r.compartment_type, auth::kSearch); !st) return deny(x, st.issue());
      break;
    case Interaction::everything:
      // The operation reads the patient; which of its compartment's types
      // it returns the handler narrows to those the token may read.
      if (auto st = auth::require_scope(ctx, "Patient", auth::kRead); !st) return deny(x, st.issue());
      break;
    case Interaction::registry:
      // Rows show Patients, their scores (Observations) and Flags: the
      // token must be able to search each; a caseload also reads its Group.
      for (const char* type : {"Patient", "Observation", "Flag"})
        if (auto st = auth::require_scope(ctx, type, auth::kSearch); !st) return deny(x, st.issue());
      if (!r.type.empty())
        if (auto st = auth::require_scope(ctx, r.type, auth::kRead); !st) return deny(x, st.issue());
      break;
    case Interaction::subscription_status:
      // Reading a Subscription's state is reading the Subscription.
      if (auto st = auth::require_scope(ctx, "Subscription", auth::kRead); !st) return deny(x, st.issue());
      break;
    case Interaction::match:
      // Patient/$match searches Patients (R4: "similar to a search").
      if (auto st = auth::require_scope(ctx, "Patient", auth::kSearch); !st) return deny(x, st.issue());
      break;
    case Interaction::history_system:
      // Every type's history: only for a token that may search every type.
      if (auto st = auth::require_scope(ctx, "*", auth::kSearch); !st) return deny(x, st.issue());
      break;
    default: break;  // system search and bundles: per type, in their handlers
  }
  return Flow::next;
}

}  // namespace gateway
