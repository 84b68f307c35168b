// The tamper-evident audit log (issue 8): append-only, hash-chained, with
// signed checkpoints, in its own SQLite file with its own writer, so a
// long ingest on the store never holds up a disclosure's audit record.
// verify and export (audit_verify.hpp, audit_export.hpp) work on the file
// alone, without this object.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "consent/audit/audit_entry.hpp"
#include "consent/audit/audit_search.hpp"
#include "fhir/core/result.hpp"

namespace fhir {
class Clock;
}

namespace consent {

struct AuditLogOptions {
  std::string path;      // the log's SQLite file (the gateway: <store db>.audit.db)
  std::string key_file;  // Ed25519 PEM; generated (0600) when absent
  std::int64_t checkpoint_every = 1000;  // records between signed checkpoints
  int max_group = 1024;                  // appends per group commit, at most
  int busy_timeout_ms = 5000;            // waiting out another process's write lock
};

struct AuditLogStats {
  std::int64_t appended = 0;  // records committed by this object
  std::int64_t commits = 0;   // group commits (fsyncs) they took
};

class AuditLog {
 public:
  // Creates the file and the key as needed. Refuses a file that is not an
  // audit log and a key that is not the one the log was signed with.
  static fhir::Result<std::unique_ptr<AuditLog>> open(const AuditLogOptions& options, const fhir::Clock& clock);

  virtual ~AuditLog() = default;

  // Queues the entry; done runs once it is durable, with its seq, or with
  // an error (audit_entry.hpp: fail closed on any error).
  virtual void append(AuditEntry entry, AuditDone done) = 0;

  // Blocks on SQLite: call it from the storage pool, never an io thread.
  virtual fhir::Result<AuditPage> search(const AuditQuery& query) = 0;

  virtual AuditLogStats stats() const = 0;

  // The public key verify checks checkpoints against, PEM.
  virtual const std::string& public_key_pem() const = 0;

  // Appends everything queued, signs a closing checkpoint, closes the file.
  // Idempotent; later appends get kUnavailable.
  virtual void close() = 0;
};

}  // namespace consent
