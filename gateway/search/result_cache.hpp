// ResultCache: the matching ids of a search, kept for its next/previous
// links. The first page runs the query and, when there is more than one
// page, stores the ids under a random cursor; later pages slice them, so
// they neither skip nor repeat resources while writes land underneath
// (R4 search.html "Paging"). Bounded by total ids held; the oldest go
// first. A cursor that expired (or belongs to another instance) is not an
// error: the page is computed again from the query.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "fhir/store/store.hpp"

namespace gateway {

class ResultCache {
 public:
  using Hits = std::shared_ptr<const std::vector<fhir::store::SearchHit>>;

  ResultCache(std::size_t max_hits, std::chrono::seconds ttl) : max_hits_(max_hits), ttl_(ttl) {}

  // `query` is the search's canonical query without paging: a cursor
  // answers only the query it was made for.
  std::string put(const std::string& query, Hits hits);
  Hits get(const std::string& cursor, const std::string& query);

 private:
  struct Entry {
    std::string query;
    Hits hits;
    std::chrono::steady_clock::time_point created;
  };
  void evict_locked();

  const std::size_t max_hits_;
  const std::chrono::seconds ttl_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
  std::deque<std::string> order_;                   // oldest first; guarded by mu_
  std::size_t held_ = 0;                            // ids held; guarded by mu_
};

}  // namespace gateway
