// A record's fields as one text: what the log stores, hashes and searches.
// Every fact of the AuditEvent is a field, so an edit of anything a
// compliance officer reads back, or of the search index (which would hide
// a record from a patient's accounting), is caught by verify.
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

// The kinds. Those GET /AuditEvent searches on are named by AuditQuery.
namespace audit_kind {
inline constexpr std::string_view kAgent = "agent";              // the requesting client's id
inline constexpr std::string_view kBreakGlass = "break-glass";   // "1": allowed by the emergency rule only
inline constexpr std::string_view kEmergency = "emergency";      // the nature of the emergency, as stated
inline constexpr std::string_view kEntity = "entity";            // "Reference patients basis" (audit_event.cpp)
inline constexpr std::string_view kGateway = "gateway";          // the gateway's identity
inline constexpr std::string_view kOrganization = "organization";  // "Organization/ID"
inline constexpr std::string_view kOutcome = "outcome";          // "0", "4", "8"
inline constexpr std::string_view kOutcomeText = "outcome-text";
inline constexpr std::string_view kPatient = "patient";          // Patient id
inline constexpr std::string_view kPurpose = "purpose";          // v3-ActReason code
inline constexpr std::string_view kQuery = "query";              // path and query string as asked
inline constexpr std::string_view kRole = "role";                // the client's role
inline constexpr std::string_view kSubtype = "subtype";          // interaction code; "disclose"
inline constexpr std::string_view kType = "type";                // "rest"
inline constexpr std::string_view kUser = "user";                // acting user id
inline constexpr std::string_view kUserName = "user-name";
}  // namespace audit_kind

// Whether the kind has rows in audit_index. Only patient and agent do:
// each index row costs the writer a b-tree insert (and, for values spread
// over many patients or resources, a page written per record), and the
// other kinds narrow little on their own or are asked together with a
// patient or a period, so searches filter those on the fields text.
bool is_indexed_kind(std::string_view kind);

// The entry's fields, sorted and unique; empty values are left out.
// kInvalidValue (naming the kind) when a value has a control character.
fhir::Result<std::vector<AuditField>> audit_fields(AuditEntry entry);

std::string fields_text(const std::vector<AuditField>& fields);
// The same text into out (cleared first, its capacity kept).
void append_fields_text(const std::vector<AuditField>& fields, std::string& out);
// The pairs of a stored text; an Issue when it is not one fields_text
// could have written (unsorted, duplicated, malformed).
fhir::Result<std::vector<AuditField>> parse_fields_text(std::string_view text);

}  // namespace consent
