// RowFilter (store.hpp) inside SQL: the function
//   cb_visible(filter, type, id, label_key, patients, json)
// registered on every connection, asks the request's filter about one row.
// The filter travels as a bound pointer (sqlite3_bind_pointer), so only our
// own statements can pass one, and a statement without it cannot call the
// function meaningfully (a NULL filter sees nothing).
#pragma once

#include "fhir/core/result.hpp"
#include "fhir/store/sqlite_handle.hpp"
#include "fhir/store/store.hpp"

namespace fhir::store {

inline constexpr const char* kRowFilterPointer = "carebridge.row_filter";

Status register_row_filter_function(sqlite3* db);

}  // namespace fhir::store
