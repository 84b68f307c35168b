// Base64 (RFC 4648) decoding, for base64Binary content such as a JSON Patch
// carried in a Binary inside a Bundle.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fhir {

// nullopt when s is not valid base64 (whitespace is ignored).
std::optional<std::string> base64_decode(std::string_view s);

}  // namespace fhir
