// The retention archive (issue 8, item 6): a consistent copy of the audit
// log (records, search index, checkpoints and the public key) in one
// SQLite file, which verify_audit_log accepts offline with no secret.
#pragma once

#include <string>

#include "fhir/core/result.hpp"

namespace consent {

// Copies the log at path into out, a file that must not exist yet, from
// one read snapshot (SQLite's VACUUM INTO), while appends go on. To have
// the tail signed first, close the AuditLog (or open and close one) before.
fhir::Status export_audit_log(const std::string& path, const std::string& out);

}  // namespace consent
