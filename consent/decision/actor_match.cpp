#include "consent/decision/actor_match.hpp"

namespace consent {
namespace {

bool is_requester(std::string_view reference, const Requester& r) {
  if (reference.empty()) return false;
  return reference == relative_reference(r.organization) || reference == relative_reference(r.user);
}

bool names_requester(const std::vector<Identifier>& ids, const Requester& r) {
  for (const auto& id : ids) {
    for (const auto& mine : r.organization_identifiers)
      if (same_identifier(id, mine)) return true;
    for (const auto& mine : r.user_identifiers)
      if (same_identifier(id, mine)) return true;
  }
  return false;
}

bool resolves_to_requester(std::string_view reference, const Requester& r, const Directory& d) {
  return is_requester(reference, r) || names_requester(d.identifiers_of(reference), r);
}

}  // namespace

bool actor_matches(const ActorRef& actor, const Requester& requester, const Directory& directory) {
  if (names_requester(actor.identifiers, requester)) return true;
  if (actor.reference.empty()) return false;
  if (resolves_to_requester(actor.reference, requester, directory)) return true;
  if (reference_type(actor.reference) == "Group")
    for (const auto& member : directory.group_members(actor.reference))
      if (resolves_to_requester(relative_reference(member), requester, directory)) return true;
  return false;
}

}  // namespace consent
