#include "gateway/forwarding/endpoint_url.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "fhir/core/errors.hpp"

namespace gateway::forwarding {
namespace {

// Longer URLs are not endpoints anyone registers; a bound keeps every loop
// below short.
constexpr std::size_t kMaxUrl = 2048;

fhir::Issue bad(std::string why) {
  return fhir::make_issue(fhir::err::kInvalidValue, "the endpoint URL " + std::move(why));
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int hex_value(char c) { return is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }
bool is_unreserved(char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

// RFC 3986 characters (unreserved, gen-delims, sub-delims, '%'). The rest,
// '\' above all (WHATWG parsers read it as '/'), no parser agrees on.
bool is_url_char(char c) {
  static constexpr std::string_view kOthers = ":/?#[]@!$&'()*+,;=%";
  return is_unreserved(c) || kOthers.find(c) != std::string_view::npos;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

// Four decimal numbers 0-255 without leading zeros: inet_aton would read
// "010" as octal and "127.1" as 127.0.0.1, so only this spelling is one.
bool is_dotted_quad(std::string_view s) {
  int parts = 0;
  while (true) {
    const std::size_t dot = s.find('.');
    const std::string_view part = s.substr(0, dot);
    if (!all_digits(part) || part.size() > 3 || (part.size() > 1 && part[0] == '0')) return false;
    int value = 0;
    for (char c : part) value = value * 10 + (c - '0');
    if (value > 255 || ++parts > 4) return false;
    if (dot == std::string_view::npos) return parts == 4;
    s.remove_prefix(dot + 1);
  }
}

// WHATWG's "ends in a number": such a host is read as an IPv4 address.
bool ends_in_number(std::string_view host) {
  const std::string_view last = host.substr(host.rfind('.') + 1);
  if (all_digits(last)) return true;
  if (last.size() < 2 || last[0] != '0' || (last[1] != 'x' && last[1] != 'X')) return false;
  for (char c : last.substr(2))
    if (!is_hex(c)) return false;
  return true;
}

// ':'-separated hex groups of one side of "::"; the last may be a
// dotted quad (two groups) when v4_last.
bool ipv6_groups(std::string_view s, bool v4_last, std::vector<std::uint16_t>& out) {
  if (s.empty()) return true;
  while (true) {
    const std::size_t colon = s.find(':');
    const std::string_view group = s.substr(0, colon);
    if (colon == std::string_view::npos && v4_last && group.find('.') != std::string_view::npos) {
      if (!is_dotted_quad(group)) return false;
      std::array<int, 4> b{};
      std::size_t i = 0;
      for (char c : group) {
        if (c == '.') ++i;
        else b[i] = b[i] * 10 + (c - '0');
      }
      out.push_back(static_cast<std::uint16_t>(b[0] << 8 | b[1]));
      out.push_back(static_cast<std::uint16_t>(b[2] << 8 | b[3]));
      return true;
    }
    if (group.empty() || group.size() > 4) return false;
    unsigned value = 0;
    for (char c : group) {
      if (!is_hex(c)) return false;
      value = value * 16 + static_cast<unsigned>(hex_value(c));
    }
    out.push_back(static_cast<std::uint16_t>(value));
    if (colon == std::string_view::npos) return true;
    s.remove_prefix(colon + 1);
  }
}

// The literal between the brackets, in RFC 5952 form: lower-case hex
// without leading zeros, the longest run (the first of equals) of two or
// more zero groups as "::". No zone ids (not for a remote host) and no
// IPvFuture.
std::optional<std::string> ipv6_literal(std::string_view s) {
  std::vector<std::uint16_t> head, tail;
  const std::size_t gap = s.find("::");
  if (gap == std::string_view::npos) {
    if (!ipv6_groups(s, true, head) || head.size() != 8) return std::nullopt;
  } else {
    if (s.find("::", gap + 1) != std::string_view::npos) return std::nullopt;
    if (!ipv6_groups(s.substr(0, gap), false, head) || !ipv6_groups(s.substr(gap + 2), true, tail)) return std::nullopt;
    if (head.size() + tail.size() > 7) return std::nullopt;
    head.resize(8 - tail.size(), 0);
    head.insert(head.end(), tail.begin(), tail.end());
  }
  int best = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && head[static_cast<std::size_t>(j)] == 0) ++j;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j == i ? i + 1 : j;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "[";
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (i > 0 && i != best + best_len) out += ':';
    const unsigned g = head[static_cast<std::size_t>(i)];
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const unsigned digit = (g >> shift) & 0xf;
      if (digit == 0 && !started && shift != 0) continue;
      out += kHex[digit];
      started = true;
    }
  }
  return out + "]";
}

// A DNS name of letter-digit-hyphen labels (IDNs in their xn-- form), or a
// dotted quad; lower-cased. No trailing dot: "a.example." would be a second
// spelling of "a.example".
fhir::Result<std::string> name_host(std::string_view raw) {
  std::string host;
  for (char c : raw) host += lower(c);
  if (host.empty()) return bad("has no host");
  if (host.size() > 253) return bad("host is longer than 253 characters");
  if (ends_in_number(host)) {
    if (!is_dotted_quad(host)) return bad("host must be an IPv4 address as four decimal numbers 0-255");
    return host;
  }
  std::string_view rest = host;
  while (true) {
    const std::size_t dot = rest.find('.');
    const std::string_view label = rest.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
      return bad("host must be a DNS name of labels of 1-63 letters, digits and inner hyphens");
    for (char c : label)
      if (!is_alpha(c) && !is_digit(c) && c != '-')
        return bad("host must be a DNS name of letters, digits, hyphens and dots");
    if (dot == std::string_view::npos) return host;
    rest.remove_prefix(dot + 1);
  }
}

// host[:port] without userinfo; port 0 when absent or the default.
fhir::Status parse_authority(std::string_view authority, EndpointUrl& u) {
  if (authority.find('@') != std::string_view::npos)
    return bad("must not hold a user name or password ('@' before the host)");
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("has an unclosed IPv6 literal");
    auto literal = ipv6_literal(authority.substr(1, close - 1));
    if (!literal) return bad("host is not an IPv6 address (zone ids are not accepted)");
    u.host = std::move(*literal);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("has text after the IPv6 literal");
      port = after.substr(1);
      if (port.empty()) return bad("port must be 1-65535");
    }
  } else {
    const std::size_t colon = authority.find(':');
    auto host = name_host(authority.substr(0, colon));
    if (!host) return host.take_issue();
    u.host = std::move(*host);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return bad("port must be 1-65535");
    }
  }
  if (!port.empty()) {
    if (!all_digits(port) || port.size() > 5) return bad("port must be 1-65535");
    int value = 0;
    for (char c : port) value = value * 10 + (c - '0');
    if (value < 1 || value > 65535) return bad("port must be 1-65535");
    u.port = value;
  }
  if ((u.scheme == "https" && u.port == 443) || (u.scheme == "http" && u.port == 80)) u.port = 0;
  return fhir::ok_status();
}

