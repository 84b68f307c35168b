// TokenCache: access tokens already verified, keyed by the SHA-256 of the
// token (the token text itself is not kept), until they expire. A hit
// makes authenticating a request one hash and one lookup instead of a
// signature check. Tokens the token endpoint issues go in when issued.
//
// What an unauthenticated caller can make the gateway spend is bounded
// here too: tokens that failed are remembered (a repeat costs a lookup),
// and signature checks of tokens never seen draw on a budget per second;
// past it, unknown tokens wait (503) while known ones go on being served.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "gateway/auth/request_context.hpp"

namespace gateway::auth {

class TokenCache {
 public:
  // verifications_per_second: signature checks of unknown tokens allowed
  // (a burst of as many again may be spent at once).
  TokenCache(std::size_t max_entries, int verifications_per_second)
      : max_entries_(max_entries), rate_(verifications_per_second), budget_(2.0 * verifications_per_second) {}

  static std::string key_for(std::string_view token);  // SHA-256, raw bytes
  // nullptr when absent or expired by now_ms.
  std::shared_ptr<const RequestContext> find(const std::string& key, std::int64_t now_ms) const;
  void put(const std::string& key, std::shared_ptr<const RequestContext> ctx, std::int64_t now_ms);

  // A token that failed verification.
  bool known_bad(const std::string& key) const;
  void put_bad(const std::string& key);
  // Takes one signature check from the budget; false when spent.
  bool take_verification(std::int64_t now_ms);

 private:
  std::size_t max_entries_;
  double rate_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const RequestContext>> entries_;
  std::unordered_set<std::string> bad_;
  double budget_;
  std::int64_t budget_at_ms_ = 0;
};

}  // namespace gateway::auth
