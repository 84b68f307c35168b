#include "consent/enforcement/subscription_owner.hpp"

#include <openssl/evp.h>

namespace consent {

std::string subscription_id_prefix(std::string_view client_id) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(client_id.data(), client_id.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "s";
  for (unsigned int i = 0; i < 8 && i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  out += '-';
  return out;
}

bool owns_subscription(std::string_view client_id, std::string_view subscription_id) {
  return !client_id.empty() && subscription_id.starts_with(subscription_id_prefix(client_id));
}

}  // namespace consent
