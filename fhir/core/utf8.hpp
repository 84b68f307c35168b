// Reading UTF-8 one code point at a time (text that is already checked to
// be UTF-8 by the JSON parser; a bad sequence is reported, not repaired).
#pragma once

#include <cstddef>
#include <string_view>

namespace fhir {

// Decodes the multi-byte UTF-8 sequence starting at text[i] into cp and
// returns its length (2-4); 0 when text[i] starts no valid multi-byte
// sequence (ASCII included: callers handle single bytes themselves).
std::size_t decode_utf8(std::string_view text, std::size_t i, char32_t& cp);

}  // namespace fhir
