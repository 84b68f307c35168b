// The checkpoint key on disk: unencrypted PKCS#8 PEM, mode 0600 (as the
// gateway's signing key: a passphrase would sit in the config beside it).
#pragma once

#include <string>

#include "consent/audit/audit_key.hpp"
#include "fhir/core/result.hpp"

namespace consent {

// Loads the private key at path; when there is no file, generates one and
// writes it there, created 0600 whatever the umask. An existing file is
// never replaced: a lost key leaves earlier checkpoints unverifiable.
fhir::Result<AuditKey> load_or_create_audit_key(const std::string& path);

// A private or public key PEM (verification needs only the public half).
fhir::Result<AuditKey> load_audit_key(const std::string& path);

}  // namespace consent
