// Searching the audit log: the storage half of GET /AuditEvent. The
// handler maps FHIR's parameters onto an AuditQuery (date prefixes to a
// half-open range, comma lists to OR lists); this runs it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "consent/audit/audit_entry.hpp"
#include "fhir/core/result.hpp"

namespace fhir::store {
class Connection;
}

namespace consent {

struct AuditQuery {
  // Within a list the values are alternatives (FHIR's comma); the lists
  // all apply (FHIR's &). An empty list does not constrain.
  std::vector<std::string> patient;  // Patient ids
  std::vector<std::string> agent;    // client ids
  std::vector<std::string> entity;   // "Type/id/_history/v", or "Type/id" for any version
  std::vector<std::string> outcome;
  std::vector<std::string> purpose;
  std::vector<std::string> type;
  std::vector<std::string> subtype;
  std::vector<std::string> organization;
  std::optional<std::int64_t> recorded_from_ms;    // recorded_ms >= this
  std::optional<std::int64_t> recorded_before_ms;  // recorded_ms < this
  std::optional<std::int64_t> seq;                 // this record only (a read by id)
  std::int64_t offset = 0;
  std::int64_t limit = 100;
};

struct AuditPage {
  std::vector<AuditRecord> records;  // in seq order
  std::int64_t total = 0;            // all matches, ignoring offset and limit
};

// The page and its total from one read snapshot, so they agree.
fhir::Result<AuditPage> search_audit(fhir::store::Connection& conn, const AuditQuery& query);

}  // namespace consent
