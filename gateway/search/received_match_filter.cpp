#include "gateway/search/received_match_filter.hpp"

#include "consent/enforcement/inline_redaction.hpp"
#include "consent/labels/security_label.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/search/match.hpp"

namespace gateway {

fhir::Result<bool> matches_as_received(const consent::DisclosureFilter& filter,
                                       const fhir::store::VersionRecord& rec,
                                       const std::vector<fhir::search::Criterion>& criteria,
                                       const fhir::search::SearchParams& params, std::int64_t now_ms) {
  auto redacted = consent::redact_inline(filter, rec, rec.json);
  if (!redacted) return true;  // cleared for every inline label it has
  auto received = fhir::json::parse(*redacted);
  if (!received) return received.take_issue();
  for (const auto& c : criteria) {
    auto m = fhir::search::matches(params, c, *received, now_ms);
    if (!m || !*m) return false;
  }
  return true;
}

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
  auto m = matches_as_received(base_, rec, criteria_, params_, now_ms_);
  return m && *m;
}

}  // namespace gateway
