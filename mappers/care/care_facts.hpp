// The care facts (fhir/store/care_fact.hpp) of one resource: what the care
// model keeps from it. Pure: the resource in, its facts out; the caller sets
// CareFact::source (the writing client's Organization) and the store fills
// type, id, version and label_key. A resource of no kind below, or about no
// Patient, has no facts. The patient is the id of a local reference
// "Patient/<id>" or "Patient/<id>/_history/<v>" (subject, patient, or
// Appointment.participant.actor); an absolute, contained, conditional or
// unresolved (urn:uuid) reference names no patient here.
//
// Times: at_ms and end_ms are epoch milliseconds UTC at the first instant
// of the FHIR date/dateTime/instant ("2024" -> 2024-01-01T00:00:00Z, a
// dateTime without a zone read as UTC); 0 when absent or unreadable.
// Resources whose status (Goal: lifecycleStatus) is entered-in-error have
// no facts of any kind.
//
// detail: space-separated tokens in the order listed per kind. A token
// never holds a space: in its text (a key, a code) '%', space and the other
// controls (bytes <= 0x20, 0x7f) are percent-encoded ("%20", "%25").
//
// Kinds:
//  score        Observation whose code is an instrument's total or panel
//               (mappers/outcomes, score_observation) with a total: code =
//               instrument id, value = total, at_ms = effective[x] (start of
//               a Period). detail: "safety" when the safety item is
//               positive, "safety-negative" when it was answered and is
//               not (Score::safety_positive false), neither when it is
//               unknown (a total-only Observation, an instrument without
//               one); then "derived" when the gateway derived it (meta.tag
//               urn:carebridge:derived). An Observation with status
//               entered-in-error, cancelled or preliminary has none, and so
//               has one score_observation refuses (an Issue: out of range,
//               a panel of hasMember references) or a panel whose items do
//               not all have a value (no total).
//  appointment  Appointment: code = status (booked, fulfilled, noshow,
//               cancelled, ...), at_ms = start, end_ms = end; detail
//               "ref:ServiceRequest/<id>" per basedOn. The patient is the
//               first participant.actor that is a local Patient reference.
//  encounter    Encounter: code = status, at_ms = period.start, end_ms =
//               period.end; detail "class:<code>" (EMER, IMP, AMB, ...),
//               "discharge" when the class is an inpatient/emergency one
//               and the stay has an end or a
//               hospitalization.dischargeDisposition (an outpatient visit
//               never: it needs no follow-up), "ref:ServiceRequest/<id>"
//               per basedOn. Inpatient/emergency: v3 ActCode IMP, ACUTE,
//               NONAC, EMER, OBSENC, SS (class.system v3-ActCode or
//               absent). Never "discharge" while
//               the status says it has not ended or never happened
//               (planned, arrived, triaged, in-progress, onleave,
//               cancelled).
//  referral     ServiceRequest (every one: which are referrals is the
//               rules' to say, is_referral in fact_timeline.hpp): code =
//               status, at_ms = authoredOn (else occurrenceDateTime,
//               occurrencePeriod.start, the earliest occurrenceTiming.event
//               or its repeat.boundsPeriod.start), end_ms = 0; detail
//               "category:<code>" per ServiceRequest.category coding with a
//               code, then "code:<code>" per ServiceRequest.code coding with
//               a code, each in order and the system left out (HL7's
//               ServiceRequest/myringotomy: "category:103696004
//               code:172676009 intent:order"), then "intent:<intent>", then
//               "do-not-perform" when doNotPerform is true (R4: a modifier,
//               the request forbids the service).
//  medication   MedicationRequest: code = status, at_ms = authoredOn;
//               detail "med:<key>", "dose:<key>", "intent:<intent>", each
//               left out when there is nothing to say.
//               med key: "<system>|<code>" of the first coding with a code
//               of medicationCodeableConcept, or of the contained
//               Medication a "#id" medicationReference names (none when it
//               has no coded code); "Medication/<id>" for a local
//               reference (version dropped); another reference as sent.
//               dose key: from the first dosageInstruction,
//               "<amount>[@<timing>][+prn]", e.g. "10mg@1/d",
//               "1-2TAB@1/4-6h+prn", "1TAB@QD". amount: the first
//               doseAndRate's doseQuantity "<value><unit>" or doseRange
//               "<low>-<high><unit>" (unit: the quantity's code, else its
//               unit text; numbers without trailing fractional zeros, "2.50"
//               -> "2.5"); rates are left out. timing: repeat
//               "<frequency>[-<frequencyMax>]/[<period>][-<periodMax>]<periodUnit>"
//               (frequency 1 when absent, a period of 1 left out: "1/d",
//               "3/wk"), else timing.code's code; when, dayOfWeek,
//               timeOfDay, bounds and count are not part of it. "+prn":
//               asNeededBoolean true or asNeededCodeableConcept. No token
//               when the dosage has neither amount nor timing (text only).
//  care-plan    CarePlan: code = status, at_ms = period.start (else
//               created), end_ms = period.end; detail "category:<code>"
//               per CarePlan.category coding with a code, in order, the
//               system left out (Synthea: "category:assess-plan
//               category:718347000"; care-rules.json
//               treatment.care_plan_categories reads them).
//  goal         Goal: code = lifecycleStatus, at_ms = startDate (else
//               statusDate); detail "achievement:<code>" (the first coded
//               achievementStatus coding).
//  episode      EpisodeOfCare: code = status, at_ms = period.start,
//               end_ms = period.end; detail "type:<code>" per
//               EpisodeOfCare.type coding with a code, in order, the
//               system left out. The patient is EpisodeOfCare.patient.
//  flag         Flag: code = the first code.coding code ("" when the code
//               is text only), at_ms = period.start, end_ms = period.end;
//               detail "status:<status>" and "derived" for the gateway's
//               own (meta.tag urn:carebridge:derived).
#pragma once

#include <string_view>
#include <vector>

#include "fhir/json/value.hpp"
#include "fhir/store/care_fact.hpp"
#include "mappers/outcomes/instrument_table.hpp"

namespace mappers::care {

// The version of what care_facts_of extracts: raise it with any change to
// the kinds, fields or tokens, and stored facts are made again.
// "2": ServiceRequest facts gained their category, code, intent and
// do-not-perform tokens.
inline constexpr std::string_view kCareFactsVersion = "2";

std::vector<fhir::store::CareFact> care_facts_of(const outcomes::InstrumentTable& instruments,
                                                 const fhir::json::Value& resource);

// Whether a resource type can have care facts (the store skips the others).
bool has_care_facts(std::string_view type);

}  // namespace mappers::care
