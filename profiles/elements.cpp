#include "profiles/elements.hpp"

#include <algorithm>
#include <string_view>

#include "profiles/summary_subset.hpp"

namespace profiles {

using fhir::json::Value;

bool apply_elements(Value& resource, const std::vector<std::string>& elements,
                    const SummaryElements& table) {
  if (!resource.is_object()) return false;
  const TypeSummary* type = table.find(resource.string_at("resourceType"));
  static const TypeSummary kUnknown;
  const TypeSummary& known = type != nullptr ? *type : kUnknown;
  auto asked = [&](std::string_view name) {
    return std::find(elements.begin(), elements.end(), name) != elements.end();
  };
  return keep_top_level(resource, [&](std::string_view member) {
    std::string_view base = known.base_name(member);
    std::string_view json_name = member.starts_with('_') ? member.substr(1) : member;
    return base == "id" || base == "meta" || known.is_mandatory(base) || asked(base) ||
           (json_name != base && asked(json_name));
  });
}

}  // namespace profiles
