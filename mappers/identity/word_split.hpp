// Free text into comparable words, the first step of every demographic
// normaliser (names, address lines, cities).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mappers::identity {

// Case and diacritics folded as R4 string search folds them
// (fhir::search::normalise_string: Latin-1 and Latin Extended-A to their
// base letters, combining marks dropped), then split: apostrophes and
// periods join ("O'Conner" -> "oconner", "St." -> "st"), '#' is a word of
// its own (an address unit), every other ASCII or Unicode punctuation mark
// and space separates. Letters of other scripts and digits are kept.
std::vector<std::string> folded_words(std::string_view text);

}  // namespace mappers::identity
