// What a client registration may say: the five roles, the Organization it
// acts for, SMART scopes (v2 "system/Observation.rs", v1
// "system/*.read"), its keys, the endpoint prefixes it may be sent to
// (gateway/forwarding/endpoint_allowlist.hpp). Checked by `carebridge
// client add` and for the config file's clients.
#pragma once

#include <string>
#include <string_view>

#include "fhir/core/result.hpp"
#include "fhir/store/store.hpp"

namespace gateway::auth {

// source, partner, compliance, care-manager, admin.
bool is_client_role(std::string_view role);
// "Organization/ID" with a valid FHIR id.
bool is_organization_reference(std::string_view reference);
// Space-separated SMART scopes; errors name the first bad one.
fhir::Status check_scopes(std::string_view scopes);
// Everything above for one registration, its endpoint prefixes, and its
// JWKS (when it has one) holding at least one key a client may sign with.
fhir::Status check_client(const fhir::store::ClientRecord& c);
// A JWKS file's text, checked as check_client would.
fhir::Result<std::string> read_jwks_file(const std::string& path);

}  // namespace gateway::auth
