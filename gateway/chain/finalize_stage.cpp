#include "gateway/chain/exchange.hpp"
#include "gateway/chain/stages.hpp"

namespace gateway {

void finalize_stage(Exchange& x, const AppContext&) {
  if (!x.response.body.empty())
    x.response.set_header("Content-Type", "application/fhir+json; charset=utf-8");
}

}  // namespace gateway
