// TokenCache: access tokens already verified, keyed by the SHA-256 of the
// token (the token text itself is not kept), until they expire. A hit
// makes authenticating a request one hash and one lookup instead of a
// signature check. Bounded: when full, expired entries go first, then all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gateway/auth/request_context.hpp"

namespace gateway::auth {

class TokenCache {
 public:
  explicit TokenCache(std::size_t max_entries) : max_entries_(max_entries) {}

  static std::string key_for(std::string_view token);  // SHA-256, raw bytes
  // nullptr when absent or expired by now_ms.
  std::shared_ptr<const RequestContext> find(const std::string& key, std::int64_t now_ms) const;
  void put(const std::string& key, std::shared_ptr<const RequestContext> ctx, std::int64_t now_ms);

 private:
  std::size_t max_entries_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const RequestContext>> entries_;
};

}  // namespace gateway::auth
