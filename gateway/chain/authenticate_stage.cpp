#include "gateway/chain/exchange.hpp"
#include "gateway/chain/stages.hpp"

namespace gateway {

// Until the access issue brings SMART Backend Services tokens, every request
// is a development administrator. This is the only place that changes.
Flow authenticate_stage(Exchange& x, const AppContext&) {
  x.principal.client_id = "development";
  x.principal.role = "admin";
  return Flow::next;
}

}  // namespace gateway
