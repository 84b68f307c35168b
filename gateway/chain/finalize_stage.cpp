#include "gateway/chain/exchange.hpp"
#include "gateway/chain/stages.hpp"

namespace gateway {

void finalize_stage(Exchange& x, const AppContext&) {
  // FHIR answers; the OAuth endpoints set their own (application/json).
  bool typed = false;
  for (const auto& [name, value] : x.response.headers) typed = typed || name == "Content-Type";
  if (!x.response.body.empty() && !typed)
    x.response.set_header("Content-Type", "application/fhir+json; charset=utf-8");
}

}  // namespace gateway
