// The one way a stage or handler asks "may this requester do p on type":
// ok, or a 403 OperationOutcome naming the scope that would be needed.
#pragma once

#include <string_view>

#include "fhir/core/result.hpp"
#include "gateway/auth/request_context.hpp"

namespace gateway::auth {

fhir::Status require_scope(const RequestContext& ctx, std::string_view type, Permission p);

}  // namespace gateway::auth
