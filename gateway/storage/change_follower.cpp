#include "gateway/storage/change_follower.hpp"

#include "fhir/store/store.hpp"
#include "gateway/auth/client_registry.hpp"
#include "gateway/storage/read_cache.hpp"

namespace gateway {

ChangeFollower::ChangeFollower(fhir::store::Store& store, ReadCache* cache, auth::ClientRegistry& clients,
                               std::chrono::milliseconds interval)
    : store_(store), cache_(cache), clients_(clients), interval_(interval) {
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
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, interval_, [this] { return stopping_; })) return;
    }
    if (cache_ != nullptr) follow_versions(seq);
    follow_clients();
  }
}

// A failed poll is retried next interval; the cache only lags.
void ChangeFollower::follow_versions(std::int64_t& seq) {
  constexpr int kBatch = 1000;
  for (;;) {
    auto changes = store_.changes_since(seq, kBatch);
    if (!changes) return;
    for (const auto& c : *changes) {
      cache_->invalidate(c.type, c.id);
      seq = c.seq;
    }
    if (changes->size() < static_cast<std::size_t>(kBatch)) return;
  }
}

void ChangeFollower::follow_clients() {
  auto generation = store_.client_generation();
  if (generation && *generation != clients_.generation()) (void)clients_.reload(store_);
}

}  // namespace gateway
