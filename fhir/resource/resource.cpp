#include "fhir/resource/resource.hpp"

#include "fhir/core/errors.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"

namespace fhir {

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Result<Resource> Resource::parse(std::string_view text) {
  auto v = json::parse(text);
  if (!v) return v.take_issue();
  return from_value(std::move(*v));
}

Result<Resource> Resource::from_value(json::Value root) {
  if (!root.is_object())
    return make_issue(err::kInvalidResource, "A resource must be a JSON object");
  const json::Value* rt = root.find("resourceType");
  if (rt == nullptr || !rt->is_string() || rt->text().empty())
    return make_issue(err::kInvalidResource, "The resource has no resourceType",
                      "resourceType");
  if (const json::Value* id = root.find("id"); id != nullptr && !id->is_string())
    return make_issue(err::kInvalidId, "id must be a string", std::string(rt->text()) + ".id");
  return Resource(std::move(root));
}

void Resource::set_id(std::string_view id) {
  root_.insert_at(1, "id", json::Value::make_string(std::string(id)));
}

void Resource::stamp_version(std::int64_t version_id, std::string_view last_updated) {
  json::Value* meta = root_.find("meta");
  if (meta == nullptr || !meta->is_object()) {
    std::size_t pos = root_.find("id") != nullptr ? 2 : 1;
    meta = &root_.insert_at(pos, "meta", json::Value::make_object());
  }
  // R4 JSON order puts these two first in meta; a client's copies are replaced.
  meta->erase("versionId");
  meta->erase("lastUpdated");
  meta->insert_at(0, "versionId", json::Value::make_string(std::to_string(version_id)));
  meta->insert_at(1, "lastUpdated", json::Value::make_string(std::string(last_updated)));
}

std::string Resource::to_json() const { return json::write(root_); }

}  // namespace fhir
