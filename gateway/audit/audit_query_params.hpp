// GET /AuditEvent's parameters -> the audit log's AuditQuery: R4's
// AuditEvent search parameters date, patient, agent, entity, outcome,
// type and subtype, plus purpose (the purpose of use), _count, _offset and
// _total. Strict, unlike resource search: an ignored filter would widen
// what a compliance officer takes for one patient's or one client's trail,
// so an unknown parameter, a modifier or a value we cannot express as an
// AuditQuery is a 400 naming the parameter (never the value: it may be PHI).
#pragma once

#include <cstdint>
#include <string>

#include "consent/audit/audit_search.hpp"
#include "fhir/core/query.hpp"
#include "fhir/core/result.hpp"

namespace gateway {

// R4 search.html: _count is a hint; we return at most the maximum.
inline constexpr std::int64_t kAuditPageDefault = 50;
inline constexpr std::int64_t kAuditPageMax = 1000;

struct AuditSearch {
  consent::AuditQuery query;  // criteria, offset and limit (the page size)
  std::string criteria;       // the criteria as sent, re-encoded, for the paging links
};

fhir::Result<AuditSearch> parse_audit_search(const fhir::QueryParams& params);

}  // namespace gateway
