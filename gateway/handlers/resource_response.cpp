#include "gateway/handlers/resource_response.hpp"

#include "fhir/core/errors.hpp"
#include "fhir/core/instant.hpp"
#include "fhir/resource/operation_outcome.hpp"
#include "gateway/app/app_context.hpp"
#include "gateway/chain/exchange.hpp"

namespace gateway {

void set_version_headers(HttpResponse& r, std::int64_t version, std::int64_t last_updated_ms) {
  r.set_header("ETag", etag_of(version));
  r.set_header("Last-Modified", fhir::format_http_date(last_updated_ms));
}

std::string version_url(const AppContext& app, std::string_view type, std::string_view id,
                        std::int64_t version) {
  std::string url = app.base_url;
  url += '/';
  url += type;
  url += '/';
  url += id;
  url += "/_history/";
  url += std::to_string(version);
  return url;
}

void respond_written(Exchange& x, const AppContext& app, int status, std::string_view id,
                     std::int64_t version, std::int64_t last_updated_ms, std::string json) {
  x.response.status = status;
  set_version_headers(x.response, version, last_updated_ms);
  x.response.set_header("Location", version_url(app, x.route.type, id, version));
  switch (x.prefer_return) {
    case PreferReturn::minimal:
      x.response.body.clear();
      break;
    case PreferReturn::operation_outcome: {
      fhir::Issue info;
      info.severity = fhir::Severity::information;
      info.code = "informational";
      info.diagnostics = status == 201 ? "Created" : "Updated";
      x.response.body = fhir::operation_outcome_json(info);
      break;
    }
    case PreferReturn::representation:
    case PreferReturn::unspecified:
      x.response.body = std::move(json);
      break;
  }
}

}  // namespace gateway
