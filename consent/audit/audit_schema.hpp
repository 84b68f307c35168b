// The audit log's own SQLite file: its schema, and opening it for the
// writer or for reading. Its own file, apart from the store, so a long
// ingest holding the store's write lock never delays an audit commit.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "fhir/core/result.hpp"

namespace fhir::store {
class Connection;
}

namespace consent {

// Opens (creating) the file for the writer: WAL, synchronous=FULL (a
// commit returns once fsynced), schema created or checked.
fhir::Result<std::unique_ptr<fhir::store::Connection>> open_audit_writer(const std::string& path,
                                                                         int busy_timeout_ms);
// Opens an existing log read-only and checks it is one (application_id,
// schema version): for searches, verify and export.
fhir::Result<std::unique_ptr<fhir::store::Connection>> open_audit_reader(const std::string& path,
                                                                         int busy_timeout_ms);

// audit_meta: "public_key" (raw Ed25519, hex) binds the log to its key.
fhir::Result<std::optional<std::string>> read_audit_meta(fhir::store::Connection& conn, std::string_view key);

// Records public_hex as the log's key on first use; a log already bound to
// another key is refused (kStorage): checkpoints signed by two keys with
// no record of the change could not be told from forgeries.
fhir::Status bind_audit_key(fhir::store::Connection& conn, const std::string& public_hex);

}  // namespace consent
