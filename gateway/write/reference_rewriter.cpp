#include "gateway/write/reference_rewriter.hpp"

#include "fhir/core/errors.hpp"

namespace gateway {

bool is_conditional_reference(std::string_view ref) {
  std::size_t q = ref.find('?');
  if (q == std::string_view::npos || q == 0) return false;
  // "Type?..." only: no scheme, no path before the query.
  return ref.substr(0, q).find_first_of("/:") == std::string_view::npos;
}

void conditional_reference_types(const fhir::json::Value& node, std::set<std::string>& types) {
  if (node.is_array()) {
    for (const auto& item : node.items()) conditional_reference_types(item, types);
    return;
  }
  if (!node.is_object()) return;
  for (const auto& [key, child] : node.members()) {
    if (key == "reference" && child.is_string()) {
      if (is_conditional_reference(child.text())) types.insert(child.text().substr(0, child.text().find('?')));
      continue;
    }
    conditional_reference_types(child, types);
  }
}

fhir::Status rewrite_references(fhir::json::Value& node, const ReferenceMap& refs,
                                const ConditionalResolver& resolve) {
  if (node.is_array()) {
    for (auto& item : node.items())
      if (auto st = rewrite_references(item, refs, resolve); !st) return st;
    return fhir::ok_status();
  }
  if (!node.is_object()) return fhir::ok_status();
  for (auto& [key, child] : node.members()) {
    if (key != "reference" || !child.is_string()) {
      if (auto st = rewrite_references(child, refs, resolve); !st) return st;
      continue;
    }
    std::string& ref = child.text();
    if (auto it = refs.find(ref); it != refs.end()) {
      ref = it->second;
    } else if (ref.rfind("urn:uuid:", 0) == 0 || ref.rfind("urn:oid:", 0) == 0) {
      return fhir::make_issue(fhir::err::kInvalidResource,
                              "A reference names a fullUrl that is not in this Bundle");
    } else if (is_conditional_reference(ref)) {
      auto resolved = resolve(ref);
      if (!resolved) return resolved.take_issue();
      ref = std::move(*resolved);
    }
  }
  return fhir::ok_status();
}

}  // namespace gateway
