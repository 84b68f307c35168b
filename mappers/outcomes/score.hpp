// Score: one instrument's result read from an Observation or computed from
// a QuestionnaireResponse, in the shape a derived Observation needs: code
// (total_code), value (total), components (items), effective, subject, and
// derivedFrom / Provenance (source, table_version).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fhir/core/issue.hpp"

namespace mappers::outcomes {

struct Score {
  std::string instrument;  // instruments.json "id", e.g. "phq-9"
  std::string total_code;  // LOINC of the total
  // The total. From items: set only when every item has a value (a partial
  // sum would understate the score). From an Observation total: its value.
  std::optional<int> total;
  // One entry per instrument item, in instrument order; nullopt where the
  // source gave no value we could map. All nullopt for a reported total.
  std::vector<std::optional<int>> items;
  int answered = 0;
  bool complete = false;  // every item has a value (never for a total-only source)
  // The safety item (PHQ-9 item 9) at or above its threshold; nullopt when
  // the instrument has none or the source did not answer it.
  std::optional<bool> safety_positive;
  std::string severity;  // band label of total; empty without a total
  // The total the source itself carried beside its items (a QR total item,
  // or an Observation's value over its components).
  std::optional<int> reported_total;
  bool source_total_disagrees = false;  // reported_total != the computed total
  std::string effective;      // Observation.effective[x] / QuestionnaireResponse.authored, verbatim
  std::string subject;        // subject.reference
  std::string source;         // "Observation/<id>" or "QuestionnaireResponse/<id>"; empty without an id
  std::string table_version;  // instruments.json version that scored it
  // Warnings: why an item has no value, what was skipped. Each names the
  // element (expression) it is about.
  std::vector<fhir::Issue> notes;
};

}  // namespace mappers::outcomes
