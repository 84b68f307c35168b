#include "profiles/summary_subset.hpp"

#include <algorithm>
#include <cstddef>

namespace profiles {

using fhir::json::Value;

namespace {

// R4 Meta.tag binding "Common Tags"; search.html "Summary" names this code.
constexpr std::string_view kSystem = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";
constexpr std::string_view kCode = "SUBSETTED";

bool is_subsetted_tag(const Value& coding) {
  return coding.is_object() && coding.string_at("system") == kSystem &&
         coding.string_at("code") == kCode;
}

// Where meta goes when the resource has none: after id (else after
// resourceType), as R4 orders a resource's members: resourceType, id, meta.
std::size_t meta_position(const Value& resource) {
  const auto& members = resource.members();
  auto after = [&](std::string_view key) {
    auto it = std::find_if(members.begin(), members.end(),
                           [&](const Value::Member& m) { return m.first == key; });
    return it == members.end() ? std::size_t{0} : static_cast<std::size_t>(it - members.begin()) + 1;
  };
  std::size_t pos = after("id");
  return pos != 0 ? pos : after("resourceType");
}

}  // namespace

void mark_subsetted(Value& resource) {
  if (!resource.is_object()) return;
  Value* meta = resource.find("meta");
  // A meta that is no object is invalid anyway; the mark matters more.
  if (meta == nullptr || !meta->is_object())
    meta = &resource.insert_at(meta_position(resource), "meta", Value::make_object());
  Value* tags = meta->find("tag");
  if (tags == nullptr || !tags->is_array()) tags = &meta->set("tag", Value::make_array());
  if (std::any_of(tags->items().begin(), tags->items().end(), is_subsetted_tag)) return;
  Value coding = Value::make_object();
  coding.set("system", Value::make_string(std::string(kSystem)));
  coding.set("code", Value::make_string(std::string(kCode)));
  coding.set("display", Value::make_string("subsetted"));
  tags->push_back(std::move(coding));
}

bool keep_top_level(Value& resource, const std::function<bool(std::string_view member)>& keep) {
  if (!resource.is_object()) return false;
  auto& members = resource.members();
  auto removed = std::remove_if(members.begin(), members.end(), [&](const Value::Member& m) {
    return m.first != "resourceType" && !keep(m.first);
  });
  if (removed == members.end()) return false;
  members.erase(removed, members.end());
  mark_subsetted(resource);
  return true;
}

}  // namespace profiles
