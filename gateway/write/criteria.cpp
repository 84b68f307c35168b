#include "gateway/write/criteria.hpp"

#include "fhir/core/errors.hpp"
#include "fhir/core/query.hpp"
#include "fhir/search/match.hpp"
#include "fhir/search/query_parser.hpp"
#include "fhir/search/search_params.hpp"

namespace gateway {

fhir::Result<Criteria> parse_criteria(const WriteContext& ctx, std::string_view type, std::string_view query) {
  // The store's search here sees every client's Subscriptions: a
  // conditional reference would find (and name) another's.
  if (type == "Subscription")
    return fhir::make_issue(fhir::err::kInvalidParameter, "Subscriptions are not found by conditional criteria");
  auto params = fhir::parse_query(query);
  if (!params) return fhir::make_issue(fhir::err::kInvalidParameter, "Malformed search criteria");
  auto q = fhir::search::parse_search(*ctx.search, type, *params, fhir::search::Handling::strict);
  if (!q) return q.take_issue();
  if (q->criteria.empty())
    return fhir::make_issue(fhir::err::kInvalidParameter, "Conditional criteria must not be empty");
  return Criteria{std::string(type), std::move(*q)};
}

fhir::Result<Criteria> parse_conditional_url(const WriteContext& ctx, std::string_view url) {
  std::size_t q = url.find('?');
  if (q == std::string_view::npos || q == 0)
    return fhir::make_issue(fhir::err::kInvalidParameter, "A conditional URL is Type?criteria");
  return parse_criteria(ctx, url.substr(0, q), url.substr(q + 1));
}

bool criteria_match(const WriteContext& ctx, const Criteria& c, const fhir::json::Value& resource,
                    std::int64_t now_ms) {
  auto m = fhir::search::matches(*ctx.search, c.query, resource, now_ms);
  return m && *m;
}

fhir::Result<std::vector<std::string>> find_matches(fhir::store::WriteTxn& tx, const WriteContext& ctx,
                                                    const Criteria& c, int limit) {
  fhir::store::SearchSpec spec;
  spec.types = {c.type};
  spec.query = &c.query;
  spec.params = ctx.search;
  spec.now_ms = tx.now_ms();
  spec.limit = limit;
  auto hits = tx.search(spec);
  if (!hits) return hits.take_issue();
  std::vector<std::string> ids;
  for (auto& h : *hits) ids.push_back(std::move(h.id));
  return ids;
}

}  // namespace gateway
