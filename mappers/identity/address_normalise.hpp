// Address parts as the matcher compares them (Address.line, .city,
// .postalCode). Line words follow USPS Publication 28: street suffixes
// (Appendix C1: Street/Str -> st, Avenue/Av -> ave, Road -> rd),
// directionals (North -> n) and secondary unit designators (Appendix C2),
// the last folded into one word "unit" so "Apt 22", "Suite 22" and "# 22"
// compare equal: the unit number is what tells units apart.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mappers::identity {

// All lines of one address as normalised words joined by one space
// ("115 Stoltenberg Row, Apt. 59" -> "115 stoltenberg row unit 59").
std::string normalise_address_lines(const std::vector<std::string>& lines);

// A city as folded words joined by one space.
std::string normalise_city(std::string_view city);

// A US ZIP as its first 5 digits (ZIP+4 dropped); other postal codes as
// their folded letters and digits ("K1A 0B1" -> "k1a0b1"). "" when absent,
// shorter than 5 characters, or all zeros (a placeholder: no ZIP is 00000).
std::string normalise_postal_code(std::string_view postal);

}  // namespace mappers::identity
