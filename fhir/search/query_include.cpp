#include "fhir/search/query_include.hpp"

#include <algorithm>
#include <string>

#include "fhir/search/query_issues.hpp"

namespace fhir::search {

Result<IncludeSpec> parse_include(const SearchParams& params, std::string_view name, bool iterate,
                                  std::string_view value, const ResourceTypeCheck& check) {
  IncludeSpec spec;
  spec.iterate = iterate;
  if (value == "*") {
    spec.wildcard = true;
    return spec;
  }
  auto c1 = value.find(':');
  if (c1 == std::string_view::npos) return invalid_value(name, "expected Type:parameter[:Target] or *");
  std::string_view source = value.substr(0, c1);
  std::string_view rest = value.substr(c1 + 1);
  auto c2 = rest.find(':');
  std::string_view code = rest.substr(0, c2);
  std::string_view target = c2 == std::string_view::npos ? std::string_view{} : rest.substr(c2 + 1);
  if (!is_resource_type(check, source)) return invalid_value(name, "the source is not a resource type");
  spec.source_type = std::string(source);
  if (code == "*" && c2 == std::string_view::npos) {
    spec.wildcard = true;
    return spec;
  }
  const BoundParam* bound = code.empty() ? nullptr : params.find(source, code);
  if (bound == nullptr || bound->param->type != ParamType::reference)
    return invalid_value(name, "not a reference parameter of the source type");
  spec.param = bound->param;
  if (c2 != std::string_view::npos) {
    const auto& targets = bound->param->targets;
    if (std::find(targets.begin(), targets.end(), target) == targets.end())
      return invalid_value(name, "the parameter cannot refer to the target type");
    spec.target_type = std::string(target);
  }
  return spec;
}

}  // namespace fhir::search
