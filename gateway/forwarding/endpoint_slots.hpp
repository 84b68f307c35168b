// EndpointSlots: how many deliveries may be on the wire at once, per
// endpoint (a partner and an origin, scheme://host[:port]: partners
// sharing a host do not share its slots) and in all (issue 10). The
// delivery worker takes a slot *before* it prepares a notification and
// gives it back when the transfer ends, so a notification is decided by
// consent right before it leaves instead of waiting, already decided,
// behind a slow partner's other transfers. The HttpPoster keeps its own
// caps as a backstop; with these in front, its queue stays empty.
//
// One thread (the worker's) uses it: no locking.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>

namespace gateway::forwarding {

class EndpointSlots {
 public:
  EndpointSlots(std::size_t per_origin, std::size_t total);

  // true: a slot is held for `origin` until give_back(origin).
  bool try_take(const std::string& origin);
  void give_back(const std::string& origin);
  // Whether try_take(origin) would fail now.
  bool full(const std::string& origin) const;

  std::size_t in_use() const { return total_in_use_; }

 private:
  std::size_t per_origin_;
  std::size_t total_;
  std::size_t total_in_use_ = 0;
  std::unordered_map<std::string, std::size_t> in_use_;  // origins with a slot held only
};

}  // namespace gateway::forwarding
