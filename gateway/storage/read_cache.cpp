#include "gateway/storage/read_cache.hpp"

#include <functional>

namespace gateway {
namespace {
// What one cached entry costs beyond its JSON: key, record, map node.
constexpr std::size_t kEntryOverhead = 160;

std::size_t cost(const std::string& key, const fhir::store::VersionRecord& r) {
  return key.size() + r.json.size() + r.type.size() + r.id.size() + kEntryOverhead;
}
}  // namespace

ReadCache::ReadCache(std::size_t max_bytes) : shard_budget_(max_bytes / kShards) {}

std::string ReadCache::key(std::string_view type, std::string_view id) {
  std::string k;
  k.reserve(type.size() + id.size() + 1);
  k.append(type).append(1, '/').append(id);
  return k;
}

ReadCache::Shard& ReadCache::shard_for(const std::string& k) const {
  return shards_[std::hash<std::string>{}(k) % kShards];
}

ReadCache::Entry ReadCache::get(std::string_view type, std::string_view id) const {
  if (shard_budget_ == 0) return nullptr;
  std::string k = key(type, id);
  Shard& s = shard_for(k);
  std::lock_guard lock(s.mu);
  auto it = s.map.find(k);
  return it == s.map.end() ? nullptr : it->second;
}

std::uint64_t ReadCache::epoch(std::string_view type, std::string_view id) const {
  std::string k = key(type, id);
  Shard& s = shard_for(k);
  std::lock_guard lock(s.mu);
  return s.epoch;
}

void ReadCache::put(Entry r, std::uint64_t epoch) {
  if (shard_budget_ == 0 || !r) return;
  std::string k = key(r->type, r->id);
  std::size_t c = cost(k, *r);
  if (c > shard_budget_) return;
  Shard& s = shard_for(k);
  std::lock_guard lock(s.mu);
  if (s.epoch != epoch) return;  // something changed meanwhile: r may be stale
  // Evict arbitrary entries until r fits: cheap, and good enough for a
  // cache whose misses cost one indexed SQLite read.
  while (s.bytes + c > shard_budget_ && !s.map.empty()) {
    auto victim = s.map.begin();
    s.bytes -= cost(victim->first, *victim->second);
    s.map.erase(victim);
  }
  auto [it, inserted] = s.map.try_emplace(std::move(k), r);
  if (!inserted) {
    s.bytes -= cost(it->first, *it->second);
    it->second = std::move(r);
  }
  s.bytes += cost(it->first, *it->second);
}

void ReadCache::invalidate(std::string_view type, std::string_view id) {
  if (shard_budget_ == 0) return;
  std::string k = key(type, id);
  Shard& s = shard_for(k);
  std::lock_guard lock(s.mu);
  ++s.epoch;
  auto it = s.map.find(k);
  if (it == s.map.end()) return;
  s.bytes -= cost(it->first, *it->second);
  s.map.erase(it);
}

}  // namespace gateway

namespace gateway {

void ReadCache::clear() {
  for (Shard& s : shards_) {
    std::lock_guard lock(s.mu);
    ++s.epoch;
    s.map.clear();
    s.bytes = 0;
  }
}

}  // namespace gateway
