#include "gateway/auth/client_registry.hpp"

#include <algorithm>

namespace gateway::auth {

ScopeSet allowed_scopes(const fhir::store::ClientRecord& record) {
  if (record.scopes.empty()) return role_ceiling(record.role);
  auto scopes = ScopeSet::parse(record.scopes);
  return scopes ? scopes->intersect(role_ceiling(record.role)) : ScopeSet();
}

fhir::Status ClientRegistry::reload(fhir::store::Store& store) {
  // The generation first: a change landing between the two reads leaves
  // the registry newer than its generation says, and the next poll reloads.
  auto generation = store.client_generation();
  if (!generation) return generation.take_issue();
  auto records = store.list_clients();
  if (!records) return records.take_issue();
  auto clients = std::make_shared<Clients>();
  for (auto& rec : *records) {
    auto c = std::make_shared<RegisteredClient>();
    if (!rec.jwks.empty())
      if (auto keys = JwkSet::parse(rec.jwks)) c->keys = std::move(*keys);
    c->allowed = allowed_scopes(rec);
    std::string id = rec.id;
    c->record = std::move(rec);
    clients->emplace(std::move(id), std::move(c));
  }
  std::lock_guard lock(mu_);
  // Two reloads may race (the change follower's and a caller's): one that
  // read an older generation never replaces what a newer one installed.
  if (*generation < generation_) return fhir::ok_status();
  clients_ = std::move(clients);
  generation_ = *generation;
  return fhir::ok_status();
}

std::shared_ptr<const RegisteredClient> ClientRegistry::find(std::string_view id) const {
  std::shared_ptr<const Clients> clients;
  {
    std::lock_guard lock(mu_);
    clients = clients_;
  }
  auto it = clients->find(id);
  return it == clients->end() ? nullptr : it->second;
}

std::int64_t ClientRegistry::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

}  // namespace gateway::auth

namespace gateway::auth {

std::vector<std::string> ClientRegistry::organizations() const {
  std::shared_ptr<const Clients> clients;
  {
    std::lock_guard lock(mu_);
    clients = clients_;
  }
  std::vector<std::string> out;
  for (const auto& [id, c] : *clients)
    if (!c->revoked()) out.push_back(c->record.organization);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace gateway::auth
