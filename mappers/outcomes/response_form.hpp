// What each linkId of a QuestionnaireResponse stands for: an item or the
// total of an instrument. R4 response items carry no codes, so the answer
// comes from, in this order:
//   1. a known form in instruments.json, matched by the response's
//      `questionnaire` canonical or the Questionnaire's url / derivedFrom;
//   2. the Questionnaire's item.code (LOINC), when the Questionnaire is
//      contained ("#id") or supplied by the caller;
//   3. the linkId itself when it is a LOINC code ("/44250-9", "44250-9",
//      "/44249-1/44250-9": the last segment).
// The Questionnaire also gives each item's answer options with their
// ordinalValue (answerOption, or a contained answerValueSet).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fhir/core/issue.hpp"
#include "fhir/json/value.hpp"
#include "mappers/outcomes/answer_value.hpp"
#include "mappers/outcomes/instrument_table.hpp"

namespace mappers::outcomes {

struct LinkRole {
  const Instrument* instrument = nullptr;
  int item = -1;  // 0-based item; -1: the instrument's total
  std::string default_system;  // a known form's answer system
  std::vector<OptionValue> options;  // the Questionnaire item's options
};

class ResponseForm {
 public:
  // questionnaire: the Questionnaire the response answers, if the caller
  // resolved it (a contained one is found here); ignored, with a note,
  // when its url is not the response's `questionnaire`.
  ResponseForm(const InstrumentTable& table, const fhir::json::Value& response,
               const fhir::json::Value* questionnaire);

  // nullopt: the linkId is no item or total of a known instrument.
  std::optional<LinkRole> role(std::string_view link_id) const;
  // Why the Questionnaire or some of its items were not used.
  const std::vector<fhir::Issue>& notes() const { return notes_; }

 private:
  void add_form(const FormMatch& m);
  void add_questionnaire_items(const fhir::json::Value& items, const fhir::json::Value& questionnaire,
                               const fhir::json::Value& response);
  std::optional<LinkRole> loinc_role(std::string_view code) const;

  const InstrumentTable& table_;
  std::optional<FormMatch> form_;  // the known form the response answers, if any
  std::unordered_map<std::string, LinkRole> roles_;
  std::vector<fhir::Issue> notes_;
};

}  // namespace mappers::outcomes
