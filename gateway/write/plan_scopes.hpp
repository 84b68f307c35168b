// The requester's scopes against every entry of a Bundle: each entry's
// interaction on its type (as the authorize stage does for single
// requests), conditional ones (ifNoneExist, Type?criteria URLs) and
// conditional references inside resources needing search (s) as well. In a
// transaction a missing scope fails the whole Bundle (403, naming the
// entry); in a batch, that entry alone.
#pragma once

#include <memory>

#include "fhir/core/result.hpp"
#include "gateway/auth/request_context.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {

// Also sets plan.may_search, so every search the writer runs for the plan
// (conditional criteria, conditional references, also those a PATCH finds
// stored) is checked against the same scopes, chains and _has included.
fhir::Status check_plan_scopes(WritePlan& plan, std::shared_ptr<const auth::RequestContext> ctx);

}  // namespace gateway
