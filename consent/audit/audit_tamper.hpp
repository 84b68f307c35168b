// Naming what went wrong where the chain first breaks. Runs once, after
// the streaming pass has stopped at seq k, with random reads around k: it
// tells an edit from a deletion, a reordering or an insertion by where the
// records near k still hash correctly (a record moved intact keeps its
// content and links, only its seq changed).
#pragma once

#include <cstdint>

#include "consent/audit/audit_hash.hpp"
#include "consent/audit/audit_verify.hpp"

namespace fhir::store {
class Connection;
}

namespace consent {

// k: the first seq whose record does not hash (or link) as it should;
// expected_prev: the verified hash of record k-1.
fhir::Result<AuditProblem> classify_break(fhir::store::Connection& conn, std::int64_t k,
                                          const AuditDigest& expected_prev);

}  // namespace consent
