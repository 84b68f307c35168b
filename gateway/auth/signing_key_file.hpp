// The signing key on disk: unencrypted PKCS#8 PEM in a file only its owner
// may read or write (mode 0600). Unencrypted because a passphrase would
// have to sit in the config beside it; the file mode is the protection.
#pragma once

#include <string>

#include "fhir/core/result.hpp"
#include "gateway/auth/signing_key.hpp"

namespace gateway::auth {

// A PEM key is a few kB; anything much larger is not one.
inline constexpr std::size_t kMaxKeyFileBytes = 64 * 1024;

// Writes key to path, created with mode 0600 whatever the umask. Refuses
// to replace an existing file: losing a key invalidates every token it
// signed. Either the whole file appears or none does.
fhir::Status save_signing_key(const SigningKey& key, const std::string& path);
fhir::Result<SigningKey> load_signing_key(const std::string& path);

}  // namespace gateway::auth
