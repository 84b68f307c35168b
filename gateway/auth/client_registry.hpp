// ClientRegistry: the registered clients as this process last read them
// from the store, parsed once (keys, scopes) so that the token endpoint and
// every request check a client without touching the store. The change
// follower reloads it when the store's client generation moves, which
// `carebridge client add|revoke` in another process makes happen.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "fhir/core/result.hpp"
#include "fhir/store/store.hpp"
#include "gateway/auth/jwk_set.hpp"
#include "gateway/auth/scopes.hpp"

namespace gateway::auth {

struct RegisteredClient {
  fhir::store::ClientRecord record;
  JwkSet keys;      // empty when none registered (or none usable): no assertion verifies
  ScopeSet allowed;  // its registered scopes within its role's ceiling
  bool revoked() const { return record.revoked_ms.has_value(); }
};

// What a registration allows: its scopes within its role's ceiling, or the
// ceiling itself when it lists none.
ScopeSet allowed_scopes(const fhir::store::ClientRecord& record);

class ClientRegistry {
 public:
  using Clients = std::map<std::string, std::shared_ptr<const RegisteredClient>, std::less<>>;

  // Blocking: reads the store. Called at start-up and by the follower.
  fhir::Status reload(fhir::store::Store& store);
  // The client, revoked or not, or nullptr when unknown.
  std::shared_ptr<const RegisteredClient> find(std::string_view id) const;
  // The generation the registry was last loaded at.
  std::int64_t generation() const;
  // The organizations ("Organization/ID") that registered clients act for.
  std::vector<std::string> organizations() const;

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Clients> clients_ = std::make_shared<const Clients>();
  std::int64_t generation_ = -1;
};

}  // namespace gateway::auth
