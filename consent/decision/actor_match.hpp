// Does a provision's recipient actor name the requester? (Research notes
// section 5.) An actor matches when
//  (a) its reference is the requester's Organization or acting user
//      (versions and absolute base URLs dropped),
//  (b) its Reference.identifier (or a contained actor's identifiers) equals
//      one of the requester organisation's or user's identifiers,
//  (c) the reference resolves, through the Directory, to a resource whose
//      identifiers intersect the requester's, or
//  (d) it is a Group one of whose members matches by (a) or (c).
// Unresolvable references never match: an actor we cannot resolve neither
// widens access (in a permit) nor is taken to be the requester (in a deny);
// $consent-decision reports it. Without an acting user in the token, a
// Practitioner actor can only match through the Organization's identifiers.
#pragma once

#include "consent/decision/compiled_consent.hpp"
#include "consent/decision/decision_inputs.hpp"

namespace consent {

bool actor_matches(const ActorRef& actor, const Requester& requester, const Directory& directory);

}  // namespace consent
