// A FHIR R4 Subscription read into what the gateway will deliver (issue 10,
// forwarding). Pure: the resource, the search parameters and the client's
// registered endpoint prefixes in; a SubscriptionSpec or the first Issue
// out, `expression` naming the element.
//
// What is read, and the choices made where R4 leaves room:
// - criteria: "Type?query" or a bare "Type"; Type must be a resource type
//   (the check given, else one the R4 search parameters name as a base).
//   The query is read by parse_search under strict handling: a parameter we
//   do not know or serve is an error, never dropped, since a subscription
//   that silently widens sends more than was asked. Result controls
//   (_sort, _count, _include, _revinclude, _summary, _elements, ...) ask for
//   nothing a notification can carry, and _include/_revinclude would widen
//   it: refused. A full URL (or a leading '/') is refused. So are chains
//   and _has: they decide on other resources than the focus, which the
//   subscriber's consent may withhold while a notification would still
//   tell of them.
// - channel.type: only "rest-hook". channel.endpoint: required, and allowed
//   by endpoint_allowed(endpoint_prefixes, url); the error never repeats it.
// - channel.payload: absent -> PayloadContent::empty (R4: "If the payload
//   is not present, then there is no payload in the notification, just a
//   notification"). Present: "application/fhir+json" or "application/json"
//   (R4 http.html treats both as FHIR JSON), parameters after ';' allowed;
//   XML and anything else refused. The level is the Backport IG extension
//   backport-payload-content on channel.payload (JSON `_payload`), valueCode
//   empty | id-only | full-resource. Present payload without the extension:
//   id-only, the least that still names the resource (the IG sets no
//   default; full-resource must be asked for). The extension without a
//   payload type is refused unless it says empty.
// - channel.header: "Name: value" each; the name an RFC 9110 token and not
//   one the gateway sets itself (Host, Content-Type, Content-Length,
//   framing and hop-by-hop headers); the value without CR, LF or NUL,
//   surrounding blanks trimmed. Values carry secrets: never in an Issue.
// - end: optional instant, as epoch ms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "fhir/search/query.hpp"
#include "fhir/search/query_controls.hpp"
#include "fhir/search/search_params.hpp"
#include "gateway/forwarding/notification_bundle.hpp"

namespace gateway::forwarding {

inline constexpr const char* kBackportPayloadContentUrl =
    "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content";

struct SubscriptionSpec {
  std::string criteria_type;
  fhir::search::SearchQuery query;
  std::string endpoint;
  std::string origin;  // the endpoint's scheme://host[:port], in normal form
  PayloadContent content = PayloadContent::empty;
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::int64_t> end_ms;
};

// Errors: kInvalidValue (a wrong or missing element), kInvalidParameter (a
// criteria query parameter), kForbidden (an endpoint outside the prefixes).
fhir::Result<SubscriptionSpec> read_subscription(const fhir::json::Value& subscription,
                                                 const fhir::search::SearchParams& params,
                                                 const std::vector<std::string>& endpoint_prefixes,
                                                 const fhir::search::ResourceTypeCheck& is_resource_type = {});

}  // namespace gateway::forwarding
