// ECDSA signature encodings. JOSE carries r || s, each left-padded to the
// curve's size (RFC 7518 §3.4: 96 bytes for ES384); OpenSSL's EVP API reads
// and writes the DER ECDSA-Sig-Value SEQUENCE { r INTEGER, s INTEGER }.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gateway::auth {

// P-384's order is 384 bits: r and s are 48 bytes each.
inline constexpr std::size_t kEs384ScalarBytes = 48;

// nullopt unless raw is exactly 2 * scalar_bytes long.
std::optional<std::string> ecdsa_raw_to_der(std::string_view raw, std::size_t scalar_bytes);
// nullopt unless der is one well-formed ECDSA-Sig-Value (nothing after it)
// whose r and s fit in scalar_bytes.
std::optional<std::string> ecdsa_der_to_raw(std::string_view der, std::size_t scalar_bytes);

}  // namespace gateway::auth
