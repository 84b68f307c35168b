#include "gateway/chain/exchange.hpp"
#include "gateway/chain/stages.hpp"
#include "gateway/disclosure/request_filter.hpp"

namespace gateway {

void finalize_stage(Exchange& x, const AppContext&) {
  report_break_glass(x);
  // RFC 6750 §3.1: a token that lacks the scope a request needs.
  if (x.response.status == 403 && x.context)
    x.response.set_header("WWW-Authenticate", "Bearer realm=\"CareBridge\", error=\"insufficient_scope\"");
  // FHIR answers; the OAuth endpoints set their own (application/json).
  bool typed = false;
  for (const auto& [name, value] : x.response.headers) typed = typed || name == "Content-Type";
  if (!x.response.body.empty() && !typed)
    x.response.set_header("Content-Type", "application/fhir+json; charset=utf-8");
}

}  // namespace gateway
