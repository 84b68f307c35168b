// SummaryElements: per R4 resource type, which top-level elements a
// _summary or _elements projection keeps (R4 search.html "Summary",
// "Elements"). The R4 JSON schema lacks ElementDefinition.isSummary, so the
// table is read from profiles/r4/summary-elements.json, which
// deploy/tools/gen-summary-elements derives from HL7's StructureDefinitions.
// Top level only: R4 applies _summary there in practice (HAPI does the same)
// and _elements names top-level elements. Immutable after load.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "profiles/string_hash.hpp"

namespace profiles {

// Element names are base names: "value" for value[x]. Each list is sorted.
class TypeSummary {
 public:
  TypeSummary() = default;
  TypeSummary(std::vector<std::string> summary, std::vector<std::string> mandatory,
              std::vector<std::string> choice);

  // isSummary, or min >= 1 (R4: mandatory elements belong to a summary).
  bool is_summary(std::string_view base) const;
  // min >= 1.
  bool is_mandatory(std::string_view base) const;
  // The element a JSON member holds: "valueQuantity" and "_valueString"
  // are "value" when value[x] is a choice element here, "_birthDate" is
  // "birthDate"; any other name is itself.
  std::string_view base_name(std::string_view member) const;

 private:
  std::vector<std::string> summary_;
  std::vector<std::string> mandatory_;
  std::vector<std::string> choice_;
};

class SummaryElements {
 public:
  // Reads share/carebridge/r4/summary-elements.json.
  static fhir::Result<SummaryElements> load(const std::string& path);
  // {"Patient": {"summary": [...], "mandatory": [...], "choice": [...]}, ...};
  // members starting with "_" are notes and skipped.
  static fhir::Result<SummaryElements> from_json(const fhir::json::Value& table);

  // nullptr for a type the table does not know.
  const TypeSummary* find(std::string_view resource_type) const;
  // Sorted.
  std::vector<std::string> resource_types() const;

 private:
  std::unordered_map<std::string, TypeSummary, StringHash, std::equal_to<>> types_;
};

}  // namespace profiles
