#include "consent/decision/content_match.hpp"

#include <array>

#include "fhir/search/date_range.hpp"

namespace consent {
namespace {

using fhir::json::Value;

std::string_view trim_slash(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

bool concept_has(const Value& cc, const std::vector<Coding>& codes) {
  const Value* list = cc.find("coding");
  if (list == nullptr) return false;
  for (const auto& c : list->items())
    for (const auto& want : codes)
      if (c.string_at("code") == want.code && trim_slash(c.string_at("system")) == want.system) return true;
  return false;
}

bool refers_to(const Value& v, std::string_view target) {
  if (v.is_object()) {
    for (const auto& [key, child] : v.members()) {
      if (key == "reference" && child.is_string() && relative_reference(child.text()) == target) return true;
      if (refers_to(child, target)) return true;
    }
  } else if (v.is_array()) {
    for (const auto& item : v.items())
      if (refers_to(item, target)) return true;
  }
  return false;
}

bool is_instance(std::string_view target, const ResourceFacts& f) {
  return target.size() == f.type.size() + 1 + f.id.size() && target.substr(0, f.type.size()) == f.type &&
         target[f.type.size()] == '/' && target.substr(f.type.size() + 1) == f.id;
}

// A date element as a range: a dateTime covers its precision, a Period its
// start..end (open ends extreme).
bool date_range(const Value& v, std::int64_t& low, std::int64_t& high) {
  if (v.is_string()) {
    auto r = fhir::search::parse_date_range(v.text());
    if (!r) return false;
    low = r->low;
    high = r->high;
    return true;
  }
  if (!v.is_object()) return false;
  low = fhir::search::kMinInstant;
  high = fhir::search::kMaxInstant;
  bool any = false;
  if (auto s = fhir::search::parse_date_range(v.string_at("start"))) {
    low = s->low;
    any = true;
  }
  if (auto e = fhir::search::parse_date_range(v.string_at("end"))) {
    high = e->high;
    any = true;
  }
  return any;
}

}  // namespace

Match class_matches(const ProvisionClass& c, const ResourceFacts& facts) {
  if (c.kind == ClassKind::resource_type) return c.value == facts.type ? Match::yes : Match::no;
  if (facts.content == nullptr) return Match::unknown;
  const Value& r = *facts.content;
  if (c.kind == ClassKind::profile) {
    if (const Value* meta = r.find("meta"))
      if (const Value* profiles = meta->find("profile"))
        for (const auto& p : profiles->items()) {
          std::string_view url = p.is_string() ? std::string_view(p.text()) : std::string_view();
          if (url.substr(0, url.find('|')) == c.value) return Match::yes;
        }
    return Match::no;
  }
  if (r.string_at("contentType") == c.value) return Match::yes;
  if (const Value* content = r.find("content"))
    for (const auto& item : content->items())
      if (const Value* a = item.find("attachment"); a != nullptr && a->string_at("contentType") == c.value)
        return Match::yes;
  return Match::no;
}

Match code_matches(const std::vector<Coding>& codes, const ResourceFacts& facts) {
  if (facts.content == nullptr) return Match::unknown;
  static constexpr std::array<std::string_view, 5> kElements = {"code", "category", "type", "medicationCodeableConcept",
                                                                "vaccineCode"};
  for (auto element : kElements) {
    const Value* v = facts.content->find(element);
    if (v == nullptr) continue;
    if (v->is_array()) {
      for (const auto& item : v->items())
        if (concept_has(item, codes)) return Match::yes;
    } else if (concept_has(*v, codes)) {
      return Match::yes;
    }
  }
  return Match::no;
}

Match data_period_matches(const TimeRange& range, const ResourceFacts& facts) {
  if (facts.content == nullptr) return Match::unknown;
  static constexpr std::array<std::string_view, 18> kDates = {"effectiveDateTime",
                                                              "effectivePeriod",
                                                              "effectiveInstant",
                                                              "onsetDateTime",
                                                              "onsetPeriod",
                                                              "occurrenceDateTime",
                                                              "occurrencePeriod",
                                                              "performedDateTime",
                                                              "performedPeriod",
                                                              "authoredOn",
                                                              "period",
                                                              "date",
                                                              "issued",
                                                              "recordedDate",
                                                              "created",
                                                              "started",
                                                              "birthDate",
                                                              "sent"};
  for (auto element : kDates)
    if (const Value* v = facts.content->find(element)) {
      std::int64_t low = 0, high = 0;
      if (date_range(*v, low, high)) return range.overlaps(low, high) ? Match::yes : Match::no;
    }
  return Match::no;
}

Match data_matches(const DataRef& data, const ResourceFacts& facts) {
  if (is_instance(data.reference, facts)) return Match::yes;
  if (data.meaning == DataMeaning::instance) return Match::no;
  if (facts.content == nullptr) return Match::unknown;
  return refers_to(*facts.content, data.reference) ? Match::yes : Match::no;
}

}  // namespace consent
