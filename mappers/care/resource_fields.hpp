// The few element readers the care facts need (care_facts.hpp): which
// Patient a reference names, when a date is, a CodeableConcept's first
// coding, a Period's bounds. Views into the resource: they live as long as
// it does.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "fhir/json/value.hpp"

namespace mappers::care {

// The id of a local Patient reference: "Patient/<id>" or
// "Patient/<id>/_history/<v>". Empty for anything else: another type, an
// absolute URL (another server's Patient), urn:uuid (unresolved), a
// contained "#p" or a conditional "Patient?identifier=..".
std::string_view patient_id(std::string_view reference);
// The same for a Reference element (its .reference); empty when null.
std::string_view patient_id_of(const fhir::json::Value* reference);

// "Type/<id>" of a local reference to that type, without its version
// ("ServiceRequest/7/_history/2" -> "ServiceRequest/7"); empty otherwise.
std::string_view local_reference(std::string_view reference, std::string_view type);

// A FHIR date, dateTime or instant as epoch milliseconds UTC, at the first
// instant it covers: "2024" is 2024-01-01T00:00:00Z, "2024-05-03" that
// day's midnight UTC, a time without a zone is read as UTC (R4 leaves the
// zone to the server; fhir::search reads it the same way). nullopt when the
// text is none of these.
std::optional<std::int64_t> epoch_ms(std::string_view text);
// epoch_ms of a string member, 0 (the facts' "unknown") when absent or not
// a date.
std::int64_t epoch_ms_at(const fhir::json::Value& object, std::string_view key);

struct CodingView {
  std::string_view system;
  std::string_view code;
};
// The first coding of a CodeableConcept that has a code; nullopt when
// there is none (text only, or no concept at all).
std::optional<CodingView> first_coding(const fhir::json::Value* codeable);

struct PeriodMs {
  std::int64_t start = 0;  // 0: no (readable) start
  std::int64_t end = 0;    // 0: open
};
// A Period's start and end (each at its first instant, like epoch_ms).
PeriodMs period_ms(const fhir::json::Value* period);

// Whether meta.tag holds a coding of this system.
bool has_tag(const fhir::json::Value& resource, std::string_view system);

}  // namespace mappers::care
