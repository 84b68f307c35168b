// One disclosure as a patient's accounting of disclosures shows it
// (45 CFR 164.528; 42 CFR 2.24 for Part 2 records): the same AuditEvent,
// narrowed to that patient. A search that returned several patients' data
// is one record in the trail; each patient's accounting lists only their
// own resources out of it and names no other patient.
#pragma once

#include <cstdint>
#include <string_view>

#include "consent/audit/audit_event.hpp"

namespace gateway {

struct Disclosure {
  std::int64_t seq = 0;  // the record's place in the trail: its AuditEvent id
  consent::AuditDescription event;
};

// Keeps only this patient among d's patients and the entities about this
// patient, and drops the query (it may name other patients: a search for
// two patients is one query). False when no entity is this patient's:
// nothing of theirs went out in it.
bool narrow_to_patient(consent::AuditDescription& d, std::string_view patient);

}  // namespace gateway
