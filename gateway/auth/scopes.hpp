// SMART system scopes as a set of permissions per resource type.
//
// Backend Services clients act for a system, so only "system/" scopes are
// meaningful: v2 "system/Observation.rs", "system/*.cruds" and v1
// "system/*.read" (= rs), "system/*.write" (= cud), "system/*.*" (= cruds).
// Scopes are granted as the intersection of what the client asked for,
// what its registration allows and what its role may ever have
// (role_ceiling), and written back in the v2 form.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "fhir/core/result.hpp"

namespace gateway::auth {

// SMART v2 permission letters, one bit each.
enum Permission : std::uint8_t {
  kCreate = 1,
  kRead = 2,    // read, vread, instance history, and resources reached by reference (_include)
  kUpdate = 4,  // update and patch
  kDelete = 8,
  kSearch = 16,  // type/system/compartment search, type/system history, conditional criteria
};
inline constexpr std::uint8_t kAllPermissions = kCreate | kRead | kUpdate | kDelete | kSearch;

class ScopeSet {
 public:
  // Space-separated scopes. Errors name the first scope that is not a SMART
  // system scope; an empty string is the empty set.
  static fhir::Result<ScopeSet> parse(std::string_view scopes);
  // The same, skipping what is not a SMART system scope this server grants.
  static ScopeSet parse_known(std::string_view scopes);

  bool allows(std::string_view type, Permission p) const;
  // The permissions this set has on type (wildcard included).
  std::uint8_t permissions(std::string_view type) const;
  // Any permission at all on any type.
  bool empty() const;
  ScopeSet intersect(const ScopeSet& other) const;
  // Every permission here is also in other.
  bool within(const ScopeSet& other) const;
  // Canonical v2 form: "system/*.rs system/AuditEvent.cruds", wildcard
  // first, then types in name order, each listing only what the wildcard
  // does not already give.
  std::string to_string() const;

 private:
  std::uint8_t wildcard_ = 0;
  std::map<std::string, std::uint8_t, std::less<>> types_;
};

// What a role may ever be granted, whatever its registration says:
// sources push data, partners and care managers read it, compliance reads
// the audit trail and what it needs to account for disclosures, admin all.
const ScopeSet& role_ceiling(std::string_view role);

}  // namespace gateway::auth
