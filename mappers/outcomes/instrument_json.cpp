#include "mappers/outcomes/instrument_json.hpp"

#include <set>
#include <utility>

#include "fhir/core/errors.hpp"
#include "mappers/outcomes/instrument_table.hpp"
#include "mappers/outcomes/json_number.hpp"

namespace mappers::outcomes {
namespace {

using fhir::json::Value;

// Each reader returns the Issue for its field; parse_instrument stops at the
// first one, so the diagnostics name exactly one problem.
fhir::Result<std::string> text(const Value& obj, std::string_view key, const std::string& where) {
  std::string_view s = obj.string_at(key);
  if (s.empty()) return bad_table(where + "." + std::string(key) + " must be a non-empty string");
  return std::string(s);
}

fhir::Result<int> number(const Value& obj, std::string_view key, const std::string& where) {
  auto n = whole_number_at(obj, key);
  if (!n) return bad_table(where + "." + std::string(key) + " must be a whole number");
  return *n;
}

// An optional array member: empty when absent, an Issue when not an array.
fhir::Result<std::vector<const Value*>> list(const Value& obj, std::string_view key, const std::string& where) {
  std::vector<const Value*> out;
  const Value* v = obj.find(key);
  if (v == nullptr) return out;
  if (!v->is_array()) return bad_table(where + "." + std::string(key) + " must be an array");
  for (const auto& item : v->items()) out.push_back(&item);
  return out;
}

fhir::Result<std::vector<std::string>> strings(const Value& obj, std::string_view key, const std::string& where) {
  auto items = list(obj, key, where);
  if (!items) return items.take_issue();
  std::vector<std::string> out;
  for (const Value* s : *items) {
    if (!s->is_string() || s->text().empty())
      return bad_table(where + "." + std::string(key) + " must hold non-empty strings");
    out.push_back(s->text());
  }
  return out;
}

fhir::Status read_items(const Value& v, const std::string& where, Instrument& out) {
  auto items = list(v, "items", where);
  if (!items) return items.take_issue();
  for (std::size_t i = 0; i < items->size(); ++i) {
    const Value& item = *(*items)[i];
    if (!item.is_object()) return bad_table(where + ".items[" + std::to_string(i) + "] must be an object");
    out.items.push_back({std::string(item.string_at("code")), std::string(item.string_at("text"))});
  }
  if (out.items.empty()) {
    if (v.find("answers") != nullptr || v.find("safety_item") != nullptr || v.find("forms") != nullptr)
      return bad_table(where + " has no items, so it can have no answers, safety_item or forms");
    return fhir::ok_status();
  }
  auto lo = number(v, "item_min", where);
  if (!lo) return lo.take_issue();
  auto hi = number(v, "item_max", where);
  if (!hi) return hi.take_issue();
  out.item_min = *lo;
  out.item_max = *hi;
  if (out.item_min >= out.item_max) return bad_table(where + ": item_min must be below item_max");
  // The total is the sum of the items: a range that disagrees is a typo.
  const int n = static_cast<int>(out.items.size());
  if (out.total_min != n * out.item_min || out.total_max != n * out.item_max)
    return bad_table(where + ": total_min..total_max must be the sum of " + std::to_string(n) + " items of " +
                     std::to_string(out.item_min) + ".." + std::to_string(out.item_max));
  return fhir::ok_status();
}

fhir::Status read_answers(const Value& v, const std::string& where, Instrument& out) {
  auto answers = list(v, "answers", where);
  if (!answers) return answers.take_issue();
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; i < answers->size(); ++i) {
    const std::string at = where + ".answers[" + std::to_string(i) + "]";
    const Value& a = *(*answers)[i];
    auto system = text(a, "system", at);
    if (!system) return system.take_issue();
    auto code = text(a, "code", at);
    if (!code) return code.take_issue();
    auto value = number(a, "value", at);
    if (!value) return value.take_issue();
    if (*value < out.item_min || *value > out.item_max) return bad_table(at + ".value is outside item_min..item_max");
    if (!seen.emplace(*system, *code).second) return bad_table(at + " repeats " + *system + "|" + *code);
    out.answers.push_back({std::move(*system), std::move(*code), *value});
  }
  return fhir::ok_status();
}

// Bands tile total_min..total_max in order: every total has exactly one.
fhir::Status read_bands(const Value& v, const std::string& where, Instrument& out) {
  auto bands = list(v, "bands", where);
  if (!bands) return bands.take_issue();
  if (bands->empty()) return bad_table(where + ".bands must not be empty");
  int next = out.total_min;
  for (std::size_t i = 0; i < bands->size(); ++i) {
    const std::string at = where + ".bands[" + std::to_string(i) + "]";
    const Value& b = *(*bands)[i];
    auto lo = number(b, "min", at);
    if (!lo) return lo.take_issue();
    auto hi = number(b, "max", at);
    if (!hi) return hi.take_issue();
    auto label = text(b, "label", at);
    if (!label) return label.take_issue();
    if (*lo != next) return bad_table(at + ".min must be " + std::to_string(next) + " (no gap or overlap)");
    if (*hi < *lo) return bad_table(at + ".max is below its min");
    out.bands.push_back({*lo, *hi, std::move(*label)});
    next = *hi + 1;
  }
  if (next != out.total_max + 1) return bad_table(where + ".bands must end at total_max");
  return fhir::ok_status();
}

fhir::Status read_safety(const Value& v, const std::string& where, Instrument& out) {
  const Value* s = v.find("safety_item");
  if (s == nullptr) return fhir::ok_status();
  const std::string at = where + ".safety_item";
  auto item = number(*s, "item", at);
  if (!item) return item.take_issue();
  auto at_least = number(*s, "positive_at_least", at);
  if (!at_least) return at_least.take_issue();
  if (*item < 1 || *item > static_cast<int>(out.items.size()))
    return bad_table(at + ".item must name one of the items (1-based)");
  if (*at_least <= out.item_min || *at_least > out.item_max)
    return bad_table(at + ".positive_at_least must be above item_min and at most item_max");
  out.safety = SafetyItem{*item - 1, *at_least};
  return fhir::ok_status();
}

fhir::Status read_forms(const Value& v, const std::string& where, Instrument& out) {
  auto forms = list(v, "forms", where);
  if (!forms) return forms.take_issue();
  for (std::size_t i = 0; i < forms->size(); ++i) {
    const std::string at = where + ".forms[" + std::to_string(i) + "]";
    const Value& f = *(*forms)[i];
    Form form;
    auto canonicals = strings(f, "canonical", at);
    if (!canonicals) return canonicals.take_issue();
    auto links = strings(f, "items", at);
    if (!links) return links.take_issue();
    if (canonicals->empty()) return bad_table(at + ".canonical must not be empty");
    if (links->size() != out.items.size())
      return bad_table(at + ".items must give one linkId per item (" + std::to_string(out.items.size()) + ")");
    form.total_link_id = std::string(f.string_at("total"));
    std::set<std::string> unique(links->begin(), links->end());
    if (unique.size() != links->size() || unique.count(form.total_link_id) != 0)
      return bad_table(at + " names a linkId twice");
    for (auto& c : *canonicals) form.canonicals.emplace_back(canonical_url(c));
    form.item_link_ids = std::move(*links);
    form.answer_system = std::string(f.string_at("answer_system"));
    out.forms.push_back(std::move(form));
  }
  return fhir::ok_status();
}

}  // namespace

