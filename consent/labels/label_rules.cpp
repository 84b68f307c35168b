#include "consent/labels/label_rules.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "fhir/core/errors.hpp"
#include "fhir/json/parse.hpp"

namespace consent {
namespace {

fhir::Issue bad(const std::string& what) {
  return fhir::make_issue(fhir::err::kInternal, "label rules: " + what);
}

std::vector<std::string> strings(const fhir::json::Value& obj, std::string_view key) {
  std::vector<std::string> out;
  if (const auto* list = obj.find(key); list != nullptr && list->is_array())
    for (const auto& v : list->items())
      if (v.is_string()) out.push_back(v.text());
  return out;
}

std::string without_dots(std::string_view code) {
  std::string out;
  for (char c : code)
    if (c != '.') out += c;
  return out;
}

// "sensitivity": ActCode codes; "confidentiality": one v3-Confidentiality code.
fhir::Result<LabelSet> rule_labels(const fhir::json::Value& rule, const std::string& id) {
  LabelSet out;
  for (const auto& code : strings(rule, "sensitivity")) out.add({std::string(kActCodeSystem), code});
  std::string_view conf = rule.string_at("confidentiality");
  if (!conf.empty()) {
    if (confidentiality_rank(conf) < 0) return bad(id + " has an unknown confidentiality code");
    out.add({std::string(kConfidentialitySystem), std::string(conf)});
  }
  if (out.empty()) return bad(id + " adds no label");
  return out;
}

}  // namespace

fhir::Result<std::shared_ptr<const LabelRules>> LabelRules::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fhir::make_issue(fhir::err::kInternal, "cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto doc = fhir::json::parse(ss.str());
  if (!doc) return doc.take_issue();
  return from_json(*doc);
}

fhir::Result<std::shared_ptr<const LabelRules>> LabelRules::from_json(const fhir::json::Value& doc) {
  auto out = std::make_shared<LabelRules>();
  out->version_ = std::string(doc.string_at("version"));
  if (out->version_.empty()) return bad("no version");
  if (const auto* aliases = doc.find("aliases"); aliases != nullptr && aliases->is_object())
    for (const auto& [from, to] : aliases->members())
      if (to.is_string()) out->aliases_[from] = to.text();
  if (const auto* rules = doc.find("rules"); rules != nullptr && rules->is_array()) {
    for (const auto& r : rules->items()) {
      CodeRule rule;
      rule.id = std::string(r.string_at("id"));
      rule.system = std::string(r.string_at("system"));
      rule.codes = strings(r, "codes");
      for (const auto& p : strings(r, "prefixes")) rule.prefixes.push_back(without_dots(p));
      if (rule.id.empty() || rule.system.empty() || (rule.codes.empty() && rule.prefixes.empty()))
        return bad("a rule needs an id, a system and codes or prefixes");
      auto labels = rule_labels(r, rule.id);
      if (!labels) return labels.take_issue();
      rule.labels = std::move(*labels);
      out->rules_.push_back(std::move(rule));
    }
  }
  if (const auto* rules = doc.find("screening"); rules != nullptr && rules->is_array()) {
    for (const auto& r : rules->items()) {
      ScreeningRule rule;
      rule.id = std::string(r.string_at("id"));
      rule.system = std::string(r.string_at("system"));
      rule.code = std::string(r.string_at("code"));
      const auto* at_least = r.find("at_least");
      if (rule.id.empty() || rule.code.empty() || at_least == nullptr || !at_least->is_number())
        return bad("a screening rule needs an id, a code and at_least");
      rule.at_least = std::stod(at_least->text());
      auto labels = rule_labels(r, rule.id);
      if (!labels) return labels.take_issue();
      rule.labels = std::move(*labels);
      out->screening_.push_back(std::move(rule));
    }
  }
  if (const auto* p2 = doc.find("part2_program"); p2 != nullptr && p2->find("labels") != nullptr)
    for (const auto& l : p2->find("labels")->items())
      out->part2_.add({std::string(l.string_at("system")), std::string(l.string_at("code"))});
  if (out->part2_.empty()) return bad("part2_program names no labels");
  if (const auto* prop = doc.find("propagate"); prop != nullptr) {
    out->propagate_ = strings(*prop, "references");
    out->hubs_ = strings(*prop, "never_from");
  }
  return std::shared_ptr<const LabelRules>(std::move(out));
}

std::string_view LabelRules::canonical_system(std::string_view system) const {
  auto it = aliases_.find(std::string(system));
  return it == aliases_.end() ? system : std::string_view(it->second);
}

void LabelRules::label_coding(std::string_view system, std::string_view code, LabelSet& out) const {
  system = canonical_system(system);
  std::string bare;  // ICD-10-CM codes compare without their dot
  for (const auto& rule : rules_) {
    if (rule.system != system) continue;
    bool hit = std::find(rule.codes.begin(), rule.codes.end(), code) != rule.codes.end();
    if (!hit && !rule.prefixes.empty()) {
      if (bare.empty()) bare = without_dots(code);
      for (const auto& p : rule.prefixes) hit = hit || bare.compare(0, p.size(), p) == 0;
    }
    if (hit) out.add_all(rule.labels);
  }
}

void LabelRules::label_score(std::string_view system, std::string_view code, double value, LabelSet& out) const {
  system = canonical_system(system);
  for (const auto& rule : screening_)
    if (rule.system == system && rule.code == code && value >= rule.at_least) out.add_all(rule.labels);
}

bool LabelRules::is_hub(std::string_view type) const {
  return std::find(hubs_.begin(), hubs_.end(), type) != hubs_.end();
}

}  // namespace consent
