// The forwarding step of the map stage (issue 10): each version the write
// pipeline appends, a client's or one the gateway derived (a score, a
// Flag), is matched against every requested or active Subscription's
// criteria, after it was labeled and its care facts written; each match is
// queued in the store's outbox in the same transaction, so a committed
// write's notification is as durable as the write.
//
// Matching uses the search engine of queries: the criteria are parsed by
// the same strict parser, and decided in memory over the values the index
// stores (fhir/search/match.hpp, the rules the SQL planner follows).
// Criteria never chain or use _has (subscription_spec.hpp refuses them),
// so one resource always answers them.
//
// Deletes are not matched: R4 criteria select resources as they are, and a
// deleted one is none.
//
// The writer thread alone uses a matcher. It keeps the subscriptions'
// parsed criteria, loaded from the store again whenever the store's
// subscription generation (store.hpp) is not the one it loaded at: a
// change by this process or another, or one rolled back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "fhir/core/result.hpp"
#include "fhir/json/value.hpp"
#include "fhir/search/query.hpp"
#include "fhir/store/store.hpp"

namespace gateway {

struct WriteContext;

class SubscriptionMatcher {
 public:
  // Reload before the next match (the generation says so too; this spares
  // comparing it within the unit that made the change).
  void invalidate() { loaded_ = false; }
  // Queues v (just appended with commit seq `seq`; resource is it as
  // stored) for every subscription it matches.
  fhir::Status queue_matches(const WriteContext& ctx, fhir::store::WriteTxn& tx, const fhir::store::NewVersion& v,
                             std::int64_t seq, const fhir::json::Value& resource);
  // How many subscriptions it matches against (after the last load).
  std::size_t watching() const { return watching_; }

 private:
  struct Watch {
    std::string subscription_id;
    fhir::search::SearchQuery query;
    bool undecidable_logged = false;
  };
  fhir::Status load(const WriteContext& ctx, fhir::store::WriteTxn& tx);
  bool matches(const WriteContext& ctx, fhir::store::WriteTxn& tx, Watch& w, const fhir::json::Value& resource);

  std::unordered_map<std::string, std::vector<Watch>> by_type_;
  std::size_t watching_ = 0;
  bool loaded_ = false;
  std::string generation_;  // kSubscriptionGenerationMeta as loaded
};

}  // namespace gateway
