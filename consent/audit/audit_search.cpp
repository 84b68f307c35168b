#include "consent/audit/audit_search.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include "consent/audit/audit_fields.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/store/sqlite_connection.hpp"
#include "fhir/store/sqlite_transaction.hpp"

namespace consent {
namespace {

using fhir::store::Connection;
using fhir::store::Stmt;

// SQLite's default limit on bound parameters is 32766; a query anywhere
// near it is not a person's question.
constexpr std::size_t kMaxValues = 1000;

// The WHERE clause and its bound values in order. The SQL text holds only
// placeholders; kinds and values are all bound (the strings are owned
// here, bound without a copy once the filter is complete).
struct Filter {
  std::string where = " WHERE 1";
  std::vector<std::string> text;   // the i-th text parameter
  std::vector<std::int64_t> ints;  // after the text ones
  std::string int_sql;

  void add(std::string_view kind, const std::vector<std::string>& values) {
    if (values.empty()) return;
    if (is_indexed_kind(kind)) {
      where += " AND seq IN (SELECT seq FROM audit_index WHERE kind = ? AND value IN (";
      text.emplace_back(kind);
      for (std::size_t i = 0; i < values.size(); ++i) {
        where += i == 0 ? "?" : ", ?";
        text.push_back(values[i]);
      }
      where += "))";
      return;
    }
    // Not indexed: the record's fields text holds the line "kind\tvalue\n"
    // (audit_fields.hpp; values have no control characters, so a match is
    // exact).
    where += " AND (";
    for (std::size_t i = 0; i < values.size(); ++i) {
      where += i == 0 ? "" : " OR ";
      if (kind == audit_kind::kEntity) {
        add_entity(values[i]);
        continue;
      }
      where += "instr(char(10) || fields, ?) > 0";
      text.push_back("\n" + std::string(kind) + "\t" + values[i] + "\n");
    }
    where += ")";
  }
  // An entity line is "entity\tReference[ basis]": the reference whole, or
  // for "Type/id" any version of it.
  void add_entity(const std::string& ref) {
    const std::string line = "\n" + std::string(audit_kind::kEntity) + "\t" + ref;
    where += "instr(char(10) || fields, ?) > 0 OR instr(char(10) || fields, ?) > 0";
    text.push_back(line + " ");
    text.push_back(line + "\n");
    if (ref.find("/_history/") == std::string::npos) {
      where += " OR instr(char(10) || fields, ?) > 0";
      text.push_back(line + "/_history/");
    }
  }
  void add_time(const char* op, const std::optional<std::int64_t>& bound) {
    if (!bound) return;
    int_sql += std::string(" AND recorded_ms ") + op + " ?";
    ints.push_back(*bound);
  }
  std::string clause() const { return where + int_sql; }
  int bind(Stmt& stmt) const {
    int i = 1;
    for (const std::string& t : text) stmt.bind(i++, std::string_view(t));
    for (std::int64_t v : ints) stmt.bind(i++, v);
    return i;
  }
};

}  // namespace

fhir::Result<AuditPage> search_audit(Connection& conn, const AuditQuery& q) {
  if (q.offset < 0 || q.limit < 0)
    return fhir::make_issue(fhir::err::kInvalidParameter, "offset and limit must not be negative");
  Filter f;
  const std::pair<std::string_view, const std::vector<std::string>*> lists[] = {
      {audit_kind::kPatient, &q.patient},   {audit_kind::kAgent, &q.agent},
      {audit_kind::kEntity, &q.entity},     {audit_kind::kOutcome, &q.outcome},
      {audit_kind::kPurpose, &q.purpose},   {audit_kind::kType, &q.type},
      {audit_kind::kSubtype, &q.subtype},   {audit_kind::kOrganization, &q.organization},
  };
  std::size_t count = 0;
  for (const auto& [kind, values] : lists) {
    count += values->size();
    for (const std::string& v : *values)
      if (std::any_of(v.begin(), v.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }))
        return fhir::make_issue(fhir::err::kInvalidParameter, "a search value holds a control character",
                                std::string(kind));
    f.add(kind, *values);
  }
  if (count > kMaxValues) return fhir::make_issue(fhir::err::kInvalidParameter, "too many search values");
  f.add_time(">=", q.recorded_from_ms);
  f.add_time("<", q.recorded_before_ms);
  if (q.seq) {
    f.int_sql += " AND seq = ?";
    f.ints.push_back(*q.seq);
  }

  // One snapshot for the count and the page.
  auto txn = fhir::store::Transaction::begin(conn, fhir::store::Transaction::Kind::deferred);
  if (!txn) return txn.take_issue();
  AuditPage page;
  {
    auto stmt = conn.prepare_dynamic("SELECT count(*) FROM audit_record" + f.clause());
    if (!stmt) return stmt.take_issue();
    f.bind(*stmt);
    auto row = stmt->step();
    if (!row) return row.take_issue();
    page.total = *row ? stmt->int64(0) : 0;
  }
  auto stmt = conn.prepare_dynamic("SELECT seq, recorded_ms, fields FROM audit_record" + f.clause() +
                                   " ORDER BY seq LIMIT ? OFFSET ?");
  if (!stmt) return stmt.take_issue();
  const int next = f.bind(*stmt);
  stmt->bind(next, q.limit).bind(next + 1, q.offset);
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.take_issue();
    if (!*row) break;
    page.records.push_back(AuditRecord{stmt->int64(0), stmt->int64(1), stmt->text(2)});
  }
  return page;
}

}  // namespace consent
