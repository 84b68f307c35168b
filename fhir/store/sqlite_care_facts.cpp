#include "fhir/store/sqlite_care_facts.hpp"

#include <algorithm>

#include "fhir/store/sqlite_connection.hpp"
#include "fhir/store/sqlite_row_filter.hpp"

namespace fhir::store {
namespace {

constexpr std::string_view kDeleteSql = "DELETE FROM care_fact WHERE type = ?1 AND id = ?2 RETURNING patient";
// The source's head row gives the version, labels and patients each fact
// repeats: the version this unit has just appended.
constexpr std::string_view kInsertSql =
    "INSERT INTO care_fact (patient, type, id, n, kind, code, at_ms, end_ms, value, detail, source, version,"
    " label_key, patients)"
    " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, h.version, h.label_key, h.patients"
    " FROM resource_head h WHERE h.type = ?2 AND h.id = ?3";
// Relabeling the head: its facts follow.
constexpr std::string_view kSyncLabelsSql =
    "UPDATE care_fact SET label_key = h.label_key, patients = h.patients FROM resource_head h"
    " WHERE h.type = ?1 AND h.id = ?2 AND care_fact.type = ?1 AND care_fact.id = ?2";

#define CAREBRIDGE_FACT_SELECT                                                                      \
  "SELECT f.type, f.id, f.version, f.label_key, f.patient, f.kind, f.code, f.at_ms, f.end_ms,"     \
  " f.value, f.detail, f.source FROM care_fact f"
// Who may see a fact is decided on the row: its source head's labels and
// patients, repeated in it. ?3 says whether a filter is bound (a bound
// pointer reads as SQL NULL, so "?1 IS NULL" would let every row by); ?2
// whether it needs the source's JSON, looked up only then.
#define CAREBRIDGE_FACT_VISIBLE                                                                     \
  " AND (?3 = 0 OR cb_visible(?1, f.type, f.id, f.label_key, f.patients,"                           \
  " CASE WHEN ?2 THEN (SELECT v.json FROM resource_head h JOIN resource_version v ON v.seq = h.seq" \
  " WHERE h.type = f.type AND h.id = f.id) ELSE '' END))"

constexpr std::string_view kByPatientSql =
    CAREBRIDGE_FACT_SELECT " WHERE f.patient = ?4" CAREBRIDGE_FACT_VISIBLE " ORDER BY f.at_ms, f.type, f.id, f.n";
constexpr std::string_view kByResourceSql =
    CAREBRIDGE_FACT_SELECT " WHERE f.type = ?4 AND f.id = ?5" CAREBRIDGE_FACT_VISIBLE " ORDER BY f.n";
// Everyone's: one pass over the table in key order (patient first).
constexpr std::string_view kAllSql = CAREBRIDGE_FACT_SELECT " WHERE true" CAREBRIDGE_FACT_VISIBLE;

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
  stmt.bind(3, std::int64_t{filter != nullptr ? 1 : 0});
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
    stmt->bind(1, f.patient).bind(2, type).bind(3, id).bind(4, n++).bind(5, f.kind).bind(6, f.code);
    stmt->bind(7, f.at_ms).bind(8, f.end_ms);
    if (f.value) stmt->bind(9, *f.value);
    stmt->bind(10, f.detail).bind(11, f.source);
    if (auto st = stmt->run(); !st) return st.take_issue();
  }
  return replaced;
}

Status sync_care_fact_labels(Connection& conn, std::string_view type, std::string_view id) {
  auto stmt = conn.prepare(kSyncLabelsSql);
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, type).bind(2, id);
  return stmt->run();
}

Result<std::vector<CareFact>> query_care_facts(Connection& conn, const CareFactQuery& q) {
  std::vector<CareFact> out;
  if (!q.type.empty()) {
    auto stmt = conn.prepare(kByResourceSql);
    if (!stmt) return stmt.take_issue();
    bind_filter(*stmt, q.filter);
    stmt->bind(4, q.type).bind(5, q.id);
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
  // One range of the key per patient: the answer stays in patient order
  // when the ids are sorted.
  std::vector<std::string> patients = q.patients;
  std::sort(patients.begin(), patients.end());
  patients.erase(std::unique(patients.begin(), patients.end()), patients.end());
  for (const std::string& patient : patients) {
    auto stmt = conn.prepare(kByPatientSql);
    if (!stmt) return stmt.take_issue();
    bind_filter(*stmt, q.filter);
    stmt->bind(4, patient);
    if (auto st = read_into(*stmt, out); !st) return st.take_issue();
  }
  return out;
}

Result<std::vector<std::string>> query_care_patients(Connection& conn, std::string_view after, int limit) {
  // DISTINCT over the key's first column: no sort.
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
