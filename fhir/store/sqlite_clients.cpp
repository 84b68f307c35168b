#include "fhir/store/sqlite_clients.hpp"

#include <algorithm>

#include "fhir/core/errors.hpp"
#include "fhir/store/sqlite_connection.hpp"

namespace fhir::store {
namespace {

#define CAREBRIDGE_CLIENT_COLUMNS "id, role, organization, scopes, jwks, part2_program, created_ms, revoked_ms"
// The row and its endpoint prefixes (step 9) in one statement, so both come
// from one snapshot also on a reader connection outside a transaction. The
// prefixes are joined by newlines, which a prefix never holds
// (check_prefixes).
#define CAREBRIDGE_CLIENT_SELECT                                                                     \
  "SELECT " CAREBRIDGE_CLIENT_COLUMNS                                                                \
  ", (SELECT group_concat(prefix, char(10)) FROM client_endpoint WHERE client_id = client.id) FROM client"

// Byte order, without repeats: the form the table keys and reads give back.
std::vector<std::string> prefix_set(std::vector<std::string> prefixes) {
  std::sort(prefixes.begin(), prefixes.end());
  prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());
  return prefixes;
}

std::vector<std::string> split_prefixes(const std::string& joined) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= joined.size()) {
    const std::size_t end = std::min(joined.find('\n', start), joined.size());
    out.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return prefix_set(std::move(out));
}

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
  if (!s.is_null(8)) c.endpoint_prefixes = split_prefixes(s.text(8));
  return c;
}

// What a URL is, and may be, is the gateway's business; the store only
// needs each prefix to survive the newline-joined read above.
Status check_prefixes(const std::vector<std::string>& prefixes) {
  for (const auto& p : prefixes) {
    const bool control = std::any_of(p.begin(), p.end(), [](char ch) {
      return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f;
    });
    if (p.empty() || control)
      return make_issue(err::kInvalidValue, "An endpoint prefix is non-empty text without control characters");
  }
  return ok_status();
}

// Replaces the client's prefixes with these (already a prefix_set).
Status write_prefixes(Connection& conn, std::string_view id, const std::vector<std::string>& prefixes) {
  auto clear = conn.prepare("DELETE FROM client_endpoint WHERE client_id = ?1");
  if (!clear) return clear.take_issue();
  clear->bind(1, id);
  if (auto st = clear->run(); !st) return st;
  for (const auto& p : prefixes) {
    auto stmt = conn.prepare("INSERT INTO client_endpoint (client_id, prefix) VALUES (?1, ?2)");
    if (!stmt) return stmt.take_issue();
    stmt->bind(1, id).bind(2, p);
    if (auto st = stmt->run(); !st) return st;
  }
  return ok_status();
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
  auto stmt = conn.prepare(CAREBRIDGE_CLIENT_SELECT " WHERE id = ?1");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, id);
  auto row = stmt->step();
  if (!row) return row.take_issue();
  if (!*row) return std::optional<ClientRecord>();
  return std::optional<ClientRecord>(read_client(*stmt));
}

Result<std::vector<ClientRecord>> query_clients(Connection& conn) {
  auto stmt = conn.prepare(CAREBRIDGE_CLIENT_SELECT " ORDER BY id");
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
  if (auto st = check_prefixes(c.endpoint_prefixes); !st) return st;
  auto existing = query_client(conn, c.id);
  if (!existing) return existing.take_issue();
  if (*existing) return make_issue(err::kConflict, "A client with this id is already registered");
  auto stmt = conn.prepare("INSERT INTO client (" CAREBRIDGE_CLIENT_COLUMNS
                           ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL)");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, c.id).bind(2, c.role).bind(3, c.organization).bind(4, c.scopes).bind(5, c.jwks);
  stmt->bind(6, std::int64_t{c.part2_program ? 1 : 0}).bind(7, c.created_ms);
  if (auto st = stmt->run(); !st) return st;
  if (auto st = write_prefixes(conn, c.id, prefix_set(c.endpoint_prefixes)); !st) return st;
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
  if (auto st = check_prefixes(c.endpoint_prefixes); !st) return st;
  auto existing = query_client(conn, c.id);
  if (!existing) return existing.take_issue();
  if (!*existing) return insert_client(conn, c);
  const ClientRecord& old = **existing;
  ClientRecord next = c;
  if (next.jwks.empty()) next.jwks = old.jwks;  // keys registered elsewhere stay
  // Prefixes are replaced, none included: whoever brings a client in line
  // declares all of them, and a stale allowlist entry must not survive its
  // removal from the declaration.
  next.endpoint_prefixes = prefix_set(std::move(next.endpoint_prefixes));
  const bool row_same = old.role == c.role && old.organization == c.organization && old.scopes == c.scopes &&
                        old.jwks == next.jwks && old.part2_program == c.part2_program;
  const bool prefixes_same = old.endpoint_prefixes == next.endpoint_prefixes;
  if (row_same && prefixes_same) return ok_status();
  if (!row_same) {
    auto stmt = conn.prepare(
        "UPDATE client SET role = ?2, organization = ?3, scopes = ?4, jwks = ?5, part2_program = ?6 WHERE id = ?1");
    if (!stmt) return stmt.take_issue();
    stmt->bind(1, next.id).bind(2, next.role).bind(3, next.organization).bind(4, next.scopes).bind(5, next.jwks);
    stmt->bind(6, std::int64_t{next.part2_program ? 1 : 0});
    if (auto st = stmt->run(); !st) return st;
  }
  if (!prefixes_same)
    if (auto st = write_prefixes(conn, next.id, next.endpoint_prefixes); !st) return st;
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
