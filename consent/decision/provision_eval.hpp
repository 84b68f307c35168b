// One compiled consent against one request and resource (G1, G3, G4).
//
// G1 applicability: status active, scope patient-privacy, about the
//   patient, now within the root provision.period (inclusive; a date-only
//   end covers its day), computable. Root criteria scope the consent: a
//   request or resource they do not match makes it not applicable.
// G3 matching: AND across the criteria present, OR within each list,
//   absent = any; cheap criteria first, those reading the resource last.
// G4 nesting: decide(node, inherited) = let d = node.type ?? inherited;
//   M = matching children; M empty -> d, else deny-overrides over
//   decide(c, d) for c in M. A nested provision wins over its parent for
//   what it matches; among matching siblings deny wins.
// A consent that is not computable gives no permission; when its base is
// deny (an OPTOUT whose nested rules lack a type, like R4's
// consent-example-pkb) it still denies whatever its root criteria cover:
// the patient's opt-out is clear even if its exceptions are not.
#pragma once

#include <cstdint>

#include "consent/decision/compiled_consent.hpp"
#include "consent/decision/decision_inputs.hpp"
#include "consent/decision/label_match.hpp"
#include "consent/decision/purpose_match.hpp"

namespace consent {

// What the path from the root to the deciding provision says, for the
// Part 2 and psychotherapy-note requirements (G8).
struct PathScope {
  bool recipient_actors = false;  // some provision on the path lists recipients
  bool recipient_named = false;   // ... and one of them is the requester
  bool data_scoped = false;       // a securityLabel, class, code or data list
  bool scopes_part2 = false;      // 42CFRPart2/SUD label, or a class, code or data list
  bool scopes_psythpn = false;    // PSYTHPN label
};

enum class Applies {
  yes,
  other_patient,
  inactive,
  not_privacy,
  out_of_period,
  not_computable,
  root_not_matched,
  needs_content
};

struct ConsentOutcome {
  Applies applies = Applies::yes;
  ProvisionType effect = ProvisionType::none;  // permit or deny when applies == yes
  const Provision* provision = nullptr;        // the deciding provision
  PathScope scope;
  const char* failed = "";  // the root criterion that did not match
};

struct EvalContext {
  const Requester& requester;
  const ResourceFacts& facts;
  const Directory& directory;
  std::int64_t now_ms;
  const LabelMatcher& labels;
  const PurposeMatcher& purposes;
  // Whether a permit's path is good enough for this data (G8); among
  // matching permits the engine reports one that is.
  bool (*covers)(const PathScope&, const void* arg);
  const void* covers_arg;
};

// The consent's decision for the patient (the caller has checked that the
// consent is about one of the resource's patients).
ConsentOutcome evaluate_consent(const CompiledConsent& consent, const EvalContext& ctx);

}  // namespace consent
