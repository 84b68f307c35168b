// Types only some roles may receive at all, whatever a consent says: the
// patients' Consent resources themselves (and, with the audit issue,
// AuditEvent). From the policy file.
#pragma once

#include <string>
#include <vector>

namespace consent {

struct TypeVisibility {
  std::vector<std::string> consent_reader_roles;  // may receive Consent resources
  // May receive every client's Subscriptions (issue 10); any other client
  // receives its own only (subscription_owner.hpp).
  std::vector<std::string> subscription_reader_roles = {"admin"};
};

}  // namespace consent
