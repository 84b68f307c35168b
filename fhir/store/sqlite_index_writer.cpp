#include "fhir/store/sqlite_index_writer.hpp"

#include <string>

#include "fhir/store/index_encoding.hpp"
#include "fhir/store/sqlite_connection.hpp"

namespace fhir::store {
namespace {

using search::IndexValues;

// The two statements of one table: add and remove, binding the same
// columns in the same order.
struct TableSql {
  std::string_view add;
  std::string_view remove;
};

constexpr TableSql kToken{
    "INSERT OR IGNORE INTO ix_token (type, id, param, code, system) VALUES (?1, ?2, ?3, ?4, ?5)",
    "DELETE FROM ix_token WHERE type = ?1 AND id = ?2 AND param = ?3 AND code = ?4 AND system = ?5"};
constexpr TableSql kString{
    "INSERT OR IGNORE INTO ix_string (type, id, param, value, raw) VALUES (?1, ?2, ?3, ?4, ?5)",
    "DELETE FROM ix_string WHERE type = ?1 AND id = ?2 AND param = ?3 AND value = ?4 AND raw = ?5"};
constexpr TableSql kReference{
    "INSERT OR IGNORE INTO ix_reference (type, id, param, target, target_type) VALUES (?1, ?2, ?3, ?4, ?5)",
    "DELETE FROM ix_reference WHERE type = ?1 AND id = ?2 AND param = ?3 AND target = ?4"
    " AND target_type = ?5"};
constexpr TableSql kUri{
    "INSERT OR IGNORE INTO ix_uri (type, id, param, uri) VALUES (?1, ?2, ?3, ?4)",
    "DELETE FROM ix_uri WHERE type = ?1 AND id = ?2 AND param = ?3 AND uri = ?4"};
constexpr TableSql kDate{
    "INSERT OR IGNORE INTO ix_date (type, id, param, low, high) VALUES (?1, ?2, ?3, ?4, ?5)",
    "DELETE FROM ix_date WHERE type = ?1 AND id = ?2 AND param = ?3 AND low = ?4 AND high = ?5"};
constexpr TableSql kQuantity{
    "INSERT OR IGNORE INTO ix_quantity (type, id, param, code, system, unit, low, high)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    "DELETE FROM ix_quantity WHERE type = ?1 AND id = ?2 AND param = ?3 AND code = ?4 AND system = ?5"
    " AND unit = ?6 AND low = ?7 AND high = ?8"};
constexpr TableSql kComposite{
    "INSERT OR IGNORE INTO ix_composite (type, id, param, code1, system1, system2, code2, low2, high2,"
    " low3, high3) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    "DELETE FROM ix_composite WHERE type = ?1 AND id = ?2 AND param = ?3 AND code1 = ?4 AND system1 = ?5"
    " AND system2 = ?6 AND code2 = ?7 AND low2 = ?8 AND high2 = ?9 AND low3 = ?10 AND high3 = ?11"};

class RowWriter {
 public:
  RowWriter(Connection& conn, std::string_view type, std::string_view id, IndexOp op)
      : conn_(conn), type_(type), id_(id), op_(op) {}

  // bind fills ?3 onwards.
  template <class Bind>
  Status row(const TableSql& table, Bind bind) {
    auto stmt = conn_.prepare(op_ == IndexOp::add ? table.add : table.remove);
    if (!stmt) return stmt.take_issue();
    stmt->bind(1, type_).bind(2, id_);
    bind(*stmt);
    return stmt->run();
  }

