// The parse and check stages: a request body becomes a WritePlan of checked
// entries, before anything touches the store. Three doors lead in, one per
// kind of caller, and all produce the same plan for the same writer.
#pragma once

#include <string>
#include <string_view>

#include "fhir/core/result.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {

// A single REST write: POST/PUT/PATCH/DELETE on [type] or [type]/[id].
struct RestWrite {
  EntryMethod method = EntryMethod::post;
  std::string type;
  std::string id;             // empty for a conditional PUT/PATCH/DELETE or a create
  std::string criteria;       // conditional PUT/PATCH/DELETE: the URL's query
  std::string_view body;
  std::string_view content_type;   // media type of the body, lower-case, no parameters
  std::string_view if_match;       // header
  std::string_view if_none_exist;  // header
};

fhir::Result<WritePlan> plan_rest_write(const RestWrite& w, const WriteContext& ctx);

// POST / with a transaction or batch Bundle.
fhir::Result<WritePlan> plan_bundle(std::string_view body, const WriteContext& ctx);

// `carebridge import`: a transaction or batch Bundle, or any other resource
// (an update when it carries an id, else a create).
fhir::Result<WritePlan> plan_import(std::string_view body, const WriteContext& ctx);

}  // namespace gateway
