// The labeling rules, kept as data (consent/rules/label-rules.json): code
// rules (a coding's system and code, or ICD-10-CM prefix), screening rules
// (an instrument's score at or above a threshold), the labels a Part 2
// program's records carry, and the references labels propagate along.
// Versioned: stored labels remember the version that made them, and a
// rules change is applied to stored data by relabeling.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "consent/labels/security_label.hpp"
#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"

namespace consent {

struct CodeRule {
  std::string id;
  std::string system;
  std::vector<std::string> codes;     // exact
  std::vector<std::string> prefixes;  // ICD-10-CM style, compared without dots
  LabelSet labels;
};

struct ScreeningRule {
  std::string id;
  std::string system;
  std::string code;
  double at_least = 0;
  LabelSet labels;
};

class LabelRules {
 public:
  static fhir::Result<std::shared_ptr<const LabelRules>> load(const std::string& path);
  static fhir::Result<std::shared_ptr<const LabelRules>> from_json(const fhir::json::Value& doc);

  const std::string& version() const { return version_; }
  // The canonical URL of a code system as a coding may spell it (OIDs,
  // older URLs).
  std::string_view canonical_system(std::string_view system) const;
  // Labels the rules give one coding (canonicalised), added to out.
  void label_coding(std::string_view system, std::string_view code, LabelSet& out) const;
  // Labels a screening rule gives an instrument's score, added to out.
  void label_score(std::string_view system, std::string_view code, double value, LabelSet& out) const;
  const LabelSet& part2_labels() const { return part2_; }
  // Dotted element paths whose references carry labels to this resource.
  const std::vector<std::string>& propagation_paths() const { return propagate_; }
  // Types labels never flow from (everything refers to them).
  bool is_hub(std::string_view type) const;

 private:
  std::string version_;
  std::unordered_map<std::string, std::string> aliases_;
  std::vector<CodeRule> rules_;
  std::vector<ScreeningRule> screening_;
  LabelSet part2_;
  std::vector<std::string> propagate_;
  std::vector<std::string> hubs_;
};

}  // namespace consent
