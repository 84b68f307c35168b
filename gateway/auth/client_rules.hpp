// What a client registration may say: the five roles, the Organization it
// acts for, SMART scopes (v2 "system/Observation.rs", v1
// "system/*.read"). Checked by `carebridge client add` and, later, by the
// config file's clients.
#pragma once

#include <string_view>

#include "fhir/core/result.hpp"

namespace gateway::auth {

// source, partner, compliance, care-manager, admin.
bool is_client_role(std::string_view role);
// "Organization/ID" with a valid FHIR id.
bool is_organization_reference(std::string_view reference);
// Space-separated SMART scopes; errors name the first bad one.
fhir::Status check_scopes(std::string_view scopes);

}  // namespace gateway::auth
