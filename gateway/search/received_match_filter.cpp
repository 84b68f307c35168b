#include "gateway/search/received_match_filter.hpp"

#include "consent/enforcement/inline_redaction.hpp"
#include "consent/labels/security_label.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/search/match.hpp"

namespace gateway {

ReceivedMatchFilter::ReceivedMatchFilter(const consent::DisclosureFilter& base,
                                         const fhir::search::SearchQuery& query,
                                         const fhir::search::SearchParams& params, std::int64_t now_ms)
    : base_(base), params_(params), now_ms_(now_ms) {
  for (const auto& c : query.criteria)
    if (c.chain.empty() && c.has.empty()) criteria_.push_back(c);
}

std::string_view ReceivedMatchFilter::content_marker() const { return consent::kProcessInlineLabel; }

bool ReceivedMatchFilter::visible(const Row& row) const {
  if (!base_.visible(row)) return false;
  if (row.json.empty()) return true;  // no inline labels: received as stored
  fhir::store::VersionRecord rec;
  rec.type = std::string(row.type);
  rec.id = std::string(row.id);
  rec.label_key = std::string(row.label_key);
  rec.patients = std::string(row.patients);
  rec.json = std::string(row.json);  // a consent may decide on content
  auto redacted = consent::redact_inline(base_, rec, row.json);
  if (!redacted) return true;  // cleared for every inline label it has
  auto received = fhir::json::parse(*redacted);
  if (!received) return false;
  for (const auto& c : criteria_) {
    auto m = fhir::search::matches(params_, c, *received, now_ms_);
    if (!m || !*m) return false;
  }
  return true;
}

}  // namespace gateway
