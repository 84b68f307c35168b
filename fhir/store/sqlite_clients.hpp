// The client registry table (sqlite_migrations.cpp step 4) with each
// client's endpoint prefixes (step 9), and used assertion ids (step 5):
// reads on any connection, writes on the writer's inside its transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/store/store.hpp"

namespace fhir::store {

class Connection;

Result<std::optional<ClientRecord>> query_client(Connection& conn, std::string_view id);
Result<std::vector<ClientRecord>> query_clients(Connection& conn);
Status insert_client(Connection& conn, const ClientRecord& c);
Status update_client_revoked(Connection& conn, std::string_view id, std::int64_t now_ms);
// Replaces role, organization, scopes, keys (unless c.jwks is empty), the
// Part 2 flag and the endpoint prefixes (all of them, none included).
Status upsert_client(Connection& conn, const ClientRecord& c);
// store_meta "client_generation": bumped by every change above.
Result<std::int64_t> query_client_generation(Connection& conn);
Result<bool> claim_assertion_id(Connection& conn, std::string_view client_id, std::string_view jti,
                                std::int64_t expires_ms, std::int64_t now_ms);

}  // namespace fhir::store
