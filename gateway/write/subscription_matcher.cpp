#include "gateway/write/subscription_matcher.hpp"

#include <cstdio>

#include "fhir/core/errors.hpp"
#include "fhir/core/query.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/search/match.hpp"
#include "fhir/search/query_parser.hpp"
#include "gateway/write/write_pipeline.hpp"

namespace gateway {
namespace {

fhir::Result<fhir::search::SearchQuery> parse_criteria_text(const WriteContext& ctx, const std::string& type,
                                              const std::string& query) {
  auto params = fhir::parse_query(query);
  if (!params) return fhir::make_issue(fhir::err::kInvalidParameter, "Malformed subscription criteria");
  return fhir::search::parse_search(*ctx.search, type, *params, fhir::search::Handling::strict);
}

bool delivers(const fhir::store::SubscriptionState& s) { return s.status == "requested" || s.status == "active"; }

}  // namespace

fhir::Status SubscriptionMatcher::load(const WriteContext& ctx, fhir::store::WriteTxn& tx) {
  by_type_.clear();
  watching_ = 0;
  auto states = tx.subscription_states();
  if (!states) return states.take_issue();
  for (const auto& s : *states) {
    if (!delivers(s)) continue;
    auto head = tx.head("Subscription", s.id);
    if (!head) return head.take_issue();
    if (!*head || (*head)->deleted) continue;
    // One unreadable Subscription must not stop every write: it matches
    // nothing, and says so.
    auto root = fhir::json::parse((*head)->json);
    if (!root) {
      std::fprintf(stderr, "forwarding: Subscription %s cannot be read; it matches nothing\n", s.id.c_str());
      continue;
    }
    const std::string criteria(root->string_at("criteria"));
    const auto q = criteria.find('?');
    Watch w;
    w.subscription_id = s.id;
    const std::string type = criteria.substr(0, q);
    auto parsed = parse_criteria_text(ctx, type, q == std::string::npos ? std::string() : criteria.substr(q + 1));
    // Checked when it was written; criteria that no longer parse (the
    // search parameters changed) match nothing rather than everything.
    if (!parsed) {
      std::fprintf(stderr, "forwarding: Subscription %s: its criteria no longer parse; it matches nothing\n",
                   s.id.c_str());
      continue;
    }
    w.query = std::move(*parsed);
    by_type_[type].push_back(std::move(w));
    ++watching_;
  }
  loaded_ = true;
  return fhir::ok_status();
}

bool SubscriptionMatcher::matches(const WriteContext& ctx, fhir::store::WriteTxn& tx, Watch& w,
                                  const fhir::json::Value& resource) {
  auto m = fhir::search::matches(*ctx.search, w.query, resource, tx.now_ms());
  if (m) return *m;
  // Criteria are checked when written (no chain, no _has); one the
  // in-memory matcher still cannot decide matches nothing, said once.
  if (!w.undecidable_logged)
    std::fprintf(stderr, "forwarding: Subscription %s: its criteria cannot be decided (%s); it matches nothing\n",
                 w.subscription_id.c_str(), m.issue().diagnostics.c_str());
  w.undecidable_logged = true;
  return false;
}

fhir::Status SubscriptionMatcher::queue_matches(const WriteContext& ctx, fhir::store::WriteTxn& tx,
                                                const fhir::store::NewVersion& v, std::int64_t seq,
                                                const fhir::json::Value& resource) {
  if (v.deleted || v.type == "Subscription") return fhir::ok_status();
  // What the subscriptions are, as this transaction sees them: a change
  // made by another process, or rolled back, moves the generation too.
  auto generation = tx.meta(fhir::store::kSubscriptionGenerationMeta);
  if (!generation) return generation.take_issue();
  const std::string current = generation->value_or("");
  if (!loaded_ || current != generation_) {
    if (auto st = load(ctx, tx); !st) return st;
    generation_ = current;
  }
  auto it = by_type_.find(v.type);
  if (it == by_type_.end()) return fhir::ok_status();
  for (Watch& w : it->second) {
    if (!matches(ctx, tx, w, resource)) continue;
    fhir::store::OutboxItem item;
    item.subscription_id = w.subscription_id;
    item.seq = seq;
    item.type = v.type;
    item.id = v.id;
    item.version = v.version;
    item.queued_ms = tx.now_ms();
    if (auto st = tx.enqueue(item); !st) return st;
  }
  return fhir::ok_status();
}

}  // namespace gateway
