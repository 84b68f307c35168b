#include "fhir/core/instant.hpp"

#include <cstdio>
#include <ctime>

namespace fhir {
namespace {

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's
// days_from_civil), so we never depend on the process time zone.
std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  int y;
  unsigned m, d;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + static_cast<int>(era) * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::string format_instant(std::int64_t epoch_ms) {
  std::int64_t days = epoch_ms >= 0 ? epoch_ms / 86400000 : (epoch_ms - 86399999) / 86400000;
  std::int64_t rem = epoch_ms - days * 86400000;
  Civil c = civil_from_days(days);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", c.y, c.m, c.d,
                static_cast<int>(rem / 3600000), static_cast<int>(rem / 60000 % 60),
                static_cast<int>(rem / 1000 % 60), static_cast<int>(rem % 1000));
  return buf;
}

std::string format_http_date(std::int64_t epoch_ms) {
  static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::int64_t secs = epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000;
  std::int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  std::int64_t rem = secs - days * 86400;
  Civil c = civil_from_days(days);
  int wd = static_cast<int>(((days % 7) + 7) % 7);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d GMT", kDays[wd], c.d,
                kMonths[c.m - 1], c.y, static_cast<int>(rem / 3600),
                static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  return buf;
}

std::optional<std::int64_t> parse_instant(std::string_view s) {
  int y = 0, mo = 1, d = 1, h = 0, mi = 0, sec = 0, ms = 0;
  if (!digits(s, 0, 4, y)) return std::nullopt;
  std::size_t pos = 4;
  if (pos < s.size() && s[pos] == '-') {
    if (!digits(s, pos + 1, 2, mo) || mo < 1 || mo > 12) return std::nullopt;
    pos += 3;
    if (pos < s.size() && s[pos] == '-') {
      if (!digits(s, pos + 1, 2, d) || d < 1 || d > 31) return std::nullopt;
      pos += 3;
    }
  }
  std::int64_t offset_min = 0;
  if (pos < s.size() && s[pos] == 'T') {
    if (!digits(s, pos + 1, 2, h) || s.size() < pos + 6 || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, mi))
      return std::nullopt;
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (!digits(s, pos + 1, 2, sec)) return std::nullopt;
      pos += 3;
      if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int scale = 100;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          ms += (s[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
      }
    }
    if (h > 24 || mi > 59 || sec > 60) return std::nullopt;
    if (pos >= s.size()) return std::nullopt;  // a time needs a zone
    if (s[pos] == 'Z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int oh = 0, om = 0;
      if (!digits(s, pos + 1, 2, oh) || s.size() < pos + 6 || s[pos + 3] != ':' ||
          !digits(s, pos + 4, 2, om))
        return std::nullopt;
      offset_min = (s[pos] == '-' ? -1 : 1) * (oh * 60 + om);
      pos += 6;
    } else {
      return std::nullopt;
    }
  }
  if (pos != s.size()) return std::nullopt;
  std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi - offset_min) * 60000 + sec * 1000 + ms;
}

}  // namespace fhir
