// ReadCache: current versions of recently read resources, served from
// memory on the io thread (a hit touches no disk, so io threads still never
// block on storage).
//
// Coherence without locks across the read: every key's shard has an epoch
// that any invalidation bumps. A reader notes the epoch before it goes to
// the store and its result is cached only if the epoch is unchanged when it
// comes back; so a version read before a commit can never be cached after
// that commit's invalidation. Invalidations come from this process's writes
// (before they are acknowledged) and, for other processes writing the same
// store (carebridge import), from the ChangeFollower within its poll
// interval.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "fhir/store/store.hpp"

namespace gateway {

class ReadCache {
 public:
  using Entry = std::shared_ptr<const fhir::store::VersionRecord>;

  // max_bytes 0 disables the cache.
  explicit ReadCache(std::size_t max_bytes);

  Entry get(std::string_view type, std::string_view id) const;
  std::uint64_t epoch(std::string_view type, std::string_view id) const;
  // Caches r if nothing was invalidated in its shard since `epoch`.
  void put(Entry r, std::uint64_t epoch);
  void invalidate(std::string_view type, std::string_view id);
  // Drops everything (the store was relabeled: every entry's labels may be old).
  void clear();

 private:
  static constexpr std::size_t kShards = 64;
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Entry> map;  // guarded by mu
    std::size_t bytes = 0;                       // guarded by mu
    std::uint64_t epoch = 0;                     // guarded by mu
  };
  static std::string key(std::string_view type, std::string_view id);
  Shard& shard_for(const std::string& key) const;

  std::size_t shard_budget_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace gateway
