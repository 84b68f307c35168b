// CareFact: one thing the care model knows about a patient (issue 9),
// taken from the current version of one resource: a score, an appointment,
// an encounter, a referral, a medication request, a care plan, a goal, an
// episode of care, a flag. mappers/care decides what the facts of a
// resource are (care_facts.hpp documents each kind); the store keeps them
// beside head versions, replaced with them in the same commit like search
// rows, and answers them through the request's RowFilter on the version
// they came from, so a fact is seen exactly when its source is.
// Header-only and dependency-free: mappers/ fills these without linking
// the store.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace fhir::store {

struct CareFact {
  std::string patient;  // the Patient id it is about
  std::string kind;     // "score", "appointment", "encounter", ... (care_facts.hpp)
  std::string code;     // per kind: an instrument id, a status
  std::int64_t at_ms = 0;   // when it happened, began or is due; 0: unknown
  std::int64_t end_ms = 0;  // when it ended; 0: open or not applicable
  std::optional<double> value;  // a score's total
  // Per kind, space-separated tokens (mappers/care/care_facts.hpp lists
  // them: "safety", "class:EMER", "ref:ServiceRequest/7", "med:<key>", ...).
  std::string detail;
  // The Organization ("Organization/x") whose client wrote the source
  // version; "" when unknown (carebridge import). Tells one team from another.
  std::string source;

  // Filled when read back from the store: the resource it came from.
  std::string type;
  std::string id;
  std::int64_t version = 0;
  std::string label_key;
};

}  // namespace fhir::store
