#include "fhir/search/reference_parts.hpp"

#include "fhir/resource/resource.hpp"

namespace fhir::search {
namespace {

bool is_type_name(std::string_view s) {
  if (s.empty() || s.front() < 'A' || s.front() > 'Z') return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
  return true;
}


// Removes and returns the last "/segment" of s ("" when s has no '/').
std::string_view pop_segment(std::string_view& s) {
  auto slash = s.rfind('/');
  if (slash == std::string_view::npos) {
    std::string_view all = s;
    s = {};
    return all;
  }
  std::string_view last = s.substr(slash + 1);
  s = s.substr(0, slash);
  return last;
}

}  // namespace

std::optional<ReferenceParts> parse_reference(std::string_view ref) {
  ReferenceParts p;
  if (!ref.empty() && ref.front() == '#') {
    p.local = true;
    p.id = ref.substr(1);
    return p;
  }
  // Conditional reference (transaction bundles): "Patient?identifier=x".
  if (auto q = ref.find('?'); q != std::string_view::npos) {
    std::string_view path = ref.substr(0, q);
    std::string_view type = pop_segment(path);
    if (!is_type_name(type)) return std::nullopt;
    p.base = path;
    p.type = type;
    return p;
  }
  std::string_view rest = ref;
  if (auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  std::string_view last = pop_segment(rest);
  std::string_view before = pop_segment(rest);
  if (before == "_history") {
    p.version = last;
    last = pop_segment(rest);
    before = pop_segment(rest);
  }
  if (!is_type_name(before) || !fhir::is_valid_id(last)) return std::nullopt;
  p.base = rest;
  p.type = before;
  p.id = last;
  return p;
}

}  // namespace fhir::search
