#include "profiles/primitive_format.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace profiles {
namespace {

using Kind = PrimitiveKind;

// The schema's patterns use ECMAScript \s. We apply it to ASCII only:
// Unicode spaces such as U+00A0 are common in pasted names and addresses,
// and the spec's own regexes (XSD/Java flavour) accept them.
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }

// R4 datatypes.html: "Strings SHALL NOT exceed 1MB (1024*1024 characters)".
constexpr std::size_t kMaxStringChars = 1024 * 1024;

bool within_string_limit(std::string_view s) {
  if (s.size() <= kMaxStringChars) return true;  // bytes >= characters
  std::size_t chars = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;  // skip UTF-8 continuation bytes
  return chars <= kMaxStringChars;
}

// string, markdown: ^[ \r\n\t\S]+$ (so no vertical tab or form feed).
FormatProblem check_string(std::string_view s) {
  for (char c : s)
    if (c == '\v' || c == '\f') return FormatProblem::bad_format;
  return within_string_limit(s) ? FormatProblem::none : FormatProblem::too_long;
}

// code: ^[^\s]+(\s[^\s]+)*$ : no leading, trailing or doubled whitespace.
bool is_code(std::string_view s) {
  bool prev_space = true;  // treats the start like whitespace: no leading space
  for (char c : s) {
    bool sp = is_space(c);
    if (sp && prev_space) return false;
    prev_space = sp;
  }
  return !prev_space;
}

// id: ^[A-Za-z0-9\-\.]{1,64}$
bool is_id(std::string_view s) {
  if (s.size() > 64) return false;
  for (char c : s) {
    bool ok = is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// uri, url, canonical: ^\S*$
bool has_no_space(std::string_view s) {
  for (char c : s)
    if (is_space(c)) return false;
  return true;
}

// oid: ^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$
bool is_oid(std::string_view s) {
  constexpr std::string_view kPrefix = "urn:oid:";
  if (!s.starts_with(kPrefix)) return false;
  s.remove_prefix(kPrefix.size());
  if (s.size() < 3 || s[0] < '0' || s[0] > '2') return false;
  std::size_t i = 1;
  while (i < s.size()) {
    if (s[i] != '.') return false;
    std::size_t start = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    std::size_t len = i - start;
    if (len == 0 || (len > 1 && s[start] == '0')) return false;
  }
  return true;
}

// uuid: ^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$
bool is_uuid(std::string_view s) {
  constexpr std::string_view kPrefix = "urn:uuid:";
  if (!s.starts_with(kPrefix)) return false;
  s.remove_prefix(kPrefix.size());
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_lower_hex(s[i])) return false;
  }
  return true;
}

// base64Binary (RFC 4648 alphabet; R4 allows whitespace between quads).
// The schema's own inline pattern (\s*([0-9a-zA-Z\+/=]){4}\s*)+ would also
// accept '=' mid-text; we require padding only at the end.
bool is_base64(std::string_view s) {
  static constexpr auto kAlphabet = [] {
    std::array<bool, 256> t{};
    for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<std::size_t>(c)] = true;
    for (int c = 'a'; c <= 'z'; ++c) t[static_cast<std::size_t>(c)] = true;
    for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = true;
    t['+'] = true;
    t['/'] = true;
    return t;
  }();
  std::size_t symbols = 0;
  std::size_t padding = 0;
  for (char c : s) {
    if (is_space(c)) continue;
    if (c == '=') {
      ++padding;
    } else if (padding > 0 || !kAlphabet[static_cast<unsigned char>(c)]) {
      return false;
    }
    ++symbols;
  }
  return symbols > 0 && symbols % 4 == 0 && padding <= 2;
}

// Integer types: ^-?(0|[1-9][0-9]*)$ within R4's 32-bit range.
FormatProblem check_integer(std::string_view s, std::int64_t min) {
  bool negative = !s.empty() && s[0] == '-';
  std::string_view digits = negative ? s.substr(1) : s;
  if (digits.empty() || (digits.size() > 1 && digits[0] == '0')) return FormatProblem::bad_format;
  for (char c : digits)
    if (!is_digit(c)) return FormatProblem::bad_format;
  if (digits.size() > 10) return FormatProblem::out_of_range;
  std::int64_t v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  if (negative) v = -v;
  if (v < min || v > 2147483647) return FormatProblem::out_of_range;
  return FormatProblem::none;
}

