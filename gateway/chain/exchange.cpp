#include "gateway/chain/exchange.hpp"

#include "fhir/resource/operation_outcome.hpp"

namespace gateway {

void Exchange::fail(const fhir::Issue& issue) {
  response = HttpResponse{};
  response.status = issue.http_status;
  response.body = fhir::operation_outcome_json(issue);
}

}  // namespace gateway