fhir::Issue bad_table(const std::string& what) {
  return fhir::make_issue(fhir::err::kInternal, "instruments table: " + what);
}

fhir::Result<Instrument> parse_instrument(const Value& v, const std::string& where) {
  if (!v.is_object()) return bad_table(where + " must be an object");
  Instrument out;
  using Field = std::pair<std::string_view, std::string*>;
  for (auto [key, field] : {Field{"id", &out.id}, Field{"name", &out.name}, Field{"total_code", &out.total_code}}) {
    auto s = text(v, key, where);
    if (!s) return s.take_issue();
    *field = std::move(*s);
  }
  auto panels = strings(v, "panel_codes", where);
  if (!panels) return panels.take_issue();
  out.panel_codes = std::move(*panels);
  auto lo = number(v, "total_min", where);
  if (!lo) return lo.take_issue();
  auto hi = number(v, "total_max", where);
  if (!hi) return hi.take_issue();
  out.total_min = *lo;
  out.total_max = *hi;
  if (out.total_min > out.total_max) return bad_table(where + ": total_min is above total_max");
  for (auto* read : {&read_items, &read_answers, &read_bands, &read_safety, &read_forms}) {
    auto st = read(v, where, out);
    if (!st) return st.take_issue();
  }
  return out;
}

}  // namespace mappers::outcomes
