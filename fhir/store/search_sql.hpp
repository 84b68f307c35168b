// The search planner: a SearchSpec (store.hpp) -> one SQL query over
// resource_head, resource_version, version_compartment and the ix_* index
// tables (sqlite_migrations.cpp step 3) that returns the matching ids in
// result order.
//
// Shape, per searched type:
//   SELECT h.type, h.id, <sort keys> FROM resource_head h
//     JOIN resource_version v ON v.seq = h.seq
//   WHERE h.type = ? AND v.deleted = 0
//     AND h.id IN (<the driving criterion's ids>)
//     AND EXISTS (<one index probe per further criterion>) ...
// The driver is the criterion most likely to be selective (a reference,
// an _id, a token with a code...), so a search touches the rows it
// returns rather than every resource of the type. Chains, _has, :missing
// and :not are id sets (IN / NOT IN subqueries). Comparisons follow
// fhir/search/value_match.hpp exactly. Several types (system search,
// $everything) are a UNION ALL sorted together. Every value is bound.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/store/store.hpp"

namespace fhir::store {

// A RowFilter binds as an SQLite pointer (sqlite_row_filter.hpp).
using SqlValue = std::variant<std::string, std::int64_t, double, const RowFilter*>;

struct SqlQuery {
  std::string sql;
  std::vector<SqlValue> binds;  // in the order of the ?s in sql
};

// Selects (type, id) rows. Errors: kInvalidParameter for a criterion the
// planner cannot express (a sort on a composite).
Result<SqlQuery> plan_search(const SearchSpec& spec);
// The same search's number of matches, whatever spec.limit says: one row
// with the count.
Result<SqlQuery> plan_count(const SearchSpec& spec);

}  // namespace fhir::store
