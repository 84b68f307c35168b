// Runs a WritePlan through the group-commit writer and returns one outcome
// per entry, or the issue that failed a single write or a transaction.
#pragma once

#include <vector>

#include "fhir/core/result.hpp"
#include "gateway/net/net.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {

struct AppContext;

net::awaitable<fhir::Result<std::vector<EntryOutcome>>> execute_plan(WritePlan plan,
                                                                     const AppContext& app);

}  // namespace gateway
