#include "gateway/auth/token_cache.hpp"

#include <openssl/sha.h>

namespace gateway::auth {

std::string TokenCache::key_for(std::string_view token) {
  std::string key(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(),
         reinterpret_cast<unsigned char*>(key.data()));
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
    if (entries_.size() >= max_entries_) entries_.clear();
  }
  entries_[key] = std::move(ctx);
}

}  // namespace gateway::auth
