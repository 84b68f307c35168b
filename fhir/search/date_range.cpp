#include "fhir/search/date_range.hpp"

#include <cstdint>

namespace fhir::search {
namespace {

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool is_leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool done() const { return i_ == s_.size(); }
  bool take(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  // Exactly n digits.
  bool digits(int n, int& out) {
    out = 0;
    for (int k = 0; k < n; ++k, ++i_) {
      if (i_ >= s_.size() || s_[i_] < '0' || s_[i_] > '9') return false;
      out = out * 10 + (s_[i_] - '0');
    }
    return true;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

std::optional<DateValue> parse_date_range(std::string_view text) {
  Reader r(text);
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  if (!r.digits(4, year)) return std::nullopt;
  std::int64_t days = days_from_civil(year, 1, 1);
  auto year_end = [&] { return days_from_civil(year + 1, 1, 1) * kDay - 1; };
  if (r.done()) return DateValue{days * kDay, year_end()};
  if (!r.take('-') || !r.digits(2, month) || month < 1 || month > 12) return std::nullopt;
  days = days_from_civil(year, static_cast<unsigned>(month), 1);
  if (r.done()) {
    std::int64_t low = days * kDay;
    return DateValue{low, low + days_in_month(year, static_cast<unsigned>(month)) * kDay - 1};
  }
  if (!r.take('-') || !r.digits(2, day) || day < 1 ||
      day > static_cast<int>(days_in_month(year, static_cast<unsigned>(month))))
    return std::nullopt;
  days += day - 1;
  if (r.done()) return DateValue{days * kDay, days * kDay + kDay - 1};

  // A time: seconds are required by R4; minutes alone are accepted so
  // near-miss data still indexes at the precision it has.
  if (!r.take('T') || !r.digits(2, hour) || hour > 23 || !r.take(':') || !r.digits(2, minute) || minute > 59)
    return std::nullopt;
  std::int64_t span = kMinute;
  if (r.take(':')) {
    if (!r.digits(2, second) || second > 60) return std::nullopt;
    span = kSecond;
  }
  std::int64_t ms = 0;
  if (span == kSecond && r.take('.')) {
    // Fraction digits beyond the millisecond do not narrow the range.
    int n = 0, d = 0;
    std::int64_t scale = 100;
    while (r.peek() >= '0' && r.peek() <= '9') {
      r.digits(1, d);
      if (n < 3) ms += d * scale;
      scale /= 10;
      ++n;
    }
    if (n == 0) return std::nullopt;
    span = n == 1 ? 100 : n == 2 ? 10 : 1;
  }
  std::int64_t offset = 0;
  if (r.take('Z')) {
    offset = 0;
  } else if (r.peek() == '+' || r.peek() == '-') {
    bool minus = r.peek() == '-';
    r.take(r.peek());
    int oh = 0, om = 0;
    if (!r.digits(2, oh) || !r.take(':') || !r.digits(2, om) || oh > 14 || om > 59) return std::nullopt;
    offset = (minus ? -1 : 1) * (oh * kHour + om * kMinute);
  }
  if (!r.done()) return std::nullopt;
  std::int64_t low = days * kDay + hour * kHour + minute * kMinute + second * kSecond + ms - offset;
  return DateValue{low, low + span - 1};
}

}  // namespace fhir::search
