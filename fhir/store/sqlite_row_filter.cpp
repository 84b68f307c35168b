#include "fhir/store/sqlite_row_filter.hpp"

#include <sqlite3.h>

#include <string_view>

#include "fhir/store/sqlite_error.hpp"

namespace fhir::store {
namespace {

// The bytes of a TEXT argument as they are. sqlite3_value_text would have
// to NUL-terminate a value read straight from a page, which copies it
// (through SQLite's allocator, behind its global memory mutex) on every
// row; sqlite3_value_blob hands the stored bytes over as they are.
std::string_view text_arg(sqlite3_value* v) {
  const auto* p = static_cast<const char*>(sqlite3_value_blob(v));
  if (p == nullptr) return {};
  return {p, static_cast<std::size_t>(sqlite3_value_bytes(v))};
}

void cb_visible(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  const auto* filter = static_cast<const RowFilter*>(sqlite3_value_pointer(argv[0], kRowFilterPointer));
  if (filter == nullptr || argc != 6) {
    sqlite3_result_int(ctx, 0);  // fail closed
    return;
  }
  RowFilter::Row row;
  row.type = text_arg(argv[1]);
  row.id = text_arg(argv[2]);
  row.label_key = text_arg(argv[3]);
  row.patients = text_arg(argv[4]);
  row.json = text_arg(argv[5]);
  sqlite3_result_int(ctx, filter->visible(row) ? 1 : 0);
}

}  // namespace

Status register_row_filter_function(sqlite3* db) {
  // Not SQLITE_DETERMINISTIC: the same row may be visible to one request
  // and not to the next, so SQLite must never factor a call out.
  const int rc = sqlite3_create_function_v2(db, "cb_visible", 6, SQLITE_UTF8 | SQLITE_DIRECTONLY, nullptr,
                                            &cb_visible, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return storage_issue(db, rc, "register cb_visible");
  return ok_status();
}

}  // namespace fhir::store
