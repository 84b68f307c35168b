#include "fhir/store/sqlite_error.hpp"

#include <sqlite3.h>

#include <cstdio>
#include <string>

#include "fhir/core/errors.hpp"

namespace fhir::store {
namespace {

constexpr const char* kGenericFailure = "The store could not complete the operation";
constexpr const char* kBusy = "The store is busy; retry later";

void log_line(const std::string& line) {
  // One call per line, so lines from concurrent threads do not interleave.
  std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace

Issue storage_issue(sqlite3* db, int rc, std::string_view context) {
  std::string line = "carebridge store: ";
  line.append(context);
  line += ": ";
  line += sqlite3_errstr(rc);
  // errmsg describes the connection's last error, which is this one only
  // when the codes agree; often it just repeats errstr.
  if (db != nullptr && sqlite3_extended_errcode(db) == rc) {
    const std::string_view detail = sqlite3_errmsg(db);
    if (detail != sqlite3_errstr(rc)) {
      line += ": ";
      line += detail;
    }
  }
  line += " (" + std::to_string(rc) + ")";
  log_line(line);
  const int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    return make_issue(err::kUnavailable, kBusy);
  return make_issue(err::kStorage, kGenericFailure);
}

Issue storage_issue(std::string_view context) {
  log_line("carebridge store: " + std::string(context));
  return make_issue(err::kStorage, kGenericFailure);
}

}  // namespace fhir::store
