// Shared pieces of responses that carry a resource version: ETag,
// Last-Modified, Location, and the Prefer: return choice.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fhir/core/result.hpp"
#include "gateway/write/etag.hpp"

namespace gateway {

struct AppContext;
struct Exchange;
struct HttpResponse;

void set_version_headers(HttpResponse& r, std::int64_t version, std::int64_t last_updated_ms);
std::string version_url(const AppContext& app, std::string_view type, std::string_view id,
                        std::int64_t version);

// Answers a create or update: status, headers, Location, and the body
// Prefer asks for (the resource, nothing, or an OperationOutcome).
void respond_written(Exchange& x, const AppContext& app, int status, std::string_view id,
                     std::int64_t version, std::int64_t last_updated_ms, std::string json);

}  // namespace gateway
