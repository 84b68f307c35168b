#include "fhir/store/sqlite_clients.hpp"

#include "fhir/core/errors.hpp"
#include "fhir/store/sqlite_connection.hpp"

namespace fhir::store {
namespace {

#define CAREBRIDGE_CLIENT_COLUMNS "id, role, organization, scopes, jwks, part2_program, created_ms, revoked_ms"

ClientRecord read_client(const Stmt& s) {
  ClientRecord c;
  c.id = s.text(0);
  c.role = s.text(1);
  c.organization = s.text(2);
  c.scopes = s.text(3);
  c.jwks = s.text(4);
  c.part2_program = s.int64(5) != 0;
  c.created_ms = s.int64(6);
  if (!s.is_null(7)) c.revoked_ms = s.int64(7);
  return c;
}

// Every registry change moves the generation in the same transaction, so a
// process that sees the new generation also sees the change.
Status bump_generation(Connection& conn) {
  auto stmt = conn.prepare(
      "INSERT INTO store_meta (key, value) VALUES ('client_generation', '1')"
      " ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)");
  if (!stmt) return stmt.take_issue();
  return stmt->run();
}

}  // namespace

Result<std::optional<ClientRecord>> query_client(Connection& conn, std::string_view id) {
  auto stmt = conn.prepare("SELECT " CAREBRIDGE_CLIENT_COLUMNS " FROM client WHERE id = ?1");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, id);
  auto row = stmt->step();
  if (!row) return row.take_issue();
  if (!*row) return std::optional<ClientRecord>();
  return std::optional<ClientRecord>(read_client(*stmt));
}

Result<std::vector<ClientRecord>> query_clients(Connection& conn) {
  auto stmt = conn.prepare("SELECT " CAREBRIDGE_CLIENT_COLUMNS " FROM client ORDER BY id");
  if (!stmt) return stmt.take_issue();
  std::vector<ClientRecord> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.take_issue();
    if (!*row) return out;
    out.push_back(read_client(*stmt));
  }
}

Status insert_client(Connection& conn, const ClientRecord& c) {
  auto existing = query_client(conn, c.id);
  if (!existing) return existing.take_issue();
  if (*existing) return make_issue(err::kConflict, "A client with this id is already registered");
  auto stmt = conn.prepare("INSERT INTO client (" CAREBRIDGE_CLIENT_COLUMNS
                           ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL)");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, c.id).bind(2, c.role).bind(3, c.organization).bind(4, c.scopes).bind(5, c.jwks);
  stmt->bind(6, std::int64_t{c.part2_program ? 1 : 0}).bind(7, c.created_ms);
  if (auto st = stmt->run(); !st) return st;
  return bump_generation(conn);
}

Status update_client_revoked(Connection& conn, std::string_view id, std::int64_t now_ms) {
  auto existing = query_client(conn, id);
  if (!existing) return existing.take_issue();
  if (!*existing) return make_issue(err::kNotFound, "No client with this id");
  if ((*existing)->revoked_ms) return ok_status();  // revoking twice changes nothing
  auto stmt = conn.prepare("UPDATE client SET revoked_ms = ?2 WHERE id = ?1");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, id).bind(2, now_ms);
  if (auto st = stmt->run(); !st) return st;
  return bump_generation(conn);
}

Status upsert_client(Connection& conn, const ClientRecord& c) {
  auto existing = query_client(conn, c.id);
  if (!existing) return existing.take_issue();
  if (!*existing) return insert_client(conn, c);
  const ClientRecord& old = **existing;
  ClientRecord next = c;
  if (next.jwks.empty()) next.jwks = old.jwks;  // keys registered elsewhere stay
  if (old.role == c.role && old.organization == c.organization && old.scopes == c.scopes && old.jwks == next.jwks &&
      old.part2_program == c.part2_program)
    return ok_status();
  auto stmt = conn.prepare(
      "UPDATE client SET role = ?2, organization = ?3, scopes = ?4, jwks = ?5, part2_program = ?6 WHERE id = ?1");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, next.id).bind(2, next.role).bind(3, next.organization).bind(4, next.scopes).bind(5, next.jwks);
  stmt->bind(6, std::int64_t{next.part2_program ? 1 : 0});
  if (auto st = stmt->run(); !st) return st;
  return bump_generation(conn);
}

Result<std::int64_t> query_client_generation(Connection& conn) {
  auto stmt = conn.prepare("SELECT CAST(value AS INTEGER) FROM store_meta WHERE key = 'client_generation'");
  if (!stmt) return stmt.take_issue();
  auto row = stmt->step();
  if (!row) return row.take_issue();
  return *row ? stmt->int64(0) : std::int64_t{0};
}

Result<bool> claim_assertion_id(Connection& conn, std::string_view client_id, std::string_view jti,
                                std::int64_t expires_ms, std::int64_t now_ms) {
  // Kept a while past their expiry: another instance on this store whose
  // clock runs behind (within the assertion leeway) would still accept them.
  constexpr std::int64_t kKeepAfterExpiryMs = 5 * 60 * 1000;
  auto expired = conn.prepare("DELETE FROM assertion_jti WHERE expires_ms < ?1");
  if (!expired) return expired.take_issue();
  expired->bind(1, now_ms - kKeepAfterExpiryMs);
  if (auto st = expired->run(); !st) return st.take_issue();
  auto stmt = conn.prepare(
      "INSERT INTO assertion_jti (client_id, jti, expires_ms) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (client_id, jti) DO NOTHING RETURNING 1");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, client_id).bind(2, jti).bind(3, expires_ms);
  auto row = stmt->step();
  if (!row) return row.take_issue();
  bool inserted = *row;
  if (inserted) {
    // Drain the statement so the insert completes before the next use.
    auto done = stmt->step();
    if (!done) return done.take_issue();
  }
  return inserted;
}

}  // namespace fhir::store
