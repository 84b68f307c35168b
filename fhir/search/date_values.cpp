#include "fhir/search/date_values.hpp"

#include <algorithm>

#include "fhir/search/date_range.hpp"

namespace fhir::search {
namespace {

bool is_date_type(std::string_view t) { return t.empty() || t == "date" || t == "dateTime" || t == "instant"; }

// nullopt for an absent element; an error for one that is not a date.
bool read_date(const json::Value* v, std::optional<DateValue>& out) {
  if (v == nullptr) return true;
  if (!v->is_string()) return false;
  out = parse_date_range(v->text());
  return out.has_value();
}

bool append_period(const json::Value& p, std::vector<DateValue>& out) {
  std::optional<DateValue> start, end;
  if (!read_date(p.find("start"), start) || !read_date(p.find("end"), end)) return false;
  if (!start && !end) return true;
  out.push_back(DateValue{start ? start->low : kMinInstant, end ? end->high : kMaxInstant});
  return true;
}

bool append_timing(const json::Value& t, std::vector<DateValue>& out) {
  std::vector<DateValue> parts;
  if (const json::Value* events = t.find("event"); events != nullptr && events->is_array())
    for (const auto& e : events->items()) {
      std::optional<DateValue> d;
      if (!read_date(&e, d)) return false;
      parts.push_back(*d);
    }
  if (const json::Value* repeat = t.find("repeat"))
    if (const json::Value* bounds = repeat->find("boundsPeriod"))
      if (!append_period(*bounds, parts)) return false;
  if (parts.empty()) return true;
  DateValue outer = parts.front();
  for (const auto& p : parts) {
    outer.low = std::min(outer.low, p.low);
    outer.high = std::max(outer.high, p.high);
  }
  out.push_back(outer);
  return true;
}

}  // namespace

bool append_date_values(const fhirpath::Node& n, std::vector<DateValue>& out) {
  const json::Value& v = *n.value;
  if (v.is_string()) {
    if (!is_date_type(n.type)) return true;
    auto d = parse_date_range(v.text());
    if (!d) return false;
    out.push_back(*d);
    return true;
  }
  if (!v.is_object() || n.opaque) return true;
  if (n.type == "Period" || (n.type.empty() && (v.find("start") || v.find("end")))) return append_period(v, out);
  if (n.type == "Timing" || (n.type.empty() && (v.find("event") || v.find("repeat")))) return append_timing(v, out);
  return true;
}

}  // namespace fhir::search
