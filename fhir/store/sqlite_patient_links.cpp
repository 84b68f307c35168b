#include "fhir/store/sqlite_patient_links.hpp"

#include <utility>

#include "fhir/core/errors.hpp"
#include "fhir/store/sqlite_connection.hpp"

namespace fhir::store {
namespace {

#define CAREBRIDGE_LINK_COLUMNS "a, b, state, score, grade, evidence, decided_by, rules_version, updated_ms"

// store.hpp kPatientLinkGenerationMeta, spelled for SQL text.
#define CAREBRIDGE_LINK_GENERATION "patient_link_generation"
static_assert(kPatientLinkGenerationMeta == CAREBRIDGE_LINK_GENERATION);

// The manual-decision test of is_manual (store.hpp), in SQL. GLOB, not
// LIKE: LIKE ignores case, and "Manual:x" is no manual decision.
#define CAREBRIDGE_IS_MANUAL(col) "(" col " = 'manual' OR " col " GLOB 'manual:*')"

PatientLink read_link(const Stmt& s) {
  PatientLink l;
  l.a = s.text(0);
  l.b = s.text(1);
  l.state = s.text(2);
  l.score = s.real(3);
  l.grade = s.text(4);
  l.evidence = s.text(5);
  l.decided_by = s.text(6);
  l.rules_version = s.text(7);
  l.updated_ms = s.int64(8);
  return l;
}

Result<std::vector<PatientLink>> read_all(Stmt& stmt) {
  std::vector<PatientLink> out;
  for (;;) {
    auto row = stmt.step();
    if (!row) return row.take_issue();
    if (!*row) return out;
    out.push_back(read_link(stmt));
  }
}

// The table's key order: one row per unordered pair.
std::pair<std::string_view, std::string_view> canonical(std::string_view a, std::string_view b) {
  return a < b ? std::pair{a, b} : std::pair{b, a};
}

bool known_state(std::string_view s) { return s == "linked" || s == "review" || s == "rejected"; }

// Every change to the table moves the generation in the same
// transaction (as the client registry's does), so a process that sees the
// new generation also sees the change: servers on the store follow it.
Status bump_generation(Connection& conn) {
  auto stmt = conn.prepare(
      "INSERT INTO store_meta (key, value) VALUES ('" CAREBRIDGE_LINK_GENERATION "', '1')"
      " ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)");
  if (!stmt) return stmt.take_issue();
  return stmt->run();
}

Status check_link(const PatientLink& l) {
  if (l.a.empty() || l.b.empty()) return make_issue(err::kInvalidValue, "A patient link needs two Patient ids");
  if (l.a == l.b) return make_issue(err::kInvalidValue, "A Patient is not linked to itself");
  if (!known_state(l.state))
    return make_issue(err::kInvalidValue, "A patient link's state is linked, review or rejected");
  if (l.decided_by.empty()) return make_issue(err::kInvalidValue, "A patient link needs decided_by");
  return ok_status();
}

}  // namespace

Result<std::vector<PatientLink>> query_patient_links(Connection& conn, const PatientLinkQuery& q) {
  // By patient: one seek on the key (a) and one on the index (b).
  auto stmt = q.patient.empty()
                  ? conn.prepare("SELECT " CAREBRIDGE_LINK_COLUMNS
                                 " FROM patient_link WHERE ?2 = '' OR state = ?2 ORDER BY a, b")
                  : conn.prepare("SELECT " CAREBRIDGE_LINK_COLUMNS
                                 " FROM patient_link WHERE a = ?1 AND (?2 = '' OR state = ?2)"
                                 " UNION ALL SELECT " CAREBRIDGE_LINK_COLUMNS
                                 " FROM patient_link WHERE b = ?1 AND (?2 = '' OR state = ?2)"
                                 " ORDER BY 1, 2");
  if (!stmt) return stmt.take_issue();
  if (!q.patient.empty()) stmt->bind(1, q.patient);
  stmt->bind(2, q.state);
  return read_all(*stmt);
}

Result<std::optional<PatientLink>> query_patient_link(Connection& conn, std::string_view a, std::string_view b) {
  const auto [lo, hi] = canonical(a, b);
  auto stmt = conn.prepare("SELECT " CAREBRIDGE_LINK_COLUMNS " FROM patient_link WHERE a = ?1 AND b = ?2");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, lo).bind(2, hi);
  auto row = stmt->step();
  if (!row) return row.take_issue();
  if (!*row) return std::optional<PatientLink>();
  return std::optional<PatientLink>(read_link(*stmt));
}

Result<bool> upsert_patient_link(Connection& conn, const PatientLink& link) {
  if (auto st = check_link(link); !st) return st.take_issue();
  const auto [lo, hi] = canonical(link.a, link.b);
  // The WHERE on the update keeps a manual row from an automatic write;
  // RETURNING then yields no row, which is how the caller learns.
  auto stmt = conn.prepare(
      "INSERT INTO patient_link (" CAREBRIDGE_LINK_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
      " ON CONFLICT (a, b) DO UPDATE SET state = excluded.state, score = excluded.score,"
      " grade = excluded.grade, evidence = excluded.evidence, decided_by = excluded.decided_by,"
      " rules_version = excluded.rules_version, updated_ms = excluded.updated_ms"
      " WHERE " CAREBRIDGE_IS_MANUAL("excluded.decided_by") " OR NOT " CAREBRIDGE_IS_MANUAL(
          "patient_link.decided_by") " RETURNING 1");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, lo).bind(2, hi).bind(3, link.state).bind(4, link.score).bind(5, link.grade);
  stmt->bind(6, link.evidence).bind(7, link.decided_by).bind(8, link.rules_version).bind(9, link.updated_ms);
  auto row = stmt->step();
  if (!row) return row.take_issue();
  const bool written = *row;
  if (written) {
    // Drain the statement so the write completes before the next use.
    auto done = stmt->step();
    if (!done) return done.take_issue();
    if (auto st = bump_generation(conn); !st) return st.take_issue();
  }
  return written;
}

Result<bool> delete_auto_patient_link(Connection& conn, std::string_view a, std::string_view b) {
  const auto [lo, hi] = canonical(a, b);
  auto stmt = conn.prepare("DELETE FROM patient_link WHERE a = ?1 AND b = ?2 AND NOT " CAREBRIDGE_IS_MANUAL(
      "decided_by") " RETURNING 1");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, lo).bind(2, hi);
  auto row = stmt->step();
  if (!row) return row.take_issue();
  const bool deleted = *row;
  if (deleted) {
    auto done = stmt->step();
    if (!done) return done.take_issue();
    if (auto st = bump_generation(conn); !st) return st.take_issue();
  }
  return deleted;
}

}  // namespace fhir::store
