// A client's write of a Subscription (issue 10), checked and made the
// gateway's before the write pipeline runs it. A Subscription belongs to
// the client that creates it, and only it may change or delete it
// (consent/enforcement/subscription_owner.hpp: the id the gateway assigns
// names the owner; any other client is told there is no such resource,
// whether there is or not). What is checked (subscription_spec.hpp reads
// the resource):
// - create by POST (the gateway assigns the id), update by PUT of an own
//   id, delete of an own id (or any, by an admin); no conditional form,
//   no PATCH, no Subscription in a Bundle or an import (check.hpp);
// - rest-hook to an endpoint inside the client's registered prefixes
//   (403 otherwise), criteria a search the client may run (403 for a type
//   its scopes cannot search and read), a payload content level;
// - not under an emergency purpose: break the glass opens one request,
//   never a standing feed (42 CFR 2.51 is for the emergency at hand).
// The status is the gateway's to keep: a create or update is `requested`
// (a new handshake), unless the client asks for `off`; `error` is
// cleared. The owner and the token's purpose go to the plan
// (plan.subscriber), for the state the write step keeps.
#pragma once

#include "fhir/core/result.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {

struct AppContext;
namespace auth {
struct RequestContext;
}

fhir::Status prepare_subscription_write(WritePlan& plan, const auth::RequestContext& requester, const AppContext& app);

}  // namespace gateway