// decimal: ^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$ (JSON's grammar).
bool is_decimal(std::string_view s) {
  std::size_t i = 0;
  auto run = [&] {
    std::size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    return i - start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  std::size_t int_start = i;
  std::size_t n = run();
  if (n == 0 || (n > 1 && s[int_start] == '0')) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (run() == 0) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (run() == 0) return false;
  }
  return i == s.size();
}

// Reads exactly n digits at s[pos] into out, advancing pos.
bool read_digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t k = 0; k < n; ++k) {
    char c = s[pos + k];
    if (!is_digit(c)) return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool read_char(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

int days_in_month(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

enum class DatePrecision { none, year, month, day };

// YYYY, YYYY-MM or YYYY-MM-DD at s[pos]: year 0001-9999 (the schema has no
// year 0), month 01-12, and a day that exists in that month of that year.
DatePrecision read_date(std::string_view s, std::size_t& pos) {
  int year = 0, month = 0, day = 0;
  if (!read_digits(s, pos, 4, year) || year == 0) return DatePrecision::none;
  if (pos == s.size() || s[pos] == 'T') return DatePrecision::year;
  if (!read_char(s, pos, '-') || !read_digits(s, pos, 2, month) || month < 1 || month > 12)
    return DatePrecision::none;
  if (pos == s.size() || s[pos] == 'T') return DatePrecision::month;
  if (!read_char(s, pos, '-') || !read_digits(s, pos, 2, day) || day < 1 ||
      day > days_in_month(year, month))
    return DatePrecision::none;
  return DatePrecision::day;
}

// hh:mm:ss(.f+)? with hh 00-23, mm 00-59, ss 00-60 (60: a leap second).
bool read_time(std::string_view s, std::size_t& pos) {
  int h = 0, m = 0, sec = 0;
  if (!read_digits(s, pos, 2, h) || h > 23 || !read_char(s, pos, ':') ||
      !read_digits(s, pos, 2, m) || m > 59 || !read_char(s, pos, ':') ||
      !read_digits(s, pos, 2, sec) || sec > 60)
    return false;
  if (pos < s.size() && s[pos] == '.') {
    std::size_t start = ++pos;
    while (pos < s.size() && is_digit(s[pos])) ++pos;
    if (pos == start) return false;
  }
  return true;
}

// Z, or +hh:mm / -hh:mm from 00:00 to 14:00.
bool read_zone(std::string_view s, std::size_t& pos) {
  if (read_char(s, pos, 'Z')) return true;
  if (!read_char(s, pos, '+') && !read_char(s, pos, '-')) return false;
  int h = 0, m = 0;
  if (!read_digits(s, pos, 2, h) || !read_char(s, pos, ':') || !read_digits(s, pos, 2, m))
    return false;
  return (h <= 13 && m <= 59) || (h == 14 && m == 0);
}

bool is_date(std::string_view s) {
  std::size_t pos = 0;
  return read_date(s, pos) != DatePrecision::none && pos == s.size();
}

// A time is allowed only after a full date, and then needs a zone.
bool is_date_time(std::string_view s) {
  std::size_t pos = 0;
  DatePrecision p = read_date(s, pos);
  if (p == DatePrecision::none) return false;
  if (pos == s.size()) return true;
  return p == DatePrecision::day && read_char(s, pos, 'T') && read_time(s, pos) &&
         read_zone(s, pos) && pos == s.size();
}

bool is_instant(std::string_view s) {
  std::size_t pos = 0;
  return read_date(s, pos) == DatePrecision::day && read_char(s, pos, 'T') &&
         read_time(s, pos) && read_zone(s, pos) && pos == s.size();
}

bool is_time(std::string_view s) {
  std::size_t pos = 0;
  return read_time(s, pos) && pos == s.size();
}

FormatProblem bad_unless(bool ok) { return ok ? FormatProblem::none : FormatProblem::bad_format; }

}  // namespace

FormatProblem check_primitive_text(PrimitiveKind kind, std::string_view text) {
  if (text.empty()) return FormatProblem::empty;
  switch (kind) {
    case Kind::boolean: return bad_unless(text == "true" || text == "false");
    case Kind::integer: return check_integer(text, -2147483648LL);
    case Kind::positive_int: return text[0] == '-' ? FormatProblem::bad_format : check_integer(text, 1);
    case Kind::unsigned_int: return text[0] == '-' ? FormatProblem::bad_format : check_integer(text, 0);
    case Kind::decimal: return bad_unless(is_decimal(text));
    case Kind::string:
    case Kind::markdown: return check_string(text);
    case Kind::code: return is_code(text) ? check_string(text) : FormatProblem::bad_format;
    case Kind::id: return bad_unless(is_id(text));
    case Kind::uri:
    case Kind::url:
    case Kind::canonical: return has_no_space(text) ? check_string(text) : FormatProblem::bad_format;
    case Kind::oid: return bad_unless(is_oid(text));
    case Kind::uuid: return bad_unless(is_uuid(text));
    case Kind::base64_binary: return bad_unless(is_base64(text));
    case Kind::instant: return bad_unless(is_instant(text));
    case Kind::date: return bad_unless(is_date(text));
    case Kind::date_time: return bad_unless(is_date_time(text));
    case Kind::time: return bad_unless(is_time(text));
    case Kind::xhtml: return FormatProblem::none;  // the schema gives xhtml no pattern
  }
  return FormatProblem::bad_format;
}

FormatProblem check_primitive(PrimitiveKind kind, const fhir::json::Value& value) {
  switch (json_scalar_of(kind)) {
    case JsonScalar::boolean:
      return value.is_bool() ? FormatProblem::none : FormatProblem::wrong_json_type;
    case JsonScalar::number:
      if (!value.is_number()) return FormatProblem::wrong_json_type;
      break;
    case JsonScalar::string:
      if (!value.is_string()) return FormatProblem::wrong_json_type;
      break;
  }
  return check_primitive_text(kind, value.text());
}

std::string_view expected_form(PrimitiveKind kind) {
  switch (kind) {
    case Kind::boolean: return "a JSON boolean (true or false)";
    case Kind::integer: return "a JSON number that is a whole number from -2147483648 to 2147483647";
    case Kind::positive_int: return "a JSON number that is a whole number from 1 to 2147483647";
    case Kind::unsigned_int: return "a JSON number that is a whole number from 0 to 2147483647";
    case Kind::decimal: return "a JSON number";
    case Kind::string:
    case Kind::markdown: return "a non-empty JSON string of at most 1 MB without vertical tabs or form feeds";
    case Kind::code: return "a non-empty JSON string without leading, trailing or repeated whitespace";
    case Kind::id: return "a JSON string of 1 to 64 letters, digits, '-' or '.'";
    case Kind::uri:
    case Kind::url:
    case Kind::canonical: return "a non-empty JSON string without whitespace";
    case Kind::oid: return "a JSON string of the form urn:oid: followed by dotted numbers";
    case Kind::uuid: return "a JSON string of the form urn:uuid: followed by a lower-case UUID";
    case Kind::base64_binary: return "a JSON string of base64 text (RFC 4648, padded)";
    case Kind::instant:
      return "a JSON string with a real calendar date, a time to the second and a time zone "
             "(YYYY-MM-DDThh:mm:ss[.fff] then Z or +hh:mm)";
    case Kind::date: return "a JSON string with a real calendar date as YYYY, YYYY-MM or YYYY-MM-DD";
    case Kind::date_time:
      return "a JSON string with a real calendar date as YYYY, YYYY-MM or YYYY-MM-DD, optionally "
             "followed by Thh:mm:ss[.fff] and a time zone (Z or +hh:mm)";
    case Kind::time: return "a JSON string with a time of day as hh:mm:ss[.fff]";
    case Kind::xhtml: return "a non-empty JSON string of XHTML";
  }
  return "a valid value";
}

}  // namespace profiles
