// One record of the audit log as the caller hands it in: the AuditEvent
// JSON and the values GET /AuditEvent searches on. The caller takes both
// from the same description (consent/audit/audit_event.hpp); the log never
// parses the JSON, so the search values are given beside it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "fhir/core/result.hpp"

namespace consent {

struct AuditEntry {
  // Compact JSON as fhir::json::write printed it; stored and hashed byte
  // for byte, so what a compliance officer reads back is what was signed.
  std::string json;
  std::int64_t recorded_ms = 0;  // AuditEvent.recorded
  // Search values. Scalars may be empty (not indexed); none may hold a
  // control character (they are checked on append, kInvalidValue).
  std::string type;                   // AuditEvent.type.code ("rest")
  std::vector<std::string> subtypes;  // "read", "search-type", "disclose", ...
  std::string outcome;                // "0", "4", "8", "12"
  std::string agent;                  // the requesting client's id
  std::string organization;           // "Organization/ID"
  std::string purpose;                // v3-ActReason code ("TREAT")
  std::vector<std::string> patients;  // Patient ids
  std::vector<std::string> entities;  // "Type/id/_history/v"
};

// A record as stored: its place in the chain and what was appended.
struct AuditRecord {
  std::int64_t seq = 0;
  std::int64_t recorded_ms = 0;
  std::string json;
};

// Runs once the record is durable (fsynced), with its seq; or with an
// error (kUnavailable when the log cannot be written: the caller fails
// closed, 503, and discloses nothing). Runs on the log's writer thread, so
// it must be quick and must not throw: post the rest elsewhere.
using AuditDone = std::function<void(fhir::Result<std::int64_t> seq)>;

}  // namespace consent