// The path in normal form, segment by segment. A segment that is "." or
// ".." once every escape is decoded and ";params" cut off (Tomcat-style
// servers resolve "..;x") is refused, as are escaped '/', '\' and '%'
// (a receiver decoding twice would see a different path) and controls.
fhir::Result<std::string> normal_path(std::string_view raw) {
  if (raw.empty()) return std::string("/");
  std::string out;
  std::size_t i = 0;
  while (i < raw.size()) {
    // raw[i] is the '/' opening a segment.
    std::size_t end = raw.find('/', i + 1);
    if (end == std::string_view::npos) end = raw.size();
    const std::string_view segment = raw.substr(i + 1, end - i - 1);
    if (segment.empty() && end != raw.size()) return bad("path has an empty segment ('//')");
    std::string decoded;  // in normal form
    std::string plain;    // every escape decoded
    for (std::size_t k = 0; k < segment.size(); ++k) {
      const char c = segment[k];
      if (c == '[' || c == ']') return bad("path must not hold '[' or ']'");
      if (c != '%') {
        decoded += c;
        plain += c;
        continue;
      }
      if (k + 2 >= segment.size() || !is_hex(segment[k + 1]) || !is_hex(segment[k + 2]))
        return bad("has a malformed %-escape");
      const char byte = static_cast<char>(hex_value(segment[k + 1]) * 16 + hex_value(segment[k + 2]));
      k += 2;
      plain += byte;
      const auto ub = static_cast<unsigned char>(byte);
      if (byte == '/' || byte == '\\' || byte == '%' || ub < 0x20 || ub == 0x7f)
        return bad("path must not escape '/', '\\', '%' or control characters");
      if (is_unreserved(byte)) {
        decoded += byte;
        continue;
      }
      static constexpr char kHex[] = "0123456789ABCDEF";
      decoded += '%';
      decoded += kHex[ub >> 4];
      decoded += kHex[ub & 0xf];
    }
    const std::string_view bare = std::string_view(plain).substr(0, plain.find(';'));
    if (bare == "." || bare == "..") return bad("path must not have '.' or '..' segments");
    out += '/';
    out += decoded;
    i = end;
  }
  return out;
}

