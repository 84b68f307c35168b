#include "gateway/write/check.hpp"

#include "fhir/core/errors.hpp"
#include "profiles/validator.hpp"

namespace gateway {

fhir::Status check_identity(const fhir::Resource& r, std::string_view expected_type,
                            std::string_view url_id, bool id_required) {
  std::string type(expected_type);
  if (r.type() != expected_type)
    return fhir::make_issue(fhir::err::kWrongResourceType,
                            "The resourceType does not match the type '" + type + "' of the URL",
                            "resourceType");
  if (id_required) {
    if (!r.has_id())
      return fhir::make_issue(fhir::err::kMissingId, "An update must carry the resource id",
                              type + ".id");
    if (r.id() != url_id)
      return fhir::make_issue(fhir::err::kIdMismatch,
                              "The resource id does not match the id in the URL", type + ".id");
  }
  if (r.has_id() && !fhir::is_valid_id(r.id()))
    return fhir::make_issue(fhir::err::kInvalidId,
                            "Resource ids are 1-64 characters from A-Z a-z 0-9 - and .",
                            type + ".id");
  return fhir::ok_status();
}

fhir::Status check_writable_type(std::string_view type) {
  if (type == "AuditEvent")
    return fhir::make_issue(fhir::err::kMethodNotAllowed,
                            "AuditEvent is the gateway's own audit trail: it cannot be written through the API");
  return fhir::ok_status();
}

fhir::Status check_bundle_entry_type(std::string_view type) {
  if (type == "Subscription")
    return fhir::make_issue(fhir::err::kInvalidRequest,
                            "A Subscription is written with its own request (POST /Subscription) by the client it "
                            "belongs to, not in a Bundle or an import");
  return fhir::ok_status();
}

fhir::Status validate_resource(const fhir::Resource& r, const WriteContext& ctx) {
  for (auto& issue : profiles::validate(*ctx.types, r.root()))
    if (issue.severity == fhir::Severity::error || issue.severity == fhir::Severity::fatal)
      return issue;
  return fhir::ok_status();
}

}  // namespace gateway