 private:
  Connection& conn_;
  std::string_view type_;
  std::string_view id_;
  IndexOp op_;
};

Status write_tokens(RowWriter& w, const IndexValues& x) {
  for (const auto& t : x.tokens) {
    if (served_by_head(t.param->code)) continue;
    const std::string_view system = t.value.has_system ? std::string_view(t.value.system) : "";
    auto st = w.row(kToken, [&](Stmt& s) { s.bind(3, t.param->code).bind(4, t.value.code).bind(5, system); });
    if (!st) return st;
    if (t.value.type_code.empty()) continue;
    const std::string param = of_type_param(t.param->code);
    const std::string type_system = of_type_system(t.value.type_system, t.value.type_code);
    st = w.row(kToken, [&](Stmt& s) { s.bind(3, param).bind(4, t.value.code).bind(5, type_system); });
    if (!st) return st;
  }
  for (const auto& t : x.token_texts) {
    const std::string param = text_param(t.param->code);
    auto st = w.row(kString, [&](Stmt& s) {
      s.bind(3, param).bind(4, t.value.normalized).bind(5, t.value.raw);
    });
    if (!st) return st;
  }
  return ok_status();
}

Status write_references(RowWriter& w, const IndexValues& x) {
  for (const auto& r : x.references) {
    // "#id" (a contained resource) is not a search target; its identifier,
    // if any, is still searchable with :identifier.
    if (!r.value.local && (!r.value.id.empty() || !r.value.url.empty())) {
      auto st = w.row(kReference, [&](Stmt& s) {
        s.bind(3, r.param->code).bind(4, reference_target(r.value)).bind(5, r.value.type);
      });
      if (!st) return st;
    }
    if (r.value.identifier_value.empty()) continue;
    const std::string param = identifier_param(r.param->code);
    auto st = w.row(kToken, [&](Stmt& s) {
      s.bind(3, param).bind(4, r.value.identifier_value).bind(5, r.value.identifier_system);
    });
    if (!st) return st;
  }
  return ok_status();
}

Status write_values(RowWriter& w, const IndexValues& x) {
  for (const auto& r : x.strings) {
    auto st = w.row(kString, [&](Stmt& s) {
      s.bind(3, r.param->code).bind(4, r.value.normalized).bind(5, r.value.raw);
    });
    if (!st) return st;
  }
  for (const auto& r : x.uris) {
    auto st = w.row(kUri, [&](Stmt& s) { s.bind(3, r.param->code).bind(4, r.value.uri); });
    if (!st) return st;
  }
  for (const auto& r : x.dates) {
    if (served_by_head(r.param->code)) continue;
    auto st = w.row(kDate, [&](Stmt& s) { s.bind(3, r.param->code).bind(4, r.value.low).bind(5, r.value.high); });
    if (!st) return st;
  }
  for (const auto& r : x.numbers) {
    auto st = w.row(kQuantity, [&](Stmt& s) {
      s.bind(3, r.param->code).bind(4, std::string_view()).bind(5, std::string_view()).bind(6, std::string_view());
      s.bind(7, r.value.value).bind(8, r.value.value);
    });
    if (!st) return st;
  }
  for (const auto& r : x.quantities) {
    auto st = w.row(kQuantity, [&](Stmt& s) {
      s.bind(3, r.param->code).bind(4, r.value.code).bind(5, r.value.system).bind(6, r.value.unit);
      s.bind(7, r.value.low).bind(8, r.value.high);
    });
    if (!st) return st;
  }
  for (const auto& r : x.composites) {
    for (const CompositeColumns& c : composite_rows(r.value)) {
      auto st = w.row(kComposite, [&](Stmt& s) {
        s.bind(3, r.param->code).bind(4, c.code1).bind(5, c.system1).bind(6, c.system2).bind(7, c.code2);
        s.bind(8, c.low2).bind(9, c.high2).bind(10, c.low3).bind(11, c.high3);
      });
      if (!st) return st;
    }
  }
  return ok_status();
}

}  // namespace

Status write_index_rows(Connection& conn, std::string_view type, std::string_view id,
                        const IndexValues& rows, IndexOp op) {
  RowWriter w(conn, type, id, op);
  if (auto st = write_tokens(w, rows); !st) return st;
  if (auto st = write_references(w, rows); !st) return st;
  return write_values(w, rows);
}

Status clear_index(Connection& conn) {
  return conn.exec(
      "DELETE FROM ix_token; DELETE FROM ix_string; DELETE FROM ix_reference; DELETE FROM ix_uri;"
      " DELETE FROM ix_date; DELETE FROM ix_quantity; DELETE FROM ix_composite;");
}

}  // namespace fhir::store
