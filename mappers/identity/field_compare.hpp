// One demographic field of two records, compared at the Fellegi-Sunter
// levels (agree / partial / disagree / missing). Multi-valued fields
// (names, addresses, phones, emails) take the best level over all pairs.
#pragma once

#include <string>

#include "mappers/identity/matching_rules.hpp"
#include "mappers/identity/patient_demographics.hpp"

namespace mappers::identity {

struct Comparison {
  Agreement level = Agreement::missing;
  std::string detail;  // the normalised values compared, "a | b": PHI
};

// family_name: equal. given_name: first given names equal; partial when
// only their initials agree or one is among the other's given names.
// birth_date: equal; partial when the year agrees and day and month are
// swapped. gender: equal. address: line and ZIP equal (line and city when
// a ZIP is missing); partial when only the ZIP agrees. phone, email: one
// value in common. missing when either record has no value.
Comparison compare_field(Field f, const Demographics& a, const Demographics& b);

}  // namespace mappers::identity
