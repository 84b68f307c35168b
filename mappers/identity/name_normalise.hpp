// Person names as the matcher compares them (HumanName.family, .given).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mappers::identity {

// The words of one name part: folded_words, then digits dropped (names
// carry none; Synthea appends them: "DuBuque211"), then generational and
// professional suffixes dropped after the first word ("Smith Jr." ->
// smith; HumanName.suffix is not compared at all).
std::vector<std::string> name_words(std::string_view text);

// A family name as its words joined by one space ("García-López" ->
// "garcia lopez"); "" when nothing is left.
std::string normalise_family_name(std::string_view family);

}  // namespace mappers::identity
