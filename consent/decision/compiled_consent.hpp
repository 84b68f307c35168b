// A stored Consent parsed once ("compiled") when it is written or loaded,
// so that deciding never touches JSON. Everything the decision needs is
// precomputed here: the provision tree with its criteria in matchable form,
// the base decision (G2), the validity period and the reasons a consent is
// not computable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "consent/decision/identifier.hpp"
#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"

namespace consent {

enum class ProvisionType { none, permit, deny };

// Inclusive epoch-ms bounds; an absent end is open. A date-only end covers
// its whole day (R4 datatypes: a Period's end includes any matching date).
struct TimeRange {
  std::int64_t low;
  std::int64_t high;
  bool contains(std::int64_t t) const { return low <= t && t <= high; }
  bool overlaps(std::int64_t l, std::int64_t h) const { return low <= h && l <= high; }
};

struct Coding {
  std::string system;
  std::string code;
};

// A recipient actor (roles other than CST and AUT). The custodian and
// author roles name the data's source side, not who receives it, so they
// never narrow the recipients and are left out at compile time (noted in
// Provision::ignored_actors). Contained "#id" actors are resolved here.
struct ActorRef {
  std::string role;                     // ParticipationType code, "" when only text
  std::string reference;                // "Type/id" ("" when contained or identifier-only)
  std::vector<Identifier> identifiers;  // Reference.identifier, or the contained resource's
};

enum class LabelKind {
  confidentiality,  // v3-Confidentiality U..V: a clearance (permit) or floor (deny), G6
  sensitivity,      // v3-ActCode sensitivity: is-a subsumption; ETH read as SUD
  part2,            // 42CFRPart2 in v3-ActUSPrivacyLaw or v3-ActCode
  other             // exact system|code
};

struct ProvisionLabel {
  LabelKind kind;
  std::string system;
  std::string code;  // for confidentiality: the code; rank in `rank`
  int rank = -1;
};

enum class ClassKind { resource_type, profile, mime_type };

struct ProvisionClass {
  ClassKind kind;
  std::string value;  // "MedicationRequest", a profile URL (no |version), "application/hl7-cda+xml"
};

enum class DataMeaning { instance, related, dependents, authoredby };

struct DataRef {
  DataMeaning meaning;
  std::string reference;  // "Type/id"
};

struct Provision {
  ProvisionType type = ProvisionType::none;
  std::string path;  // "provision", "provision.provision[1]", for explanations
  bool has_period = false;
  TimeRange period{};
  bool has_actors = false;            // recipient actors present (actor criteria apply)
  std::vector<ActorRef> actors;       // recipients, OR-ed
  int ignored_actors = 0;             // CST/AUT actors, not used for matching
  std::vector<std::string> purposes;  // ActReason codes, OR-ed; empty = any
  bool purpose_unmatchable = false;   // purposes listed only in other systems
  bool has_actions = false;
  bool action_covers_read = true;       // absent, or access/disclose/use listed
  std::vector<ProvisionLabel> labels;   // OR-ed
  std::vector<ProvisionClass> classes;  // OR-ed
  std::vector<Coding> codes;            // OR-ed
  bool has_data_period = false;
  TimeRange data_period{};
  std::vector<DataRef> data;  // OR-ed
  std::vector<Provision> children;
  // Matching this node reads the resource (code, dataPeriod, a data
  // meaning other than instance, a profile or MIME class).
  bool needs_content = false;
};

struct CompiledConsent {
  std::string id;
  std::int64_t version = 0;
  std::string patient_id;      // from Consent.patient "Patient/ID"; "" if none
  std::string status;          // Consent.status as stored
  bool active = false;         // status = active
  bool privacy_scope = false;  // scope (or, compat, category) consentscope#patient-privacy
  bool computable = false;
  std::string not_computable_reason;
  ProvisionType base = ProvisionType::none;  // G2: root type, else policyRule
  std::string base_source;                   // "provision.type" or "policyRule OPTIN"
  Provision root;
  bool needs_content = false;  // some provision reads the resource
};

// Compiles a Consent. Fails only when the value is not a Consent object; a
// Consent the engine cannot evaluate compiles with computable = false and
// a reason (it then gives no permission and is reported as such).
fhir::Result<CompiledConsent> compile_consent(const fhir::json::Value& consent, std::string_view id,
                                              std::int64_t version);

// "Consent/ID/_history/V"
std::string consent_label(const CompiledConsent& c);

}  // namespace consent
