#include "consent/decision/identifier.hpp"

#include <cctype>

namespace consent {
namespace {

constexpr std::string_view kUriSystem = "urn:ietf:rfc:3986";
constexpr std::string_view kOidPrefix = "urn:oid:";

bool starts_with_folded(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

// Splits an optional case-folded "urn:oid:" prefix off.
std::string_view strip_oid(std::string_view s, bool& had_prefix) {
  had_prefix = starts_with_folded(s, kOidPrefix);
  return had_prefix ? s.substr(kOidPrefix.size()) : s;
}

bool same_system(std::string_view a, std::string_view b) {
  bool pa = false, pb = false;
  std::string_view ra = strip_oid(a, pa), rb = strip_oid(b, pb);
  return pa == pb && ra == rb;
}

bool is_type_name(std::string_view s) {
  if (s.empty() || !std::isupper(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  return true;
}

}  // namespace

bool same_identifier(const Identifier& a, const Identifier& b) {
  if (a.value.empty() || b.value.empty()) return false;
  if (!same_system(a.system, b.system)) return false;
  bool pa = false, pb = false;
  std::string_view va = strip_oid(a.value, pa), vb = strip_oid(b.value, pb);
  // Only RFC 3986 URIs may drop the prefix: elsewhere a value is opaque.
  if (a.system == kUriSystem) return va == vb;
  return pa == pb && va == vb;
}

std::string_view relative_reference(std::string_view ref) {
  if (ref.empty() || ref[0] == '#' || ref.substr(0, 4) == "urn:") return {};
  if (auto h = ref.find("/_history/"); h != std::string_view::npos) ref = ref.substr(0, h);
  while (!ref.empty() && ref.back() == '/') ref.remove_suffix(1);
  auto slash = ref.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return {};
  auto type_start = ref.rfind('/', slash - 1);
  type_start = type_start == std::string_view::npos ? 0 : type_start + 1;
  std::string_view out = ref.substr(type_start);
  if (!is_type_name(out.substr(0, slash - type_start)) || slash + 1 >= ref.size()) return {};
  return out;
}

std::string_view reference_type(std::string_view relative) {
  auto slash = relative.find('/');
  return slash == std::string_view::npos ? std::string_view{} : relative.substr(0, slash);
}

}  // namespace consent
