#include "gateway/write/file_writes.hpp"

#include "fhir/core/errors.hpp"
#include "fhir/core/id_generator.hpp"

namespace gateway {
namespace {

struct PlannedEntry {
  WriteKind kind;
  std::string type;
  std::string id;
  fhir::json::Value* resource;
};

fhir::Issue entry_issue(std::size_t i, const std::string& why) {
  return fhir::make_issue(fhir::err::kInvalidResource, "Bundle.entry[" + std::to_string(i) + "]: " + why,
                          "Bundle.entry[" + std::to_string(i) + "]");
}

// Plans an entry: its kind, type and id, before any entry is checked, so the
// fullUrl map is complete when references are resolved.
fhir::Result<PlannedEntry> plan_entry(std::size_t i, fhir::json::Value& entry) {
  fhir::json::Value* resource = entry.find("resource");
  const fhir::json::Value* request = entry.find("request");
  if (resource == nullptr || !resource->is_object() || request == nullptr)
    return entry_issue(i, "needs a resource and a request");
  std::string type(resource->string_at("resourceType"));
  std::string_view method = request->string_at("method");
  std::string_view url = request->string_at("url");
  if (request->find("ifNoneExist") != nullptr || request->find("ifMatch") != nullptr ||
      url.find('?') != std::string_view::npos)
    return entry_issue(i, "conditional entries are not supported by import yet");
  if (method == "POST") return PlannedEntry{WriteKind::create, type, fhir::new_resource_id(), resource};
  if (method == "PUT") {
    std::size_t slash = url.find('/');
    if (slash == std::string_view::npos || url.substr(0, slash) != type)
      return entry_issue(i, "PUT needs request.url Type/id");
    return PlannedEntry{WriteKind::update, type, std::string(url.substr(slash + 1)), resource};
  }
  return entry_issue(i, "only POST and PUT entries can be imported");
}

}  // namespace

fhir::Result<std::vector<PreparedWrite>> prepare_file_writes(std::string_view json,
                                                             const WriteContext& ctx) {
  auto parsed = fhir::Resource::parse(json);
  if (!parsed) return parsed.take_issue();
  std::vector<PreparedWrite> out;
  fhir::json::Value& root = parsed->root();
  std::string_view bundle_type = root.string_at("type");
  bool is_write_bundle =
      parsed->type() == "Bundle" && (bundle_type == "transaction" || bundle_type == "batch");
  if (!is_write_bundle) {
    std::string type(parsed->type());
    WriteKind kind = parsed->has_id() ? WriteKind::update : WriteKind::create;
    std::string id = parsed->has_id() ? std::string(parsed->id()) : fhir::new_resource_id();
    auto w = prepare_parsed(kind, type, std::move(id), std::move(*parsed), std::nullopt, ctx, nullptr);
    if (!w) return w.take_issue();
    out.push_back(std::move(*w));
    return out;
  }

  fhir::json::Value* entries = root.find("entry");
  if (entries == nullptr || !entries->is_array()) return out;
  std::vector<PlannedEntry> plan;
  ReferenceMap refs;
  for (std::size_t i = 0; i < entries->items().size(); ++i) {
    auto p = plan_entry(i, entries->items()[i]);
    if (!p) return p.take_issue();
    std::string_view full_url = entries->items()[i].string_at("fullUrl");
    if (!full_url.empty()) refs.emplace(std::string(full_url), p->type + "/" + p->id);
    plan.push_back(std::move(*p));
  }
  for (std::size_t i = 0; i < plan.size(); ++i) {
    auto r = fhir::Resource::from_value(std::move(*plan[i].resource));
    if (!r) return entry_issue(i, r.issue().diagnostics);
    auto w = prepare_parsed(plan[i].kind, plan[i].type, plan[i].id, std::move(*r), std::nullopt,
                            ctx, &refs);
    if (!w) {
      fhir::Issue issue = w.take_issue();
      issue.diagnostics = "Bundle.entry[" + std::to_string(i) + "]: " + issue.diagnostics;
      return issue;
    }
    out.push_back(std::move(*w));
  }
  return out;
}

}  // namespace gateway
