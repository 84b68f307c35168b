#include "gateway/auth/client_rules.hpp"

#include <array>
#include <fstream>
#include <sstream>
#include <string>

#include "fhir/core/errors.hpp"
#include "fhir/resource/resource.hpp"
#include "gateway/auth/jwk_set.hpp"
#include "gateway/auth/scopes.hpp"
#include "gateway/forwarding/endpoint_allowlist.hpp"

namespace gateway::auth {
namespace {

constexpr std::array<std::string_view, 5> kRoles = {"source", "partner", "compliance", "care-manager", "admin"};

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
  auto parsed = ScopeSet::parse(scopes);
  if (!parsed) return parsed.take_issue();
  return fhir::ok_status();
}

fhir::Status check_client(const fhir::store::ClientRecord& c) {
  if (!fhir::is_valid_id(c.id))
    return fhir::make_issue(fhir::err::kInvalidParameter, "a client id is 1-64 characters from A-Z a-z 0-9 - and .");
  if (!is_client_role(c.role))
    return fhir::make_issue(fhir::err::kInvalidParameter,
                            "the role must be source, partner, compliance, care-manager or admin");
  if (!is_organization_reference(c.organization))
    return fhir::make_issue(fhir::err::kInvalidParameter, "the organization must be Organization/ID");
  if (auto st = check_scopes(c.scopes); !st) return st;
  for (const auto& prefix : c.endpoint_prefixes)
    if (auto normal = forwarding::normalize_endpoint_prefix(prefix); !normal) return normal.take_issue();
  if (c.jwks.empty()) return fhir::ok_status();
  auto set = JwkSet::parse(c.jwks);
  if (!set) return set.take_issue();
  if (set->keys().empty())
    return fhir::make_issue(fhir::err::kInvalidParameter, "the JWKS has no RS384 or ES384 key");
  return fhir::ok_status();
}

fhir::Result<std::string> read_jwks_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fhir::make_issue(fhir::err::kInvalidParameter, "cannot read the JWKS file " + path);
  std::stringstream text;
  text << in.rdbuf();
  fhir::store::ClientRecord probe;
  probe.jwks = text.str();
  auto set = JwkSet::parse(probe.jwks);
  if (!set) return set.take_issue();
  if (set->keys().empty())
    return fhir::make_issue(fhir::err::kInvalidParameter, "the JWKS file " + path + " has no RS384 or ES384 key");
  return std::move(probe.jwks);
}

}  // namespace gateway::auth
