#include "gateway/search/result_cache.hpp"

#include "fhir/core/id_generator.hpp"

namespace gateway {

std::string ResultCache::put(const std::string& query, Hits hits) {
  std::string cursor = fhir::new_resource_id();
  std::lock_guard lock(mu_);
  held_ += hits->size();
  entries_.emplace(cursor, Entry{query, std::move(hits), std::chrono::steady_clock::now()});
  order_.push_back(cursor);
  evict_locked();
  return cursor;
}

ResultCache::Hits ResultCache::get(const std::string& cursor, const std::string& query) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(cursor);
  if (it == entries_.end() || it->second.query != query) return nullptr;
  if (std::chrono::steady_clock::now() - it->second.created > ttl_) return nullptr;
  return it->second.hits;
}

void ResultCache::evict_locked() {
  const auto now = std::chrono::steady_clock::now();
  while (!order_.empty()) {
    auto it = entries_.find(order_.front());
    const bool expired = it == entries_.end() || now - it->second.created > ttl_;
    // The newest entry stays even when it alone is over the budget.
    if (!expired && (held_ <= max_hits_ || order_.size() == 1)) break;
    if (it != entries_.end()) {
      held_ -= it->second.hits->size();
      entries_.erase(it);
    }
    order_.pop_front();
  }
}

}  // namespace gateway
