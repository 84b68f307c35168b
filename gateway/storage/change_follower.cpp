#include "gateway/storage/change_follower.hpp"

#include "fhir/store/store.hpp"
#include "gateway/storage/read_cache.hpp"

namespace gateway {

ChangeFollower::ChangeFollower(fhir::store::Store& store, ReadCache& cache,
                               std::chrono::milliseconds interval)
    : store_(store), cache_(cache), interval_(interval) {
  auto last = store_.last_seq();
  thread_ = std::thread([this, from = last ? *last : 0] { run(from); });
}

ChangeFollower::~ChangeFollower() { stop(); }

void ChangeFollower::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ChangeFollower::run(std::int64_t seq) {
  constexpr int kBatch = 1000;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, interval_, [this] { return stopping_; })) return;
    }
    // A failed poll is retried next interval; the cache only lags.
    for (;;) {
      auto changes = store_.changes_since(seq, kBatch);
      if (!changes) break;
      for (const auto& c : *changes) {
        cache_.invalidate(c.type, c.id);
        seq = c.seq;
      }
      if (changes->size() < static_cast<std::size_t>(kBatch)) break;
    }
  }
}

}  // namespace gateway
