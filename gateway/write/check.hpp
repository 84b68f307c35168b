// The check stage: a resource fits the request and its R4 definition.
#pragma once

#include <string_view>

#include "fhir/core/result.hpp"
#include "fhir/resource/resource.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {

// The resource is of the type the URL names and, for an update by id
// (id_required), carries that id; any id it carries is well-formed.
fhir::Status check_identity(const fhir::Resource& r, std::string_view expected_type,
                            std::string_view url_id, bool id_required);

// AuditEvent is the gateway's own trail (issue: audit): no client creates,
// changes or deletes one; 405 for any write of that type.
fhir::Status check_writable_type(std::string_view type);

// A Subscription belongs to the client that writes it
// (gateway/forwarding/subscription_write.hpp), which a Bundle entry or an
// import does not name: 400 for a Subscription written that way.
fhir::Status check_bundle_entry_type(std::string_view type);

// The resource conforms to the R4 definition of its type (profiles/).
fhir::Status validate_resource(const fhir::Resource& r, const WriteContext& ctx);

}  // namespace gateway
