#include "gateway/storage/change_follower.hpp"

#include "consent/enforcement/consent_index.hpp"
#include "fhir/store/store.hpp"
#include "gateway/auth/client_registry.hpp"
#include "gateway/storage/read_cache.hpp"
#include "gateway/write/label_stage.hpp"

namespace gateway {

ChangeFollower::ChangeFollower(fhir::store::Store& store, ReadCache* cache, auth::ClientRegistry& clients,
                               consent::ConsentIndex& consents, std::chrono::milliseconds interval)
    : store_(store), cache_(cache), clients_(clients), consents_(consents), interval_(interval) {
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
    follow_versions(seq);
    follow_relabels();
    follow_clients();
    follow_links();
  }
}

// A failed poll is retried next interval; the cache only lags.
void ChangeFollower::follow_versions(std::int64_t& seq) {
  constexpr int kBatch = 1000;
  for (;;) {
    auto changes = store_.changes_since(seq, kBatch);
    if (!changes) return;
    std::vector<std::string> consent_ids;
    bool directory = false;
    for (const auto& c : *changes) {
      if (cache_ != nullptr) cache_->invalidate(c.type, c.id);
      if (c.type == "Consent") consent_ids.push_back(c.id);
      directory = directory || consent::ConsentIndex::affects(c.type);
    }
    // Before seq moves on: a failed refresh is retried next poll.
    if (directory && !consents_.refresh(store_, consent_ids, clients_.organizations())) return;
    if (!changes->empty()) seq = changes->back().seq;
    if (changes->size() < static_cast<std::size_t>(kBatch)) return;
  }
}

// A relabel (carebridge relabel, by any process) makes no new versions, so
// the version feed does not show it; it moves store_meta label_generation.
void ChangeFollower::follow_relabels() {
  auto generation = store_.read_meta(kLabelGenerationMeta);
  if (!generation) return;
  std::string now = generation->value_or("");
  if (now != label_generation_) {
    if (label_known_ && cache_ != nullptr) cache_->clear();
    // Linked records are named by their labels (Patient.link): read again.
    if (label_known_ && !consents_.relabeled(store_)) return;  // retried next poll
    label_generation_ = std::move(now);
  }
  label_known_ = true;
}

// The link table changes without new versions (carebridge patients
// link|unlink, by any process): it moves store_meta
// patient_link_generation, and the consent index follows the links.
void ChangeFollower::follow_links() {
  auto generation = store_.read_meta(fhir::store::kPatientLinkGenerationMeta);
  if (!generation) return;
  std::string now = generation->value_or("");
  if (links_known_ && now == link_generation_) return;
  // The first poll too: a change between the index's load and now (the
  // index compares the generation it loaded, so this costs little).
  if (!consents_.refresh(store_, {}, clients_.organizations())) return;  // retried next poll
  link_generation_ = std::move(now);
  links_known_ = true;
}

void ChangeFollower::follow_clients() {
  auto generation = store_.client_generation();
  if (generation && *generation != clients_.generation() && clients_.reload(store_))
    (void)consents_.refresh(store_, {}, clients_.organizations());  // their organizations' identifiers
}

}  // namespace gateway
