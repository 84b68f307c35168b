#include "consent/labels/label_key.hpp"

#include <array>
#include <utility>

namespace consent {
namespace {

struct Short {
  std::string_view prefix;
  std::string_view system;
};
constexpr std::array<Short, 5> kShort{{
    {"C:", kConfidentialitySystem},
    {"A:", kActCodeSystem},
    {"L:", kPrivacyLawSystem},
    {"R:", kRefrainSystem},
    {"O:", kObligationSystem},
}};

void append_escaped(std::string& out, std::string_view s) {
  for (char c : s) {
    if (c == ' ')
      out += "%20";
    else if (c == '%')
      out += "%25";
    else
      out += c;
  }
}

std::string unescaped(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && s.substr(i, 3) == "%20") {
      out += ' ';
      i += 2;
    } else if (s[i] == '%' && s.substr(i, 3) == "%25") {
      out += '%';
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

void append_token(std::string& out, const Label& l) {
  if (!out.empty()) out += ' ';
  for (const auto& s : kShort)
    if (s.system == l.system) {
      out += s.prefix;
      append_escaped(out, l.code);
      return;
    }
  append_escaped(out, l.system);
  out += '|';
  append_escaped(out, l.code);
}

Label parse_token(std::string_view t) {
  for (const auto& s : kShort)
    if (t.substr(0, 2) == s.prefix) return {std::string(s.system), unescaped(t.substr(2))};
  const auto bar = t.rfind('|');
  if (bar == std::string_view::npos) return {"", unescaped(t)};
  return {unescaped(t.substr(0, bar)), unescaped(t.substr(bar + 1))};
}

}  // namespace

std::string encode_label_key(const LabelSet& labels) {
  std::string out;
  for (const Label& l : labels.all()) append_token(out, l);
  return out;
}

LabelSet decode_label_key(std::string_view key) {
  LabelSet out;
  while (!key.empty()) {
    const auto space = key.find(' ');
    std::string_view token = key.substr(0, space);
    if (!token.empty()) out.add(parse_token(token));
    if (space == std::string_view::npos) break;
    key.remove_prefix(space + 1);
  }
  return out;
}

}  // namespace consent
