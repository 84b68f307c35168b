#include "mappers/outcomes/observation_score.hpp"

#include <string>
#include <utility>

#include "fhir/core/errors.hpp"
#include "mappers/outcomes/answer_value.hpp"
#include "mappers/outcomes/json_number.hpp"
#include "mappers/outcomes/score_summary.hpp"
#include "mappers/outcomes/source_fields.hpp"

namespace mappers::outcomes {
namespace {

using fhir::json::Value;

fhir::Issue refuse(std::string diagnostics, std::string expression) {
  return fhir::make_issue(fhir::err::kInvalidValue, std::move(diagnostics), std::move(expression));
}

// The first LOINC coding that is an instrument's total or panel.
std::optional<CodeMatch> instrument_code(const InstrumentTable& table, const Value& code) {
  const Value* codings = code.find("coding");
  if (codings == nullptr) return std::nullopt;
  for (const auto& c : codings->items()) {
    if (c.string_at("system") != kLoinc) continue;
    if (auto m = table.match_loinc(c.string_at("code")); m && m->role != CodeRole::item) return m;
  }
  return std::nullopt;
}

fhir::Result<int> observation_total(const Instrument& inst, const Value& obs) {
  std::string at = "Observation.valueInteger";
  std::optional<int> v;
  if (const Value* n = obs.find("valueInteger"); n != nullptr) {
    v = whole_number(*n);
  } else if (const Value* q = obs.find("valueQuantity"); q != nullptr) {
    at = "Observation.valueQuantity.value";
    v = whole_number_at(*q, "value");
  } else {
    return refuse(inst.name + " total has no valueInteger or valueQuantity" +
                      (obs.find("dataAbsentReason") != nullptr ? " (dataAbsentReason given)" : ""),
                  "Observation.value[x]");
  }
  if (!v) return refuse(inst.name + " total is not a whole number", at);
  if (*v < inst.total_min || *v > inst.total_max)
    return refuse(inst.name + " total " + std::to_string(*v) + " is outside " + std::to_string(inst.total_min) +
                      ".." + std::to_string(inst.total_max) + ": not scored",
                  at);
  return *v;
}

// Components coded with this instrument's items (and total). Returns
// whether any item component was there.
bool read_components(const InstrumentTable& table, const Instrument& inst, const Value& obs, Score& s) {
  const Value* components = obs.find("component");
  if (components == nullptr) return false;
  bool any = false;
  std::vector<bool> seen(inst.items.size(), false);
  for (std::size_t i = 0; i < components->items().size(); ++i) {
    const Value& comp = components->items()[i];
    const std::string at = "Observation.component[" + std::to_string(i) + "]";
    const Value* code = comp.find("code");
    const Value* codings = code == nullptr ? nullptr : code->find("coding");
    if (codings == nullptr) continue;
    for (const auto& c : codings->items()) {
      if (c.string_at("system") != kLoinc) continue;
      auto m = table.match_loinc(c.string_at("code"));
      if (!m || m->instrument != &inst) continue;
      if (m->role == CodeRole::total) {
        auto v = whole_number_at(comp, "valueInteger");
        if (!v && comp.find("valueQuantity") != nullptr) v = whole_number_at(*comp.find("valueQuantity"), "value");
        if (v && s.reported_total && *v != *s.reported_total)
          s.notes.push_back(note("the total component differs from the Observation's value", at));
        if (v && !s.reported_total) s.reported_total = *v;
      } else if (m->role == CodeRole::item) {
        any = true;
        const auto k = static_cast<std::size_t>(m->item);
        auto v = answer_value(AnswerContext{&inst, {}, nullptr}, comp, at);
        if (seen[k]) {
          s.notes.push_back(note("item " + std::to_string(k + 1) + " appears twice", at));
          s.items[k].reset();
        } else if (v) {
          s.items[k] = *v;
        } else {
          s.notes.push_back(v.take_issue());
        }
        seen[k] = true;
      }
      break;  // one instrument coding per component
    }
  }
  return any;
}

}  // namespace

fhir::Result<std::optional<Score>> score_observation(const InstrumentTable& table, const Value& obs) {
  if (obs.string_at("resourceType") != "Observation")
    return fhir::make_issue(fhir::err::kWrongResourceType, "not an Observation", "resourceType");
  const Value* code = obs.find("code");
  auto match = code == nullptr ? std::nullopt : instrument_code(table, *code);
  if (!match) return std::optional<Score>();
  const Instrument& inst = *match->instrument;
  std::string_view status = obs.string_at("status");
  if (status == "entered-in-error" || status == "cancelled")
    return refuse("the Observation is " + std::string(status) + ": not scored", "Observation.status");
  Score s = start_score(inst, table.version());
  describe_source(obs, s);
  if (match->role == CodeRole::total) {
    auto v = observation_total(inst, obs);
    if (!v) return v.take_issue();
    s.total = *v;
    s.reported_total = *v;
  }
  const bool has_items = read_components(table, inst, obs, s);
  if (match->role == CodeRole::panel && !has_items) {
    if (obs.find("hasMember") != nullptr) {
      fhir::Issue i = refuse(inst.name + " panel holds its items as hasMember references, which are separate "
                             "Observations: score the panel once they are resolved",
                             "Observation.hasMember");
      i.severity = fhir::Severity::warning;  // nothing wrong with the data: we just cannot see the items
      return i;
    }
    return refuse(inst.name + " panel has no item components", "Observation.component");
  }
  summarize(inst, s);
  return std::optional<Score>(std::move(s));
}

}  // namespace mappers::outcomes
