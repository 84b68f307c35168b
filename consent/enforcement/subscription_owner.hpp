// Whose a Subscription is (issue 10, forwarding). A client's Subscriptions
// are its own: no other client reads, finds, changes or is told of them.
// The owner is written into the id, which the gateway assigns on create:
// "s" + 16 hex digits of SHA-256(client id) + "-" + a random part. So
// every path out (read, search, includes, history, counts) decides
// ownership on the row it already has, through the same RowFilter as
// consent, with no lookup; and a client's mark says nothing of its id.
#pragma once

#include <string>
#include <string_view>

namespace consent {

std::string subscription_id_prefix(std::string_view client_id);
bool owns_subscription(std::string_view client_id, std::string_view subscription_id);

}  // namespace consent
