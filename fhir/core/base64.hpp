// Base64 (RFC 4648): the lenient decoder base64Binary content such as a JSON
// Patch carried in a Binary needs, and the strict unpadded base64url that
// JOSE (RFC 7515 §2) uses for tokens and keys.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fhir {

// nullopt when s is not valid base64 (whitespace is ignored).
std::optional<std::string> base64_decode(std::string_view s);

// Standard base64 with padding (RFC 4648 §4): base64Binary elements such
// as AuditEvent.entity.query.
std::string base64_encode(std::string_view bytes);

// base64url without padding (RFC 7515 §2).
std::string base64url_encode(std::string_view bytes);
// Strict, because a token's text is what gets signed: only the url-safe
// alphabet, no padding or whitespace, and the unused low bits of the last
// character zero (RFC 4648 §3.5), so each byte string has one spelling.
std::optional<std::string> base64url_decode(std::string_view s);

}  // namespace fhir
