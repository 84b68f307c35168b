// The AuditEvent the gateway records for one request, following IHE Basic
// Audit Log Patterns (BALP): type `rest` with the FHIR interaction as
// subtype (read, vread, search-type, history-instance, create, ...), the
// client as Source Role ID and the gateway as Destination Role ID (the
// BALP/DICOM convention), the acting user as requestor, purpose of use,
// one Patient entity per patient concerned (the patient-specific
// variants), one entity per resource version disclosed or written (each
// with the consent or policy rule that allowed it), and the query. A
// disclosure of patient data to a recipient outside its source also
// carries the ISO 21089 `disclose` subtype (the BALP privacy-disclosure
// pattern), which the accounting of disclosures selects. A denial names
// what was asked and the decision's basis, with outcome 4.
//
// The log keeps a description as its fields (audit_entry, audit_fields.hpp)
// and renders the AuditEvent when the trail is read, with the record's
// seq as its id. Pure: no token ever goes in.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "consent/audit/audit_entry.hpp"
#include "fhir/core/result.hpp"

namespace consent {

// The code systems the AuditEvent is coded in; a search token copied from
// a rendered event names the same ones (gateway/audit/audit_query_params).
namespace audit_system {
inline constexpr std::string_view kActReason = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
inline constexpr std::string_view kEventType = "http://terminology.hl7.org/CodeSystem/audit-event-type";
inline constexpr std::string_view kInteraction = "http://hl7.org/fhir/restful-interaction";
inline constexpr std::string_view kLifecycle = "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle";
inline constexpr std::string_view kOutcome = "http://hl7.org/fhir/audit-event-outcome";
inline constexpr std::string_view kClient = "urn:carebridge:client";  // client ids, as agent identifiers
}  // namespace audit_system

struct AuditedEntity {
  std::string reference;  // "Type/id/_history/v" (or "Type/id" for what was asked and withheld)
  std::string basis;      // what allowed (or withheld) it: "Consent/x/_history/1 provision" or "policy:<rule>"
  // The patients this version is about: a patient's accounting of
  // disclosures lists only their own resources out of a search that
  // returned several patients' data.
  std::vector<std::string> patients;
};

struct AuditDescription {
  // FHIR restful-interaction code: read, vread, search-type,
  // search-system, history-instance, history-type, history-system,
  // create, update, patch, delete, transaction, batch, operation.
  std::string interaction;
  std::int64_t recorded_ms = 0;
  // Who asked (from the access token).
  std::string client_id;
  std::string organization;  // "Organization/ID"
  std::string user_id;       // acting user, "" for none
  std::string user_name;
  std::string role;
  std::string purpose;  // v3-ActReason code
  std::string query;    // the request's path and query string, as asked
  // 0 success; 4 minor failure (a denial: something withheld that was asked
  // by name); 8 serious failure.
  int outcome = 0;
  std::string outcome_text;
  std::vector<std::string> patients;  // Patient ids concerned
  std::vector<AuditedEntity> entities;
  bool disclosure = false;   // patient data went to a recipient outside its source
  bool break_glass = false;  // allowed only by the emergency rule (42 CFR 2.51)
  // The nature of the emergency as the requester stated it (42 CFR
  // 2.51(c)(4)); kept whenever given with an emergency purpose.
  std::string emergency;
  std::string gateway;       // the gateway's identity (its base URL or urn)
};

// The AuditEvent as compact JSON; id is left out when empty.
std::string audit_event_json(const AuditDescription& d, std::string_view id = {});

// The log record of d: every fact as a field. Control characters in free
// text (a user's name, the query) become spaces: the fields text has no
// escapes.
AuditEntry audit_entry(AuditDescription d);

// The description a stored record holds (the inverse of audit_entry, up to
// the order of patients and entities, which come back sorted); an Issue
// when the fields text is malformed.
fhir::Result<AuditDescription> describe_record(const AuditRecord& record);

// The stored record as the AuditEvent a compliance officer reads, id = seq.
fhir::Result<std::string> audit_event_json(const AuditRecord& record);

}  // namespace consent
