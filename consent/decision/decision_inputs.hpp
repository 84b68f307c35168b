// What a consent decision is about: who asks and why (Requester, built by
// the gateway from the access token), what would be disclosed (one
// resource version), and how actor references resolve (Directory, which
// the gateway implements over the store).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "consent/decision/identifier.hpp"
#include "consent/labels/security_label.hpp"
#include "fhir/json/value.hpp"

namespace consent {

struct Requester {
  std::string client_id;                             // the registered client; owns its Subscriptions
  std::string organization;                          // "Organization/ID" the client acts for
  std::vector<Identifier> organization_identifiers;  // what that Organization carries in the store
  std::string user;                                  // acting user, "Practitioner/ID"; may be empty
  std::vector<Identifier> user_identifiers;
  std::string role;     // client role: partner, care-manager, compliance, source, admin
  std::string purpose;  // v3-ActReason code: TREAT, ETREAT, HPAYMT, ...
};

struct ResourceFacts {
  std::string type;
  std::string id;
  std::vector<std::string> patients;  // ids of the patient compartments it is in; empty: not patient data
  LabelSet labels;                    // the source's and the gateway's DS4P labels, merged
  // The resource itself. May be null: a provision that needs it (code,
  // dataPeriod, data other than the instance, a profile or MIME class)
  // then makes the decision needs_content.
  const fhir::json::Value* content = nullptr;
};

// Resolves an actor reference ("Organization/x", "Practitioner/y",
// "Group/z") against the store. Unresolvable: empty. Called only when a
// consent's actor criteria are evaluated, never on the no-consent path.
class Directory {
 public:
  virtual ~Directory() = default;
  virtual std::vector<Identifier> identifiers_of(std::string_view reference) const = 0;
  // The members' "Type/id" references of a Group.
  virtual std::vector<std::string> group_members(std::string_view /*group_reference*/) const { return {}; }
};

// A Directory that resolves nothing (tests, and callers with no store).
class EmptyDirectory final : public Directory {
 public:
  std::vector<Identifier> identifiers_of(std::string_view) const override { return {}; }
};

}  // namespace consent
