// One handler per REST interaction, each in its own file. A handler reads
// the routed Exchange, does its storage work on the storage pool, and fills
// the response (or calls Exchange::fail).
#pragma once

#include "gateway/net/net.hpp"

namespace gateway {

struct AppContext;
struct Exchange;

net::awaitable<void> handle_capabilities(Exchange& x, const AppContext& app);
net::awaitable<void> handle_smart_configuration(Exchange& x, const AppContext& app);
net::awaitable<void> handle_jwks(Exchange& x, const AppContext& app);
net::awaitable<void> handle_token(Exchange& x, const AppContext& app);
net::awaitable<void> handle_read(Exchange& x, const AppContext& app);
net::awaitable<void> handle_vread(Exchange& x, const AppContext& app);
net::awaitable<void> handle_create(Exchange& x, const AppContext& app);
net::awaitable<void> handle_update(Exchange& x, const AppContext& app);
net::awaitable<void> handle_patch(Exchange& x, const AppContext& app);
net::awaitable<void> handle_delete(Exchange& x, const AppContext& app);
net::awaitable<void> handle_bundle(Exchange& x, const AppContext& app);
net::awaitable<void> handle_history(Exchange& x, const AppContext& app);
net::awaitable<void> handle_search(Exchange& x, const AppContext& app);
net::awaitable<void> handle_everything(Exchange& x, const AppContext& app);
net::awaitable<void> handle_consent_decision(Exchange& x, const AppContext& app);
// GET /AuditEvent and GET /AuditEvent/{id}: the audit log, not the store.
net::awaitable<void> handle_audit_search(Exchange& x, const AppContext& app);
net::awaitable<void> handle_audit_read(Exchange& x, const AppContext& app);
net::awaitable<void> handle_disclosures(Exchange& x, const AppContext& app);
// GET /Subscription/{id}/$status (subscription_status_handler.cpp).
net::awaitable<void> handle_subscription_status(Exchange& x, const AppContext& app);

// GET /$registry and GET /Group/{id}/$registry (care/registry_service.hpp).
net::awaitable<void> handle_registry(Exchange& x, const AppContext& app);
// POST /Patient/$match (match_handler.cpp): stored Patients that may be the
// person a Parameters body describes, scored; writes nothing.
net::awaitable<void> handle_match(Exchange& x, const AppContext& app);

}  // namespace gateway
