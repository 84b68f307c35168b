// ContactPoint values as the matcher compares them.
#pragma once

#include <string>
#include <string_view>

namespace mappers::identity {

// The last 10 digits of a phone number ("+1 (555) 868-9576" and
// "555.868.9576" -> "5558689576"), read up to an extension ("x12",
// "ext. 12"). "" with fewer than 10 digits: a number without its area code
// cannot be told apart from others.
std::string normalise_phone(std::string_view phone);

// An email trimmed and lower-cased (ASCII; mail systems treat the local
// part case-insensitively in practice). "" when it has no '@'.
std::string normalise_email(std::string_view email);

}  // namespace mappers::identity
