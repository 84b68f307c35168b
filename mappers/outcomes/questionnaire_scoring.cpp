#include "mappers/outcomes/questionnaire_scoring.hpp"

#include <utility>

#include "fhir/core/errors.hpp"
#include "mappers/outcomes/answer_value.hpp"
#include "mappers/outcomes/json_number.hpp"
#include "mappers/outcomes/response_form.hpp"
#include "mappers/outcomes/score_summary.hpp"
#include "mappers/outcomes/source_fields.hpp"

namespace mappers::outcomes {
namespace {

using fhir::json::Value;

// One instrument's answers as the walk finds them.
struct Tally {
  const Instrument* instrument = nullptr;
  Score score;
  std::vector<bool> settled;  // the slot has a value or a reason it has none
  bool has_item = false;      // a total alone is not something we score
};

std::string item_name(const Instrument& inst, int k) {
  const Item& item = inst.items[static_cast<std::size_t>(k)];
  return inst.name + " item " + std::to_string(k + 1) + (item.code.empty() ? "" : " (" + item.code + ")");
}

class Walker {
 public:
  Walker(const InstrumentTable& table, const ResponseForm& form) : table_(table), form_(form) {}

  void walk(const Value& items, const std::string& path) {
    for (std::size_t i = 0; i < items.items().size(); ++i) {
      const Value& item = items.items()[i];
      const std::string at = path + ".item[" + std::to_string(i) + "]";
      if (auto role = form_.role(item.string_at("linkId")); role) {
        Tally& t = tally_for(*role->instrument);
        if (role->item >= 0) {
          answer(t, item, *role, at);
        } else {
          total(t, item, at);
        }
      }
      if (const Value* children = item.find("item"); children != nullptr) walk(*children, at);
      // R4 nests follow-up questions under an answer, too.
      if (const Value* answers = item.find("answer"); answers != nullptr)
        for (std::size_t j = 0; j < answers->items().size(); ++j)
          if (const Value* nested = answers->items()[j].find("item"); nested != nullptr)
            walk(*nested, at + ".answer[" + std::to_string(j) + "]");
    }
  }

  std::vector<Tally> tallies;

 private:
  Tally& tally_for(const Instrument& inst) {
    for (auto& t : tallies)
      if (t.instrument == &inst) return t;
    Tally t;
    t.instrument = &inst;
    t.score = start_score(inst, table_.version());
    t.settled.assign(inst.items.size(), false);
    return tallies.emplace_back(std::move(t));
  }

  void answer(Tally& t, const Value& item, const LinkRole& role, const std::string& at) {
    t.has_item = true;
    const auto k = static_cast<std::size_t>(role.item);
    const Value* answers = item.find("answer");
    const std::size_t count = answers == nullptr ? 0 : answers->items().size();
    if (count == 0) return;  // reported once the walk is over, if no other linkId answers it
    auto& slot = t.score.items[k];
    if (count > 1) {
      t.score.notes.push_back(note(item_name(*t.instrument, role.item) + " has " + std::to_string(count) +
                                       " answers; it takes one",
                                   at + ".answer"));
      slot.reset();
      t.settled[k] = true;
      return;
    }
    AnswerContext ctx{t.instrument, role.default_system, &role.options};
    auto v = answer_value(ctx, answers->items()[0], at + ".answer[0]");
    if (t.settled[k]) {
      // The same item twice (two linkIds, or a repeated group): one value
      // only if both agree.
      if (!v || !slot || *slot != *v) {
        t.score.notes.push_back(note(item_name(*t.instrument, role.item) + " is answered twice, differently", at));
        slot.reset();
      }
      return;
    }
    t.settled[k] = true;
    if (v) {
      slot = *v;
    } else {
      t.score.notes.push_back(v.take_issue());
    }
  }

  // The response's own total, to check our sum against.
  void total(Tally& t, const Value& item, const std::string& at) {
    const Value* answers = item.find("answer");
    if (answers == nullptr || answers->items().empty()) return;
    const Value& a = answers->items()[0];
    std::optional<int> v;
    for (std::string_view key : {"valueDecimal", "valueInteger"})
      if (!v && a.find(key) != nullptr) v = whole_number(*a.find(key));
    if (!v && a.find("valueQuantity") != nullptr) v = whole_number_at(*a.find("valueQuantity"), "value");
    if (!v) {
      t.score.notes.push_back(note("the response's total is not a whole number", at + ".answer[0]"));
      return;
    }
    if (*v < t.instrument->total_min || *v > t.instrument->total_max)
      t.score.notes.push_back(note("the response's total " + std::to_string(*v) + " is outside " +
                                       std::to_string(t.instrument->total_min) + ".." +
                                       std::to_string(t.instrument->total_max),
                                   at + ".answer[0]"));
    if (t.score.reported_total && *t.score.reported_total != *v)
      t.score.notes.push_back(note("the response carries two different totals", at));
    t.score.reported_total = *v;
  }

  const InstrumentTable& table_;
  const ResponseForm& form_;
};

}  // namespace

fhir::Result<std::vector<Score>> score_questionnaire_response(const InstrumentTable& table, const Value& response,
                                                              const Value* questionnaire) {
  if (response.string_at("resourceType") != "QuestionnaireResponse")
    return fhir::make_issue(fhir::err::kWrongResourceType, "not a QuestionnaireResponse", "resourceType");
  if (response.string_at("status") == "entered-in-error")
    return fhir::make_issue(fhir::err::kInvalidValue, "the response was entered in error: not scored",
                            "QuestionnaireResponse.status");
  ResponseForm form(table, response, questionnaire);
  Walker walker(table, form);
  if (const Value* items = response.find("item"); items != nullptr) walker.walk(*items, "QuestionnaireResponse");
  std::vector<Score> out;
  for (auto& t : walker.tallies) {
    if (!t.has_item) continue;
    for (std::size_t k = 0; k < t.settled.size(); ++k)
      if (!t.settled[k])
        t.score.notes.push_back(
            note(item_name(*t.instrument, static_cast<int>(k)) + " is not answered", "QuestionnaireResponse.item"));
    for (const auto& n : form.notes()) t.score.notes.push_back(n);
    describe_source(response, t.score);
    summarize(*t.instrument, t.score);
    out.push_back(std::move(t.score));
  }
  return out;
}

}  // namespace mappers::outcomes
