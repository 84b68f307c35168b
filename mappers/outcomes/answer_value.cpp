#include "mappers/outcomes/answer_value.hpp"

#include <optional>

#include "mappers/outcomes/json_number.hpp"
#include "mappers/outcomes/score_summary.hpp"

namespace mappers::outcomes {
namespace {

using fhir::json::Value;

constexpr std::string_view kOrdinalValue = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
// R4's name before ordinalValue; older forms still carry it.
constexpr std::string_view kIsoCoValue = "http://hl7.org/fhir/StructureDefinition/iso21090-CO-value";

// Every value any source gives the codings; the answer has one only if
// they all agree.
struct Candidates {
  std::vector<int> values;
  std::string first_code;  // for the diagnostics

  void add(std::optional<int> v) {
    if (v) values.push_back(*v);
  }
};

void collect(const AnswerContext& ctx, const Value& coding, Candidates& out) {
  std::string_view code = coding.string_at("code");
  std::string_view system = coding.string_at("system");
  if (out.first_code.empty())
    out.first_code = (system.empty() ? std::string() : std::string(system) + "|") + std::string(code);
  // The table first, so a conflict reads "the table's value and the other".
  if (!code.empty()) out.add(ctx.instrument->answer_value(system.empty() ? ctx.default_system : system, code));
  out.add(ordinal_extension(coding));
  if (code.empty() || ctx.options == nullptr) return;
  for (const auto& o : *ctx.options)
    if (o.code == code && (o.system.empty() || system.empty() || o.system == system)) out.values.push_back(o.value);
}

fhir::Result<int> in_range(const AnswerContext& ctx, int v, const std::string& what, const std::string& expression) {
  if (v < ctx.instrument->item_min || v > ctx.instrument->item_max)
    return note(what + " gives " + std::to_string(v) + ", outside the item range " +
                    std::to_string(ctx.instrument->item_min) + ".." + std::to_string(ctx.instrument->item_max),
                expression);
  return v;
}

fhir::Result<int> from_codings(const AnswerContext& ctx, const std::vector<const Value*>& codings,
                               const std::string& expression) {
  Candidates c;
  for (const Value* coding : codings) collect(ctx, *coding, c);
  const std::string what = "answer " + (c.first_code.empty() ? std::string("(no code)") : c.first_code);
  if (c.values.empty())
    return note(what + " has no value: not in the instruments table and no ordinalValue", expression);
  for (int v : c.values)
    if (v != c.values.front())
      return note(what + " has conflicting values " + std::to_string(c.values.front()) + " and " + std::to_string(v),
                  expression);
  return in_range(ctx, c.values.front(), what, expression);
}

}  // namespace

std::optional<int> ordinal_extension(const Value& element) {
  const Value* ext = element.find("extension");
  if (ext == nullptr) return std::nullopt;
  for (const auto& e : ext->items()) {
    std::string_view url = e.string_at("url");
    if (url != kOrdinalValue && url != kIsoCoValue) continue;
    if (const Value* v = e.find("valueDecimal"); v != nullptr) return whole_number(*v);
    if (const Value* v = e.find("valueInteger"); v != nullptr) return whole_number(*v);
  }
  return std::nullopt;
}

fhir::Result<int> answer_value(const AnswerContext& ctx, const Value& element, const std::string& expression) {
  if (const Value* coding = element.find("valueCoding"); coding != nullptr)
    return from_codings(ctx, {coding}, expression + ".valueCoding");
  if (const Value* cc = element.find("valueCodeableConcept"); cc != nullptr) {
    std::vector<const Value*> codings;
    if (const Value* list = cc->find("coding"); list != nullptr)
      for (const auto& c : list->items()) codings.push_back(&c);
    return from_codings(ctx, codings, expression + ".valueCodeableConcept");
  }
  for (std::string_view key : {"valueInteger", "valueDecimal"}) {
    if (const Value* n = element.find(key); n != nullptr) {
      const std::string at = expression + "." + std::string(key);
      auto v = whole_number(*n);
      if (!v) return note(std::string(key) + " " + n->text() + " is not a whole number", at);
      return in_range(ctx, *v, std::string(key), at);
    }
  }
  if (const Value* q = element.find("valueQuantity"); q != nullptr) {
    const std::string at = expression + ".valueQuantity.value";
    auto v = whole_number_at(*q, "value");
    if (!v) return note("valueQuantity has no whole-number value", at);
    return in_range(ctx, *v, "valueQuantity", at);
  }
  return note("no value[x] this instrument's items can take", expression);
}

}  // namespace mappers::outcomes
