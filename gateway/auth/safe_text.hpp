// What of a key's or token's own text an Issue may repeat. Diagnostics end
// up in logs and OperationOutcomes: token text never goes there, and short
// labels (a kid, a kty) only when they cannot forge a log line.
#pragma once

#include <string>
#include <string_view>

namespace gateway::auth {

// s in single quotes when it is 1..64 printable ASCII characters other than
// a quote or backslash; otherwise "(not shown)".
std::string safe_quote(std::string_view s);

}  // namespace gateway::auth
