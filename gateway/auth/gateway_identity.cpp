#include "gateway/auth/gateway_identity.hpp"

#include <filesystem>

#include "fhir/core/errors.hpp"
#include "gateway/auth/signing_key_file.hpp"

namespace gateway::auth {

fhir::Result<GatewayIdentity> load_gateway_identity(const std::string& db_path, const std::string& key_file,
                                                    const std::string& base_url) {
  GatewayIdentity id;
  id.key_path = key_file.empty() ? db_path + ".signing-key.pem" : key_file;
  std::error_code ec;
  if (!key_file.empty() || std::filesystem::exists(id.key_path, ec)) {
    auto key = load_signing_key(id.key_path);
    if (!key) return key.take_issue();
    id.key = std::move(*key);
  } else {
    auto key = SigningKey::generate(KeyType::ec_p384);
    if (!key) return key.take_issue();
    auto saved = save_signing_key(*key, id.key_path);
    if (!saved) {
      // Another process on the same store won the race: use its key.
      auto theirs = load_signing_key(id.key_path);
      if (!theirs) return saved.take_issue();
      id.key = std::move(*theirs);
    } else {
      id.key = std::move(*key);
      id.generated = true;
    }
  }
  std::string name = base_url;
  while (!name.empty() && name.back() == '/') name.pop_back();
  id.name = name.empty() ? "urn:carebridge:gateway:" + id.key.kid() : name;
  return id;
}

}  // namespace gateway::auth
