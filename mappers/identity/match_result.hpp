// What comparing two patients gave: the outcome, the $match score and
// grade, and the evidence, one line per strong identifier both carry and
// per demographic field. The evidence holds normalised values (PHI, like
// the link table it is stored in); summary() names fields, levels and
// weights only, for logs.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mappers/identity/matching_rules.hpp"

namespace mappers::identity {

// link: the same person; review: a person must decide (never auto-linked);
// none: not the same person as far as the rules can tell.
enum class Outcome { link, review, none };
std::string_view outcome_code(Outcome o);

// http://hl7.org/fhir/ValueSet/match-grade, returned by Patient/$match in
// the extension below on Bundle.entry.search.
enum class MatchGrade { certain, probable, possible, certainly_not };
std::string_view match_grade_code(MatchGrade g);  // "certainly-not"
inline constexpr std::string_view kMatchGradeExtension = "http://hl7.org/fhir/StructureDefinition/match-grade";

// Evidence lines for strong identifiers are named this plus the rules'
// name for the identifier ("identifier:ssn").
inline constexpr std::string_view kIdentifierPrefix = "identifier:";

struct Evidence {
  std::string field;  // "family_name", or "identifier:ssn"
  Agreement level = Agreement::missing;  // identifiers: agree or disagree
  double weight = 0;    // bits; identifiers weigh 0 (they decide instead)
  bool decisive = false;  // this line decided the outcome
  std::string detail;   // the normalised values compared: PHI
};

struct MatchResult {
  Outcome outcome = Outcome::none;
  double score = 0;                 // 0..1, Bundle.entry.search.score
  std::optional<MatchGrade> grade;  // none below the review threshold
  double total_weight = 0;          // demographic fields, bits
  std::string reason;               // why this outcome; names fields, no values
  std::string rules_version;
  std::vector<Evidence> evidence;

  // One line without values: "review possible score=0.915 weight=31.14
  // rules=...: family_name agree +8.85, ...; reason".
  std::string summary() const;
};

}  // namespace mappers::identity
