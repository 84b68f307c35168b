// transaction-response and batch-response Bundles (R4 http.html#transaction-response).
#pragma once

#include <string>
#include <vector>

#include "gateway/write/write_pipeline.hpp"

namespace gateway {

// "201 Created", "412 Precondition Failed", ...
std::string status_line(int status);

// include_resources: Prefer: return=representation. GET entries always
// carry the resource they read (R4 Bundle-bundle-response example).
std::string bundle_response_json(PlanKind kind, const std::vector<EntryOutcome>& outcomes,
                                 const std::string& bundle_id, const std::string& now,
                                 bool include_resources);

}  // namespace gateway
