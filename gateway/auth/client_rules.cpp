#include "gateway/auth/client_rules.hpp"

#include <array>
#include <string>

#include "fhir/core/errors.hpp"
#include "fhir/resource/resource.hpp"

namespace gateway::auth {
namespace {

constexpr std::array<std::string_view, 5> kRoles = {"source", "partner", "compliance", "care-manager", "admin"};

bool is_type_name(std::string_view s) {
  if (s.empty() || s.front() < 'A' || s.front() > 'Z') return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
  return true;
}

// SMART v2 permissions "cruds" (each at most once, in that order) or v1
// "read", "write", "*".
bool is_permission(std::string_view p) {
  if (p == "read" || p == "write" || p == "*") return true;
  if (p.empty()) return false;
  constexpr std::string_view kOrder = "cruds";
  std::size_t at = 0;
  for (char c : p) {
    std::size_t found = kOrder.find(c, at);
    if (found == std::string_view::npos) return false;
    at = found + 1;
  }
  return true;
}

// "system/Type.perm" or "system/*.perm" (Backend Services clients act
// for a system, not a user or a patient).
bool is_scope(std::string_view s) {
  constexpr std::string_view kContext = "system/";
  if (s.substr(0, kContext.size()) != kContext) return false;
  s.remove_prefix(kContext.size());
  std::size_t dot = s.find('.');
  if (dot == std::string_view::npos) return false;
  std::string_view type = s.substr(0, dot);
  return (type == "*" || is_type_name(type)) && is_permission(s.substr(dot + 1));
}

}  // namespace

bool is_client_role(std::string_view role) {
  for (auto r : kRoles)
    if (r == role) return true;
  return false;
}

bool is_organization_reference(std::string_view reference) {
  constexpr std::string_view kPrefix = "Organization/";
  return reference.substr(0, kPrefix.size()) == kPrefix && fhir::is_valid_id(reference.substr(kPrefix.size()));
}

fhir::Status check_scopes(std::string_view scopes) {
  std::size_t start = 0;
  while (start < scopes.size()) {
    std::size_t end = scopes.find(' ', start);
    if (end == std::string_view::npos) end = scopes.size();
    std::string_view scope = scopes.substr(start, end - start);
    if (!scope.empty() && !is_scope(scope))
      return fhir::make_issue(fhir::err::kInvalidParameter,
                              "'" + std::string(scope) +
                                  "' is not a SMART system scope (system/Type.cruds, system/*.rs, system/*.read)");
    start = end + 1;
  }
  return fhir::ok_status();
}

}  // namespace gateway::auth
