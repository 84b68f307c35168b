#include "gateway/write/write_pipeline.hpp"

#include "fhir/core/errors.hpp"
#include "fhir/core/id_generator.hpp"
#include "profiles/type_model.hpp"
#include "profiles/validator.hpp"

namespace gateway {
namespace {

// parse: body -> Resource.
fhir::Result<fhir::Resource> parse_stage(const WriteRequest& req) {
  if (req.body.empty())
    return fhir::make_issue(fhir::err::kInvalidResource, "The request has no resource in its body");
  return fhir::Resource::parse(req.body);
}

// check: the resource fits the request and its R4 definition.
fhir::Status check_stage(WriteKind kind, std::string_view type, std::string_view id,
                         const fhir::Resource& r, const WriteContext& ctx) {
  if (r.type() != type)
    return fhir::make_issue(fhir::err::kWrongResourceType,
                            "The body's resourceType does not match the URL's type '" +
                                std::string(type) + "'",
                            "resourceType");
  if (kind == WriteKind::update) {
    if (!r.has_id())
      return fhir::make_issue(fhir::err::kMissingId, "An update must carry the resource id",
                              std::string(type) + ".id");
    if (r.id() != id)
      return fhir::make_issue(fhir::err::kIdMismatch,
                              "The resource id does not match the id in the URL",
                              std::string(type) + ".id");
  }
  if (r.has_id() && !fhir::is_valid_id(r.id()))
    return fhir::make_issue(fhir::err::kInvalidId,
                            "Resource ids are 1-64 characters from A-Z a-z 0-9 - and .",
                            std::string(type) + ".id");
  auto issues = profiles::validate(*ctx.types, r.root());
  for (auto& i : issues)
    if (i.severity == fhir::Severity::error || i.severity == fhir::Severity::fatal) return i;
  return fhir::ok_status();
}

// Rewrites every Reference.reference naming a fullUrl of this write.
void rewrite_references(fhir::json::Value& node, const ReferenceMap& refs) {
  if (node.is_array()) {
    for (auto& item : node.items()) rewrite_references(item, refs);
    return;
  }
  if (!node.is_object()) return;
  for (auto& [key, child] : node.members()) {
    if (key == "reference" && child.is_string()) {
      auto it = refs.find(child.text());
      if (it != refs.end()) child.text() = it->second;
    } else {
      rewrite_references(child, refs);
    }
  }
}

// resolve references: literal references stay; fullUrls of this write
// become the Type/id assigned to them. (Conditional references arrive with
// the bundle issue.)
fhir::Status resolve_stage(fhir::Resource& r, const ReferenceMap* refs) {
  if (refs != nullptr && !refs->empty()) rewrite_references(r.root(), *refs);
  return fhir::ok_status();
}

}  // namespace

fhir::Result<PreparedWrite> prepare_parsed(WriteKind kind, std::string_view expected_type,
                                           std::string id, fhir::Resource resource,
                                           std::optional<std::int64_t> if_match,
                                           const WriteContext& ctx, const ReferenceMap* references) {
  PreparedWrite w;
  w.kind = kind;
  w.type = std::string(expected_type);
  w.if_match = if_match;
  if (auto st = check_stage(kind, w.type, id, resource, ctx); !st) return st.take_issue();
  if (auto st = resolve_stage(resource, references); !st) return st.take_issue();
  // R4 create: the server assigns the id and ignores one in the body.
  if (kind == WriteKind::create) resource.set_id(id);
  w.id = std::move(id);
  w.resource = std::move(resource);
  w.patient_compartment = ctx.compartment->patients_of(w.resource);
  return w;
}

fhir::Result<PreparedWrite> prepare_write(const WriteRequest& req, const WriteContext& ctx) {
  if (req.kind == WriteKind::remove) {
    PreparedWrite w;
    w.kind = req.kind;
    w.type = req.type;
    w.id = req.id;
    w.if_match = req.if_match;
    return w;
  }
  auto parsed = parse_stage(req);
  if (!parsed) return parsed.take_issue();
  std::string id = req.kind == WriteKind::create ? fhir::new_resource_id() : req.id;
  return prepare_parsed(req.kind, req.type, std::move(id), std::move(*parsed), req.if_match, ctx,
                        nullptr);
}

}  // namespace gateway
