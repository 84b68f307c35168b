// The route table: every REST interaction the gateway serves, by method and
// path pattern. The CapabilityStatement is generated from this table, so
// what /metadata advertises is exactly what the router answers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fhir/core/result.hpp"

namespace profiles {
class TypeModel;
}

namespace gateway {

enum class Interaction {
  capabilities,
  smart_configuration,  // GET /.well-known/smart-configuration
  jwks,                 // GET /.well-known/jwks.json: the keys access tokens are signed with
  token,                // POST /auth/token (SMART Backend Services)
  create,
  read,
  vread,
  update,
  conditional_update,
  patch,
  conditional_patch,
  remove,  // "delete"
  conditional_remove,
  bundle,  // POST / with a transaction or batch
  history_instance,
  history_type,
  history_system,
  search_type,         // GET /{type}, POST /{type}/_search
  search_system,       // GET /?_type=..., POST /_search
  search_compartment,  // GET /Patient/{id}/{type}
  everything,          // GET /Patient/{id}/$everything
  consent_decision,    // GET /{type}/{id}/$consent-decision (compliance)
  disclosures,         // GET /Patient/{id}/$disclosures: the accounting of disclosures (compliance)
  registry,            // GET /$registry, GET /Group/{id}/$registry: the care manager's registry
  subscription_status,  // GET /Subscription/{id}/$status: where its deliveries stand (issue 10)
  match,               // POST /Patient/$match (R4 patient-operation-match): candidates for one person
};

// Whether a route needs an access token. Open: the CapabilityStatement and
// what a client needs to obtain a token; everything else needs one.
enum class RouteAccess { token, open };

struct RouteSpec {
  const char* method;
  const char* pattern;  // segments; "{type}", "{id}", "{vid}", "{ctype}" are variables
  Interaction interaction;
  const char* codes;  // CapabilityStatement interaction codes, space-separated
  RouteAccess access = RouteAccess::token;
};

const std::vector<RouteSpec>& route_table();

struct Route {
  Interaction interaction = Interaction::capabilities;
  RouteAccess access = RouteAccess::token;
  std::string type;
  std::string id;
  std::string vid;
  std::string compartment_type;  // the {ctype} of a compartment search
};

// path: decoded, relative to the base ("Patient/123/_history/2").
// Errors: unknown type 404, unknown path 404, known path wrong method 405,
// malformed id 400.
fhir::Result<Route> match_route(std::string_view method, std::string_view path,
                                const profiles::TypeModel& types);

}  // namespace gateway
