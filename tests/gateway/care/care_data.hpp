// Scripted care-model data for the gateway's care tests: the FHIR
// resources an EHR sends in a collaborative-care scenario (a PHQ-9 series,
// visits, referrals), each built from the few facts the scenario varies,
// around a real Synthea Patient from the repo's fixtures.
#pragma once

#include <string>
#include <vector>

#include "fhir/json/value.hpp"
#include "tests/support/bundle_builder.hpp"

namespace carebridge::test::care {

// Epoch ms of a date "2025-02-03" (midnight UTC) or an instant.
std::int64_t ms(const std::string& date_or_instant);

// The Synthea Patient d69f0917... of tests/fixtures/synthea-sud, with id.
std::string synthea_patient(const std::string& id);
// A Patient of a name and no more: no birth date, no identifier, so never
// matched to another record (each scenario's patients stay apart).
std::string named_patient(const std::string& id, const std::string& family);

// A PHQ-9 total Observation (LOINC 44261-6, valueInteger).
std::string phq9(const std::string& id, const std::string& patient, int total, const std::string& date);
// The US BH PHQ-9 QuestionnaireResponse fixture (total 12) for patient,
// authored on date; item9 "" keeps its answer (not at all), else the LA
// code for item 9 (e.g. LA6571-9 "nearly every day").
std::string phq9_response(const std::string& id, const std::string& patient, const std::string& date,
                          const std::string& item9 = {});
std::string appointment(const std::string& id, const std::string& patient, const std::string& status,
                        const std::string& start, const std::string& based_on = {});
// An encounter of a class (AMB, EMER, IMP) from start to end ("" open).
std::string encounter(const std::string& id, const std::string& patient, const std::string& status,
                      const std::string& cls, const std::string& start, const std::string& end = {});
std::string referral(const std::string& id, const std::string& patient, const std::string& status,
                     const std::string& authored);
std::string group(const std::string& id, const std::vector<std::string>& patients);

// The codes (urn:carebridge:care-flag) of a patient's Flags with this status.
std::vector<std::string> flag_codes(const std::vector<fhir::json::Value>& flags, std::string_view status);

}  // namespace carebridge::test::care
