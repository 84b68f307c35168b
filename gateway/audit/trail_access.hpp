// Who may read the audit trail (GET /AuditEvent, $disclosures): the
// compliance role only. The trail names every patient, client and
// resource the gateway disclosed, so other roles learn nothing from it,
// not even whether a record exists; their attempt is itself recorded.
#pragma once

#include "gateway/auth/scopes.hpp"
#include "gateway/net/net.hpp"

namespace gateway {

struct AppContext;
struct Exchange;

// True when the requester may read the trail with permission p on
// AuditEvent. Otherwise the exchange is answered (403, or 503 when the
// trail is off: the setting audit=0, for measuring only) and false
// returned. interaction: the refusal's AuditEvent subtype.
net::awaitable<bool> admit_trail_reader(Exchange& x, const AppContext& app, const char* interaction,
                                        auth::Permission p);

}  // namespace gateway
