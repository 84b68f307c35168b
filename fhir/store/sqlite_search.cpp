#include "fhir/store/sqlite_search.hpp"

#include <type_traits>
#include <variant>

#include "fhir/store/search_sql.hpp"
#include "fhir/store/sqlite_connection.hpp"
#include "fhir/store/sqlite_row_filter.hpp"

namespace fhir::store {

namespace {

Result<Stmt> prepared(Connection& conn, const SqlQuery& plan) {
  auto stmt = conn.prepare_dynamic(plan.sql);
  if (!stmt) return stmt.take_issue();
  int i = 1;
  for (const SqlValue& v : plan.binds) {
    std::visit(
        [&](const auto& x) {
          using X = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<X, std::string>)
            stmt->bind(i, std::string_view(x));
          else if constexpr (std::is_same_v<X, const RowFilter*>)
            stmt->bind_pointer(i, x, kRowFilterPointer);
          else
            stmt->bind(i, x);
        },
        v);
    ++i;
  }
  return stmt;
}

}  // namespace

Result<std::vector<SearchHit>> query_search(Connection& conn, const SearchSpec& spec) {
  auto plan = plan_search(spec);
  if (!plan) return plan.take_issue();
  auto stmt = prepared(conn, *plan);
  if (!stmt) return stmt.take_issue();
  std::vector<SearchHit> hits;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.take_issue();
    if (!*row) return hits;
    hits.push_back(SearchHit{stmt->text(0), stmt->text(1)});
  }
}

Result<std::int64_t> query_search_count(Connection& conn, const SearchSpec& spec) {
  auto plan = plan_count(spec);
  if (!plan) return plan.take_issue();
  auto stmt = prepared(conn, *plan);
  if (!stmt) return stmt.take_issue();
  auto row = stmt->step();
  if (!row) return row.take_issue();
  return *row ? stmt->int64(0) : 0;
}

}  // namespace fhir::store
