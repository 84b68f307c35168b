// A LabelSet as one short text, stored beside each version (version_label)
// and read back row by row inside search queries: space-separated tokens,
// "C:R A:ETH L:42CFRPart2 R:NORDSCLCD" for the four DS4P systems the
// gateway writes, "system|code" for any other, spaces in codes as %20.
// Confidentiality first, the rest sorted, so equal sets have equal keys.
#pragma once

#include <string>
#include <string_view>

#include "consent/labels/security_label.hpp"

namespace consent {

inline constexpr std::string_view kRefrainSystem = "http://terminology.hl7.org/CodeSystem/v3-RefrainPolicy";
inline constexpr std::string_view kObligationSystem = "http://terminology.hl7.org/CodeSystem/v3-ObligationPolicy";

std::string encode_label_key(const LabelSet& labels);
LabelSet decode_label_key(std::string_view key);

}  // namespace consent