fhir::Status check_query(std::string_view q) {
  for (std::size_t k = 0; k < q.size(); ++k) {
    if (q[k] == '[' || q[k] == ']') return bad("query must not hold '[' or ']'");
    if (q[k] == '%' && (k + 2 >= q.size() || !is_hex(q[k + 1]) || !is_hex(q[k + 2])))
      return bad("has a malformed %-escape");
  }
  return fhir::ok_status();
}

}  // namespace

std::string EndpointUrl::origin() const {
  std::string out = scheme + "://" + host;
  if (port != 0) out += ":" + std::to_string(port);
  return out;
}

std::string EndpointUrl::text() const {
  std::string out = origin() + path;
  if (!query.empty()) out += "?" + query;
  return out;
}

fhir::Result<EndpointUrl> parse_endpoint_url(std::string_view url, bool allow_query) {
  if (url.empty()) return bad("is empty");
  if (url.size() > kMaxUrl) return bad("is longer than 2048 characters");
  for (char c : url)
    if (!is_url_char(c)) return bad("holds a character a URL may not (space, '\\', non-ASCII, ...)");
  if (url.find('#') != std::string_view::npos) return bad("must not have a fragment ('#')");
  const std::size_t sep = url.find("://");
  EndpointUrl u;
  if (sep != std::string_view::npos)
    for (char c : url.substr(0, sep)) u.scheme += lower(c);
  if (u.scheme != "https" && u.scheme != "http") return bad("must be absolute and start with https://");
  std::string_view rest = url.substr(sep + 3);
  const std::size_t authority_end = rest.find_first_of("/?");
  if (auto st = parse_authority(rest.substr(0, authority_end), u); !st) return st.take_issue();
  rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (u.scheme == "http" && u.host != "127.0.0.1" && u.host != "[::1]" && u.host != "localhost")
    return bad("must start with https:// (http:// only for 127.0.0.1, [::1] and localhost)");
  const std::size_t question = rest.find('?');
  if (question != std::string_view::npos) {
    if (!allow_query) return bad("prefix must not have a query ('?')");
    u.query = std::string(rest.substr(question + 1));
    if (auto st = check_query(u.query); !st) return st.take_issue();
    rest = rest.substr(0, question);
  }
  auto path = normal_path(rest);
  if (!path) return path.take_issue();
  u.path = std::move(*path);
  return u;
}

}  // namespace gateway::forwarding
