// The requester's scopes against every entry of a Bundle: each entry's
// interaction on its type (as the authorize stage does for single
// requests), conditional ones (ifNoneExist, Type?criteria URLs) and
// conditional references inside resources needing search (s) as well. In a
// transaction a missing scope fails the whole Bundle (403, naming the
// entry); in a batch, that entry alone.
#pragma once

#include "fhir/core/result.hpp"
#include "gateway/auth/request_context.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {

fhir::Status check_plan_scopes(WritePlan& plan, const auth::RequestContext& ctx);

}  // namespace gateway
