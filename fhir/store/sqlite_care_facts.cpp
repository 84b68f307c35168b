#include "fhir/store/sqlite_care_facts.hpp"

#include <algorithm>

#include "fhir/store/sqlite_connection.hpp"
#include "fhir/store/sqlite_row_filter.hpp"

namespace fhir::store {
namespace {

constexpr std::string_view kDeleteSql = "DELETE FROM care_fact WHERE type = ?1 AND id = ?2 RETURNING patient";
constexpr std::string_view kInsertSql =
    "INSERT INTO care_fact (type, id, n, patient, kind, code, at_ms, end_ms, value, detail, source)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

// The source's head row names its version and labels, and decides
// visibility: a fact is seen exactly when the version it came from is.
#define CAREBRIDGE_FACT_SELECT                                                                   \
  "SELECT f.type, f.id, h.version, h.label_key, f.patient, f.kind, f.code, f.at_ms, f.end_ms,"  \
  " f.value, f.detail, f.source FROM care_fact f"                                                \
  " JOIN resource_head h ON h.type = f.type AND h.id = f.id"
// ?4: whether a filter is bound. Not "?1 IS NULL": a bound pointer is an
// SQL NULL too (sqlite3_bind_pointer), so that test would let every row by.
#define CAREBRIDGE_FACT_VISIBLE                                                                  \
  " AND (?4 = 0 OR cb_visible(?1, h.type, h.id, h.label_key, h.patients,"                        \
  " CASE WHEN ?2 THEN (SELECT v.json FROM resource_version v WHERE v.seq = h.seq) ELSE '' END))"

constexpr std::string_view kByPatientSql =
    CAREBRIDGE_FACT_SELECT " WHERE f.patient = ?3" CAREBRIDGE_FACT_VISIBLE " ORDER BY f.at_ms, f.type, f.id, f.n";
constexpr std::string_view kByResourceSql =
    CAREBRIDGE_FACT_SELECT " WHERE f.type = ?5 AND f.id = ?6" CAREBRIDGE_FACT_VISIBLE " ORDER BY f.n";
constexpr std::string_view kAllSql =
    CAREBRIDGE_FACT_SELECT " WHERE true" CAREBRIDGE_FACT_VISIBLE " ORDER BY f.patient, f.at_ms, f.type, f.id, f.n";

CareFact read_fact(const Stmt& s) {
  CareFact f;
  f.type = s.text(0);
  f.id = s.text(1);
  f.version = s.int64(2);
  f.label_key = s.text(3);
  f.patient = s.text(4);
  f.kind = s.text(5);
  f.code = s.text(6);
  f.at_ms = s.int64(7);
  f.end_ms = s.int64(8);
  if (!s.is_null(9)) f.value = s.real(9);
  f.detail = s.text(10);
  f.source = s.text(11);
  return f;
}

Status read_into(Stmt& stmt, std::vector<CareFact>& out) {
  for (;;) {
    auto row = stmt.step();
    if (!row) return row.take_issue();
    if (!*row) return ok_status();
    out.push_back(read_fact(stmt));
  }
}

void bind_filter(Stmt& stmt, const RowFilter* filter) {
  stmt.bind_pointer(1, filter, kRowFilterPointer);
  stmt.bind(2, std::int64_t{filter != nullptr && filter->wants_content() ? 1 : 0});
  stmt.bind(4, std::int64_t{filter != nullptr ? 1 : 0});
}

}  // namespace

Result<std::vector<std::string>> write_care_facts(Connection& conn, std::string_view type, std::string_view id,
                                                  const std::vector<CareFact>& facts) {
  std::vector<std::string> replaced;
  {
    auto stmt = conn.prepare(kDeleteSql);
    if (!stmt) return stmt.take_issue();
    stmt->bind(1, type).bind(2, id);
    for (;;) {
      auto row = stmt->step();
      if (!row) return row.take_issue();
      if (!*row) break;
      replaced.push_back(stmt->text(0));
    }
  }
  std::int64_t n = 0;
  for (const CareFact& f : facts) {
    auto stmt = conn.prepare(kInsertSql);
    if (!stmt) return stmt.take_issue();
    stmt->bind(1, type).bind(2, id).bind(3, n++).bind(4, f.patient).bind(5, f.kind).bind(6, f.code);
    stmt->bind(7, f.at_ms).bind(8, f.end_ms);
    if (f.value) stmt->bind(9, *f.value);
    stmt->bind(10, f.detail).bind(11, f.source);
    if (auto st = stmt->run(); !st) return st.take_issue();
  }
  return replaced;
}

Result<std::vector<CareFact>> query_care_facts(Connection& conn, const CareFactQuery& q) {
  std::vector<CareFact> out;
  if (!q.type.empty()) {
    auto stmt = conn.prepare(kByResourceSql);
    if (!stmt) return stmt.take_issue();
    bind_filter(*stmt, q.filter);
    stmt->bind(5, q.type).bind(6, q.id);
    if (auto st = read_into(*stmt, out); !st) return st.take_issue();
    return out;
  }
  if (q.patients.empty()) {
    auto stmt = conn.prepare(kAllSql);
    if (!stmt) return stmt.take_issue();
    bind_filter(*stmt, q.filter);
    if (auto st = read_into(*stmt, out); !st) return st.take_issue();
    return out;
  }
  // One index seek per patient: a caseload is a page of patients, and the
  // answer stays in (patient, at_ms) order when the ids are sorted.
  std::vector<std::string> patients = q.patients;
  std::sort(patients.begin(), patients.end());
  patients.erase(std::unique(patients.begin(), patients.end()), patients.end());
  for (const std::string& patient : patients) {
    auto stmt = conn.prepare(kByPatientSql);
    if (!stmt) return stmt.take_issue();
    bind_filter(*stmt, q.filter);
    stmt->bind(3, patient);
    if (auto st = read_into(*stmt, out); !st) return st.take_issue();
  }
  return out;
}

Result<std::vector<std::string>> query_care_patients(Connection& conn, std::string_view after, int limit) {
  // DISTINCT over the (patient, at_ms) index: one step per fact, but no sort.
  auto stmt = conn.prepare("SELECT DISTINCT patient FROM care_fact WHERE patient > ?1 ORDER BY patient LIMIT ?2");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, after).bind(2, std::int64_t{limit});
  std::vector<std::string> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.take_issue();
    if (!*row) return out;
    out.push_back(stmt->text(0));
  }
}

}  // namespace fhir::store
