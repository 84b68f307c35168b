// RequestContext: who is asking and why, built once per request by the
// authenticate stage from a verified access token, and read by every later
// stage (scope checks now; consent decisions and audit records later). No
// other stage reads the Authorization header.
#pragma once

#include <cstdint>
#include <string>

#include "gateway/auth/purpose_of_use.hpp"
#include "gateway/auth/scopes.hpp"

namespace gateway::auth {

struct RequestContext {
  std::string client_id;
  std::string organization;  // "Organization/ID" the client acts for
  std::string role;          // source, partner, compliance, care-manager, admin
  // The acting user, when the client named one (hl7-b2b subject_*).
  std::string user_id;    // an identifier such as an NPI
  std::string user_name;
  std::string user_role;
  PurposeOfUse purpose;
  ScopeSet scopes;  // as granted: requested ∩ registered ∩ role ceiling
  std::string token_id;  // the access token's jti (for audit, never the token)
  std::int64_t issued_ms = 0;
  std::int64_t expires_ms = 0;
};

}  // namespace gateway::auth
