#include "profiles/summary.hpp"

#include <string_view>

#include "fhir/search/query.hpp"
#include "profiles/summary_subset.hpp"

namespace profiles {

using fhir::json::Value;
using fhir::search::Summary;

namespace {

// Resource.id, meta and implicitRules are summary elements of every type
// (the table lists them too); kept here so an unknown type keeps them.
bool is_resource_summary(std::string_view base) {
  return base == "id" || base == "meta" || base == "implicitRules";
}

}  // namespace

bool apply_summary(Value& resource, Summary mode, const SummaryElements& table) {
  if (!resource.is_object()) return false;
  const TypeSummary* type = table.find(resource.string_at("resourceType"));
  static const TypeSummary kUnknown;
  const TypeSummary& elements = type != nullptr ? *type : kUnknown;
  switch (mode) {
    case Summary::true_:
      return keep_top_level(resource, [&](std::string_view member) {
        std::string_view base = elements.base_name(member);
        return is_resource_summary(base) || elements.is_summary(base);
      });
    case Summary::text:
      return keep_top_level(resource, [&](std::string_view member) {
        std::string_view base = elements.base_name(member);
        return base == "text" || base == "id" || base == "meta" || elements.is_mandatory(base);
      });
    case Summary::data:
      return keep_top_level(resource, [](std::string_view member) { return member != "text"; });
    case Summary::none:
    case Summary::false_:
    case Summary::count:
      return false;
  }
  return false;
}

}  // namespace profiles
