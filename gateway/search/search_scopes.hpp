// What a search may return beyond the types it searches, by the
// requester's scopes: resources reached through _include and _revinclude
// need read (r) on their type. Decided from the query alone, never from
// what the store holds, so leaving something out reveals nothing.
#pragma once

#include "fhir/core/result.hpp"
#include "fhir/search/query.hpp"
#include "gateway/auth/scopes.hpp"

namespace gateway {

// Drops the include and revinclude specs that can reach only types the
// scopes do not let the requester read, naming each in q.ignored (the
// searchset's outcome entry says so). Specs that reach some readable types
// stay; the includer skips the others per resource.
void narrow_includes_to_scopes(fhir::search::SearchQuery& q, const auth::ScopeSet& scopes);

// What a query searches beyond its own type needs search (s) as well: each
// _has link's source type, and each chain link's target type (every
// target of the reference parameter when the chain names none). 403
// otherwise: a chain is a question about the resources it crosses.
fhir::Status require_criteria_scopes(const fhir::search::SearchQuery& q, const auth::ScopeSet& scopes);

}  // namespace gateway
