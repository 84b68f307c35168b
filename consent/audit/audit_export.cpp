#include "consent/audit/audit_export.hpp"

#include <filesystem>
#include <string_view>

#include "consent/audit/audit_schema.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/store/sqlite_connection.hpp"

namespace consent {

fhir::Status export_audit_log(const std::string& path, const std::string& out) {
  std::error_code ec;
  // VACUUM INTO refuses a non-empty file but would fill an empty one; an
  // archive is never written over anything.
  if (std::filesystem::exists(out, ec))
    return fhir::make_issue(fhir::err::kInvalidParameter, "the archive file " + out + " already exists");
  auto conn = open_audit_reader(path, 5000);
  if (!conn) return conn.take_issue();
  auto stmt = (*conn)->prepare("VACUUM INTO ?");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, std::string_view(out));
  return stmt->run();
}

}  // namespace consent
