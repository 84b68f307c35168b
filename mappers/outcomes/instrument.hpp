// One outcome-measure instrument as mappers/outcomes/instruments.json
// defines it (that file's "fields" member documents each field): its LOINC
// codes, item and total ranges, answer codes, severity bands, safety item
// and the Questionnaires known to carry it under local linkIds.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mappers::outcomes {

inline constexpr std::string_view kLoinc = "http://loinc.org";

struct Item {
  std::string code;  // LOINC; empty where no code was verified (PCL-5)
  std::string text;
};

struct Answer {
  std::string system;
  std::string code;
  int value = 0;
};

struct Band {
  int min = 0;  // inclusive
  int max = 0;  // inclusive
  std::string label;
};

struct SafetyItem {
  int item = 0;  // 0-based index into Instrument::items
  int positive_at_least = 1;
};

// A Questionnaire whose linkIds are local names, not LOINC codes.
struct Form {
  std::vector<std::string> canonicals;  // without "|version"
  std::vector<std::string> item_link_ids;  // instrument order
  std::string total_link_id;               // empty: the form carries no total
  std::string answer_system;               // for codings that name no system
};

struct Instrument {
  std::string id;
  std::string name;
  std::string total_code;
  std::vector<std::string> panel_codes;
  int total_min = 0;
  int total_max = 0;
  int item_min = 0;
  int item_max = 0;
  std::vector<Item> items;  // empty: a total-only instrument
  std::vector<Answer> answers;
  std::vector<Band> bands;
  std::optional<SafetyItem> safety;
  std::vector<Form> forms;

  // The value an answer coding stands for, if the file lists it.
  std::optional<int> answer_value(std::string_view system, std::string_view code) const;
  // The band label of a total; empty outside every band.
  std::string band_of(int total) const;
};

}  // namespace mappers::outcomes
