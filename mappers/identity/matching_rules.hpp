// The patient-matching rules, kept as data (mappers/identity/
// matching-rules.json): the strong identifier systems, the Fellegi-Sunter
// m and u probabilities of each demographic field and level (a level
// weighs log2(m/u) bits), the link and review thresholds, the agreements a
// demographic link needs, and the score curve. Versioned: a stored link
// remembers the version that made it.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"

namespace mappers::identity {

// The demographic fields, in the order evidence lists them.
enum class Field { family_name, given_name, birth_date, gender, address, phone, email, count };
inline constexpr std::size_t kFieldCount = static_cast<std::size_t>(Field::count);
// The key in the rules file and in evidence ("family_name").
std::string_view field_name(Field f);

// How one field of two records compares. missing: absent on either side.
enum class Agreement { agree, partial, disagree, missing };
std::string_view agreement_code(Agreement a);

struct LevelRule {
  double m = 0;       // P(level | same person)
  double u = 0;       // P(level | different people)
  double weight = 0;  // log2(m / u), bits
};

struct FieldRule {
  LevelRule agree{};
  LevelRule partial{};  // only when has_partial; else partial scores as disagree
  bool has_partial = false;
  LevelRule disagree{};
  // The level's weight; 0 for missing.
  double weight(Agreement a) const;
};

struct StrongIdentifier {
  std::string name;                       // "ssn": names it in evidence
  std::vector<std::string> systems;       // the system and its aliases
  std::vector<std::string> placeholders;  // normalised values never compared
};

class MatchingRules {
 public:
  static fhir::Result<std::shared_ptr<const MatchingRules>> load(const std::string& path);
  static fhir::Result<std::shared_ptr<const MatchingRules>> from_json(const fhir::json::Value& doc);

  const std::string& version() const { return version_; }
  const FieldRule& field(Field f) const { return fields_[static_cast<std::size_t>(f)]; }
  const std::vector<StrongIdentifier>& strong_identifiers() const { return strong_; }
  double link_threshold() const { return link_; }
  double review_threshold() const { return review_; }
  // A strong-identifier link whose demographic weight is below this is
  // reviewed instead.
  double strong_identifier_floor() const { return strong_floor_; }
  // The least agreement each listed field needs before a demographic
  // match links; birth_date: agree is always among them.
  const std::vector<std::pair<Field, Agreement>>& link_requires() const { return link_requires_; }
  // The score at the two thresholds (0 < at_review < at_link < 1).
  double score_at_review() const { return score_at_review_; }
  double score_at_link() const { return score_at_link_; }

 private:
  std::string version_;
  std::array<FieldRule, kFieldCount> fields_{};
  std::vector<StrongIdentifier> strong_;
  double link_ = 0;
  double review_ = 0;
  double strong_floor_ = 0;
  std::vector<std::pair<Field, Agreement>> link_requires_;
  double score_at_review_ = 0;
  double score_at_link_ = 0;
};

}  // namespace mappers::identity
