// R4 search.html "string": matches are case- and accent-insensitive. We
// fold at write time so the store compares plain bytes.
#pragma once

#include <string>
#include <string_view>

namespace fhir::search {

// Lower-cases and strips accents: precomposed Latin-1 and Latin
// Extended-A letters map to their base letters (é -> e, ß -> ss, Œ -> oe),
// combining marks (U+0300..U+036F, as NFD text carries them) are dropped,
// Greek and Cyrillic capitals are lower-cased. Other text is kept as sent;
// invalid UTF-8 bytes pass through unchanged.
std::string normalise_string(std::string_view text);

}  // namespace fhir::search
