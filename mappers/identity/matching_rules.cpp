#include "mappers/identity/matching_rules.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

#include "fhir/core/errors.hpp"
#include "fhir/json/number.hpp"
#include "fhir/json/parse.hpp"

namespace mappers::identity {
namespace {

using fhir::json::Value;

constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "family_name", "given_name", "birth_date", "gender", "address", "phone", "email"};

// Sums of m (or u) over a field's levels may exceed 1 by rounding only.
constexpr double kSumSlack = 1e-9;

fhir::Issue invalid(std::string why, std::string expression) {
  return fhir::make_issue(fhir::err::kInvalidValue, "matching rules: " + why, std::move(expression));
}

using fhir::json::finite_number;

fhir::Result<LevelRule> level(const Value& field, std::string_view key, const std::string& where) {
  const Value* lv = field.find(key);
  std::string path = where + "." + std::string(key);
  if (lv == nullptr || !lv->is_object()) return invalid(path + " must be an object with m and u", path);
  LevelRule out;
  for (auto [name, slot] : {std::pair{"m", &out.m}, std::pair{"u", &out.u}}) {
    auto p = finite_number(lv->find(name));
    // 0 and 1 would make log2(m/u) or its complement infinite.
    if (!p || *p <= 0 || *p >= 1)
      return invalid(path + "." + name + " must be a probability strictly between 0 and 1", path + "." + name);
    *slot = *p;
  }
  out.weight = std::log2(out.m / out.u);
  return out;
}

fhir::Result<FieldRule> field_rule(const Value& f, const std::string& where) {
  if (!f.is_object()) return invalid(where + " must be an object", where);
  FieldRule out;
  auto agree = level(f, "agree", where);
  if (!agree) return agree.take_issue();
  auto disagree = level(f, "disagree", where);
  if (!disagree) return disagree.take_issue();
  out.agree = *agree;
  out.disagree = *disagree;
  double sum_m = out.agree.m + out.disagree.m, sum_u = out.agree.u + out.disagree.u;
  if (f.find("partial") != nullptr) {
    auto partial = level(f, "partial", where);
    if (!partial) return partial.take_issue();
    out.partial = *partial;
    out.has_partial = true;
    sum_m += out.partial.m;
    sum_u += out.partial.u;
    if (out.partial.weight >= out.agree.weight || out.partial.weight <= out.disagree.weight)
      return invalid(where + ".partial must weigh less than agree and more than disagree", where + ".partial");
  }
  if (sum_m > 1 + kSumSlack || sum_u > 1 + kSumSlack)
    return invalid(where + ": the levels' m (or u) add up to more than 1", where);
  // Agreement must count for a match and disagreement against it.
  if (out.agree.weight <= 0) return invalid(where + ".agree must weigh more than 0 (m > u)", where + ".agree");
  if (out.disagree.weight >= 0)
    return invalid(where + ".disagree must weigh less than 0 (m < u)", where + ".disagree");
  return out;
}

fhir::Status read_strong_identifiers(const Value& doc, std::vector<StrongIdentifier>& out) {
  const Value* list = doc.find("strong_identifiers");
  if (list == nullptr || !list->is_array()) return invalid("strong_identifiers must be an array", "strong_identifiers");
  std::vector<std::string> seen_systems;
  for (std::size_t i = 0; i < list->items().size(); ++i) {
    const Value& s = list->items()[i];
    std::string where = "strong_identifiers[" + std::to_string(i) + "]";
    StrongIdentifier id;
    id.name = std::string(s.string_at("name"));
    if (id.name.empty()) return invalid(where + " needs a name", where + ".name");
    for (const auto& other : out)
      if (other.name == id.name) return invalid("strong identifier '" + id.name + "' is given twice", where + ".name");
    const Value* systems = s.find("systems");
    if (systems == nullptr || !systems->is_array() || systems->items().empty())
      return invalid(where + ".systems must be a non-empty array of strings", where + ".systems");
    for (const auto& sys : systems->items()) {
      if (!sys.is_string() || sys.text().empty())
        return invalid(where + ".systems must be a non-empty array of strings", where + ".systems");
      if (std::find(seen_systems.begin(), seen_systems.end(), sys.text()) != seen_systems.end())
        return invalid("system " + sys.text() + " is listed twice", where + ".systems");
      seen_systems.push_back(sys.text());
      id.systems.push_back(sys.text());
    }
    if (const Value* ph = s.find("placeholder_values"); ph != nullptr) {
      if (!ph->is_array())
        return invalid(where + ".placeholder_values must be an array", where + ".placeholder_values");
      for (const auto& v : ph->items()) {
        if (!v.is_string())
          return invalid(where + ".placeholder_values must be an array of strings", where + ".placeholder_values");
        id.placeholders.push_back(v.text());
      }
    }
    out.push_back(std::move(id));
  }
  return fhir::ok_status();
}

std::optional<Field> field_named(std::string_view name) {
  auto at = std::find(kFieldNames.begin(), kFieldNames.end(), name);
  if (at == kFieldNames.end()) return std::nullopt;
  return static_cast<Field>(at - kFieldNames.begin());
}

fhir::Status read_link_requires(const Value& doc, std::vector<std::pair<Field, Agreement>>& out) {
  const Value* req = doc.find("link_requires");
  if (req == nullptr || !req->is_object()) return invalid("link_requires must be an object", "link_requires");
  for (const auto& [name, level_code] : req->members()) {
    std::string where = "link_requires." + name;
    auto f = field_named(name);
    if (!f) return invalid("link_requires names an unknown field '" + name + "'", where);
    if (level_code.is_string() && level_code.text() == "agree")
      out.emplace_back(*f, Agreement::agree);
    else if (level_code.is_string() && level_code.text() == "partial")
      out.emplace_back(*f, Agreement::partial);
    else
      return invalid(where + " must be \"agree\" or \"partial\"", where);
  }
  // Issue 9: a demographic match never links without the birth date.
  bool dob = std::any_of(out.begin(), out.end(), [](const auto& r) {
    return r.first == Field::birth_date && r.second == Agreement::agree;
  });
  if (!dob) return invalid("link_requires.birth_date must be \"agree\"", "link_requires.birth_date");
  return fhir::ok_status();
}

}  // namespace

