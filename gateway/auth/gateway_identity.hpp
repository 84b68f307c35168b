// The gateway's own signing identity for the access tokens it issues: its
// key and the name tokens carry as iss and aud.
//
// The key comes from configuration (signing_key_file). Where none is
// configured, the first start generates one beside the store
// (<db>.signing-key.pem, mode 0600) and later starts, and every other
// process on that store (`carebridge token`), load the same file. The name
// is the configured base_url, or else a stable URN derived from the key,
// so a token minted for a store is accepted by the server on that store
// whatever port it listens on.
#pragma once

#include <string>

#include "fhir/core/result.hpp"
#include "gateway/auth/signing_key.hpp"

namespace gateway::auth {

struct GatewayIdentity {
  SigningKey key;
  std::string name;  // iss and aud of access tokens
  bool generated = false;  // this call created the key file
  std::string key_path;
};

// A configured key file must exist (it is never generated under a name
// someone chose); base_url may be empty.
fhir::Result<GatewayIdentity> load_gateway_identity(const std::string& db_path, const std::string& key_file,
                                                    const std::string& base_url);

}  // namespace gateway::auth
