#include "gateway/write/bundle_response.hpp"

#include "fhir/core/instant.hpp"
#include "fhir/json/write.hpp"
#include "fhir/resource/operation_outcome.hpp"
#include "gateway/write/etag.hpp"

namespace gateway {

std::string status_line(int status) {
  const char* text = "";
  switch (status) {
    case 200: text = "OK"; break;
    case 201: text = "Created"; break;
    case 204: text = "No Content"; break;
    case 400: text = "Bad Request"; break;
    case 404: text = "Not Found"; break;
    case 405: text = "Method Not Allowed"; break;
    case 409: text = "Conflict"; break;
    case 410: text = "Gone"; break;
    case 412: text = "Precondition Failed"; break;
    case 415: text = "Unsupported Media Type"; break;
    case 503: text = "Service Unavailable"; break;
    default: text = status >= 500 ? "Internal Server Error" : ""; break;
  }
  std::string out = std::to_string(status);
  if (*text != '\0') out += std::string(" ") + text;
  return out;
}

std::string bundle_response_json(PlanKind kind, const std::vector<EntryOutcome>& outcomes,
                                 const std::string& bundle_id, const std::string& now,
                                 bool include_resources) {
  std::string out = R"({"resourceType":"Bundle","id":")" + bundle_id + R"(","meta":{"lastUpdated":")" +
                    now + R"("},"type":")";
  out += kind == PlanKind::batch ? "batch-response" : "transaction-response";
  out += '"';
  // R4 JSON: an array is never empty; a Bundle without entries has none.
  if (outcomes.empty()) return out + "}";
  out += R"(,"entry":[)";
  bool first = true;
  for (const EntryOutcome& o : outcomes) {
    if (!first) out += ',';
    first = false;
    out += '{';
    if ((include_resources || o.read) && !o.json.empty() && !o.issue) {
      out += R"("resource":)";
      out += o.json;
      out += ',';
    }
    out += R"("response":{"status":")";
    out += status_line(o.issue ? o.issue->http_status : o.status);
    out += '"';
    if (o.issue) {
      out += R"(,"outcome":)";
      out += fhir::operation_outcome_json(*o.issue);
    } else if (o.version > 0) {
      if (!o.notice.empty()) {
        fhir::Issue notice;
        notice.severity = fhir::Severity::information;
        notice.code = "informational";
        notice.diagnostics = o.notice;
        out += R"(,"outcome":)";
        out += fhir::operation_outcome_json(notice);
      }
      std::string location = o.type + "/" + o.id + "/_history/" + std::to_string(o.version);
      out += R"(,"location":")";
      fhir::json::append_escaped(location, out);
      out += R"(","etag":")";
      fhir::json::append_escaped(etag_of(o.version), out);
      out += R"(","lastModified":")";
      out += fhir::format_instant(o.last_updated_ms);
      out += '"';
    }
    out += "}}";
  }
  out += "]}";
  return out;
}

}  // namespace gateway
