// One record of the audit log as the caller hands it in: the facts of one
// AuditEvent as (kind, value) fields. The log stores, hashes and searches
// these fields; the AuditEvent resource is rendered from them when the
// trail is read (consent/audit/audit_event.hpp), so a record costs a few
// hundred bytes on the disclosure's path rather than a 2 KB resource.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "fhir/core/result.hpp"

namespace consent {

// One fact: kind is one of audit_kind (audit_fields.hpp); value has no
// control character (checked on append, kInvalidValue).
struct AuditField {
  std::string kind;
  std::string value;
  friend bool operator==(const AuditField&, const AuditField&) = default;
};

struct AuditEntry {
  std::int64_t recorded_ms = 0;    // AuditEvent.recorded
  std::vector<AuditField> fields;  // any order; empty values are left out
};

// A record as stored: its place in the chain and its fields text
// (audit_fields.hpp), exactly as hashed.
struct AuditRecord {
  std::int64_t seq = 0;
  std::int64_t recorded_ms = 0;
  std::string fields;
};

// Runs once the record is durable (fsynced), with its seq; or with an
// error (kUnavailable when the log cannot be written: the caller fails
// closed, 503, and discloses nothing). Runs on the log's writer thread, so
// it must be quick and must not throw: post the rest elsewhere.
using AuditDone = std::function<void(fhir::Result<std::int64_t> seq)>;

}  // namespace consent
