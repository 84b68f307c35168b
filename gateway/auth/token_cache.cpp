#include "gateway/auth/token_cache.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>

namespace gateway::auth {

std::string TokenCache::key_for(std::string_view token) {
  // Fetched once: OpenSSL 3's one-shot SHA256() looks the algorithm up on
  // every call, which is most of its cost for a 1 KiB token.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  std::string key(SHA256_DIGEST_LENGTH, '\0');
  EVP_Digest(token.data(), token.size(), reinterpret_cast<unsigned char*>(key.data()), nullptr, kSha256, nullptr);
  return key;
}

std::shared_ptr<const RequestContext> TokenCache::find(const std::string& key, std::int64_t now_ms) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second->expires_ms <= now_ms) return nullptr;
  return it->second;
}

void TokenCache::put(const std::string& key, std::shared_ptr<const RequestContext> ctx, std::int64_t now_ms) {
  if (max_entries_ == 0) return;
  std::lock_guard lock(mu_);
  if (entries_.size() >= max_entries_) {
    std::erase_if(entries_, [now_ms](const auto& e) { return e.second->expires_ms <= now_ms; });
    // Still full: drop every other entry rather than all, so one client
    // minting many tokens cannot make everyone's be checked again at once.
    bool drop = false;
    if (entries_.size() >= max_entries_)
      std::erase_if(entries_, [&drop](const auto&) { return drop = !drop; });
  }
  entries_[key] = std::move(ctx);
}

bool TokenCache::known_bad(const std::string& key) const {
  std::lock_guard lock(mu_);
  return bad_.count(key) > 0;
}

void TokenCache::put_bad(const std::string& key) {
  std::lock_guard lock(mu_);
  if (bad_.size() >= std::max<std::size_t>(max_entries_ / 4, 1024)) bad_.clear();
  bad_.insert(key);
}

bool TokenCache::take_verification(std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (now_ms > budget_at_ms_) {
    budget_ = std::min(2.0 * rate_, budget_ + rate_ * static_cast<double>(now_ms - budget_at_ms_) / 1000.0);
    budget_at_ms_ = now_ms;
  }
  if (budget_ < 1.0) return false;
  budget_ -= 1.0;
  return true;
}

}  // namespace gateway::auth
