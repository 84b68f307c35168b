// Exchange: everything one request carries through the chain of stages.
// Stages read the request and earlier stages' results, and write the
// response; none of them sees the socket.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "fhir/core/issue.hpp"
#include "fhir/core/query.hpp"
#include "gateway/auth/request_context.hpp"
#include "gateway/http/http_message.hpp"
#include "gateway/routing/route.hpp"

namespace consent {
class DisclosureFilter;
}

namespace gateway {

// Prefer: return=... (FHIR R4 http.html#ops)
enum class PreferReturn { unspecified, minimal, representation, operation_outcome };

struct Exchange {
  HttpRequest request;
  HttpResponse response;

  // Set by parse_request.
  std::string path;  // decoded, relative to the base path, no leading '/'
  fhir::QueryParams query;
  PreferReturn prefer_return = PreferReturn::unspecified;
  bool strict_handling = false;  // Prefer: handling=strict (search)
  // Set by route.
  Route route;
  // Set by authenticate: who is asking and why (null on open routes).
  std::shared_ptr<const auth::RequestContext> context;
  // The request's consent enforcement, made on first use
  // (gateway/disclosure/request_filter.hpp).
  std::shared_ptr<const consent::DisclosureFilter> disclosure;

  // Replaces the response with an OperationOutcome for issue, with the
  // status the error registry gave it.
  void fail(const fhir::Issue& issue);
};

}  // namespace gateway
