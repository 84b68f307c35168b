// The search values of a record as one text, stored in the record's row
// and covered by its hash, so an edit of the search index (which would
// hide a record from a patient's accounting) is caught by verify.
//
// The text is one line per (kind, value) pair, "kind\tvalue\n", sorted by
// kind then value (bytewise) without duplicates, so one entry has one
// text. Values hold no control character, so the text reads back
// unambiguously and a search can match a whole line with instr().
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "consent/audit/audit_entry.hpp"
#include "fhir/core/result.hpp"

namespace consent {

// The kinds, as stored in audit_index.kind and named by AuditQuery.
namespace audit_kind {
inline constexpr std::string_view kAgent = "agent";
inline constexpr std::string_view kEntity = "entity";
inline constexpr std::string_view kOrganization = "organization";
inline constexpr std::string_view kOutcome = "outcome";
inline constexpr std::string_view kPatient = "patient";
inline constexpr std::string_view kPurpose = "purpose";
inline constexpr std::string_view kSubtype = "subtype";
inline constexpr std::string_view kType = "type";
}  // namespace audit_kind

// Whether the kind has rows in audit_index. Only the selective ones do:
// each index row costs the writer about as much as a record, and type,
// subtype, outcome, purpose and organization narrow little on their own,
// so searches filter those on the record's fields text instead.
bool is_indexed_kind(std::string_view kind);

struct AuditField {
  std::string kind;
  std::string value;
  friend bool operator==(const AuditField&, const AuditField&) = default;
};

// The entry's search values, sorted and unique; empty values are left
// out. kInvalidValue (naming the field) when a value has a control char.
fhir::Result<std::vector<AuditField>> audit_fields(const AuditEntry& entry);

std::string fields_text(const std::vector<AuditField>& fields);
// The pairs of a stored text; an Issue when it is not one fields_text
// could have written (unsorted, duplicated, malformed).
fhir::Result<std::vector<AuditField>> parse_fields_text(std::string_view text);

}  // namespace consent
