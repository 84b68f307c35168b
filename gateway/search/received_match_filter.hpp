// ReceivedMatchFilter: the consent filter of a search's matched rows that
// also holds the search criteria (issue 7's inline redaction, found by the
// issue 10 review). A requester not cleared for an element's inline
// security label receives the resource without that element; the search
// index still holds it. Were the index alone to decide the match,
// `Patient?identifier=<ssn system>|<ssn>` would answer (its results, its
// count) whether a Patient has that redacted SSN. So a resource that would
// reach the requester redacted must also match the criteria as it is
// received. Only such resources are re-checked (their JSON is read from
// the store only for them), and only criteria on the resource itself:
// chains and _has are about other resources. A criterion the in-memory
// matcher cannot decide hides the resource (fail closed).
//
// Used by one query at a time on the storage thread that runs it, like
// the DisclosureFilter it wraps, which must outlive it.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "consent/enforcement/disclosure_filter.hpp"
#include "fhir/search/query.hpp"
#include "fhir/search/search_params.hpp"
#include "fhir/store/store.hpp"

namespace gateway {

// Whether rec (its label key, patients and JSON) still matches every one
// of `criteria` as filter's requester receives it, inline-labeled elements
// it is not cleared for redacted. True when nothing in it is redacted;
// false when a criterion cannot be decided in memory (fail closed). The
// one rule for search (below) and forwarding (delivery_batch).
fhir::Result<bool> matches_as_received(const consent::DisclosureFilter& filter,
                                       const fhir::store::VersionRecord& rec,
                                       const std::vector<fhir::search::Criterion>& criteria,
                                       const fhir::search::SearchParams& params, std::int64_t now_ms);

class ReceivedMatchFilter final : public fhir::store::RowFilter {
 public:
  ReceivedMatchFilter(const consent::DisclosureFilter& base, const fhir::search::SearchQuery& query,
                      const fhir::search::SearchParams& params, std::int64_t now_ms);

  bool visible(const Row& row) const override;
  bool wants_content() const override { return base_.wants_content(); }
  std::string_view content_marker() const override;

  // Whether the query has criteria it re-checks (else the base alone decides).
  bool needed() const { return !criteria_.empty(); }

 private:
  const consent::DisclosureFilter& base_;
  const fhir::search::SearchParams& params_;
  std::vector<fhir::search::Criterion> criteria_;  // on the resource itself
  std::int64_t now_ms_;
};

}  // namespace gateway
