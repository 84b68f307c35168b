#include "gateway/forwarding/endpoint_slots.hpp"

#include <algorithm>

namespace gateway::forwarding {

EndpointSlots::EndpointSlots(std::size_t per_origin, std::size_t total)
    : per_origin_(std::max<std::size_t>(1, per_origin)), total_(std::max<std::size_t>(1, total)) {}

bool EndpointSlots::try_take(const std::string& origin) {
  if (total_in_use_ >= total_) return false;
  std::size_t& used = in_use_[origin];
  if (used >= per_origin_) return false;
  ++used;
  ++total_in_use_;
  return true;
}

bool EndpointSlots::full(const std::string& origin) const {
  if (total_in_use_ >= total_) return true;
  auto it = in_use_.find(origin);
  return it != in_use_.end() && it->second >= per_origin_;
}

void EndpointSlots::give_back(const std::string& origin) {
  auto it = in_use_.find(origin);
  if (it == in_use_.end() || it->second == 0) return;
  --total_in_use_;
  if (--it->second == 0) in_use_.erase(it);
}

}  // namespace gateway::forwarding