std::string_view field_name(Field f) {
  auto i = static_cast<std::size_t>(f);
  return i < kFieldNames.size() ? kFieldNames[i] : "unknown";
}

std::string_view agreement_code(Agreement a) {
  switch (a) {
    case Agreement::agree: return "agree";
    case Agreement::partial: return "partial";
    case Agreement::disagree: return "disagree";
    case Agreement::missing: return "missing";
  }
  return "missing";
}

double FieldRule::weight(Agreement a) const {
  switch (a) {
    case Agreement::agree: return agree.weight;
    case Agreement::partial: return has_partial ? partial.weight : disagree.weight;
    case Agreement::disagree: return disagree.weight;
    case Agreement::missing: return 0;
  }
  return 0;
}

fhir::Result<std::shared_ptr<const MatchingRules>> MatchingRules::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fhir::make_issue(fhir::err::kInternal, "cannot read matching rules " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto doc = fhir::json::parse(ss.str());
  if (!doc) return doc.take_issue();
  return from_json(*doc);
}

fhir::Result<std::shared_ptr<const MatchingRules>> MatchingRules::from_json(const Value& doc) {
  if (!doc.is_object()) return invalid("not a JSON object", "");
  auto r = std::make_shared<MatchingRules>();
  r->version_ = std::string(doc.string_at("version"));
  if (r->version_.empty()) return invalid("version is required", "version");
  if (doc.string_at("description").empty()) return invalid("description is required", "description");
  if (auto st = read_strong_identifiers(doc, r->strong_); !st) return st.take_issue();

  const Value* fields = doc.find("fields");
  if (fields == nullptr || !fields->is_object()) return invalid("fields must be an object", "fields");
  for (const auto& [name, value] : fields->members())
    if (!field_named(name)) return invalid("unknown field '" + name + "'", "fields." + name);
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    std::string where = "fields." + std::string(kFieldNames[i]);
    const Value* f = fields->find(kFieldNames[i]);
    if (f == nullptr) return invalid(where + " is missing", where);
    auto rule = field_rule(*f, where);
    if (!rule) return rule.take_issue();
    r->fields_[i] = *rule;
  }

  const Value* th = doc.find("thresholds");
  if (th == nullptr || !th->is_object()) return invalid("thresholds must be an object", "thresholds");
  for (auto [key, slot] : {std::pair{"link", &r->link_}, std::pair{"review", &r->review_},
                           std::pair{"strong_identifier_floor", &r->strong_floor_}}) {
    auto v = finite_number(th->find(key));
    std::string where = std::string("thresholds.") + key;
    if (!v) return invalid(where + " must be a finite number", where);
    *slot = *v;
  }
  if (r->review_ >= r->link_)
    return invalid("thresholds.review must be below thresholds.link", "thresholds.review");

  if (auto st = read_link_requires(doc, r->link_requires_); !st) return st.take_issue();

  const Value* score = doc.find("score");
  if (score == nullptr || !score->is_object()) return invalid("score must be an object", "score");
  auto at_review = finite_number(score->find("at_review"));
  auto at_link = finite_number(score->find("at_link"));
  if (!at_review || !at_link || *at_review <= 0 || *at_link >= 1 || *at_review >= *at_link)
    return invalid("score needs 0 < at_review < at_link < 1", "score");
  r->score_at_review_ = *at_review;
  r->score_at_link_ = *at_link;
  return std::shared_ptr<const MatchingRules>(std::move(r));
}

}  // namespace mappers::identity
