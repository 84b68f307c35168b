#include "gateway/search/projection.hpp"

#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"
#include "fhir/search/query_controls.hpp"
#include "gateway/app/app_context.hpp"
#include "profiles/elements.hpp"
#include "profiles/summary.hpp"

namespace gateway {

using fhir::search::Summary;

bool Projection::active() const {
  return summary == Summary::true_ || summary == Summary::text || summary == Summary::data || !elements.empty();
}

fhir::Result<Projection> projection_from_query(const fhir::QueryParams& query) {
  Projection p;
  for (const auto& [name, value] : query) {
    if (name == "_summary") {
      auto s = fhir::search::parse_summary(value);
      if (!s) return s.take_issue();
      p.summary = *s;
    } else if (name == "_elements") {
      auto e = fhir::search::parse_elements(value);
      if (!e) return e.take_issue();
      p.elements = std::move(*e);
    }
  }
  return p;
}

void append_projected(std::string& out, const AppContext& app, const Projection& p, const std::string& json) {
  if (!p.active()) {
    out += json;
    return;
  }
  auto v = fhir::json::parse(json);
  if (!v) {  // stored JSON always parses; never send half a resource
    out += json;
    return;
  }
  // R4: _summary takes precedence; _elements applies without it.
  if (p.summary == Summary::true_ || p.summary == Summary::text || p.summary == Summary::data)
    profiles::apply_summary(*v, p.summary, *app.summaries);
  else
    profiles::apply_elements(*v, p.elements, *app.summaries);
  fhir::json::write_to(*v, out);
}

}  // namespace gateway
