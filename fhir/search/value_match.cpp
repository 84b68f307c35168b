#include "fhir/search/value_match.hpp"

#include <cmath>

namespace fhir::search {
namespace {

// |a - b| for any two instants: the true difference is below 2^64, so the
// unsigned subtraction is exact even where the signed one would overflow.
std::uint64_t distance(std::int64_t a, std::int64_t b) {
  auto ua = static_cast<std::uint64_t>(a);
  auto ub = static_cast<std::uint64_t>(b);
  return a >= b ? ua - ub : ub - ua;
}

// Saturating at the open ends, which stored ranges use for "unbounded".
std::int64_t earlier(std::int64_t t, std::int64_t by) { return t < kMinInstant + by ? kMinInstant : t - by; }
std::int64_t later(std::int64_t t, std::int64_t by) { return t > kMaxInstant - by ? kMaxInstant : t + by; }

bool date_eq(const DateValue& v, const DateArg& a) { return a.low <= v.low && v.high <= a.high; }

bool number_eq(double lo, double hi, const NumberArg& a) { return a.low <= lo && hi < a.high; }

// The unit half of a quantity match; the header states the given forms.
// A system without a code ("5|http://unitsofmeasure.org|") is not among
// them: it matches any code of that system.
bool units_match(const QuantityValue& v, const QuantityArg& a) {
  if (a.system && v.system != *a.system) return false;
  if (!a.code) return true;
  if (a.system) return v.code == *a.code;
  return v.code == *a.code || v.unit == *a.code;
}

}  // namespace

// "10% of its distance from now on each side": each end moves out by a
// tenth of that end's own distance from now (R4 search.html: "10% of the
// gap between now and the date"), so a range far in the past widens more
// on its far side.
DateArg approximate_range(const DateArg& arg, std::int64_t now_ms) {
  DateArg out = arg;
  out.low = earlier(arg.low, static_cast<std::int64_t>(distance(now_ms, arg.low) / 10));
  out.high = later(arg.high, static_cast<std::int64_t>(distance(arg.high, now_ms) / 10));
  return out;
}

bool match_date(const DateValue& v, const DateArg& a, std::int64_t now_ms) {
  switch (a.prefix) {
    case Prefix::eq: return date_eq(v, a);
    case Prefix::ne: return !date_eq(v, a);
    case Prefix::gt: return v.high > a.high;
    case Prefix::lt: return v.low < a.low;
    case Prefix::ge: return v.high > a.high || date_eq(v, a);
    case Prefix::le: return v.low < a.low || date_eq(v, a);
    case Prefix::sa: return v.low > a.high;
    case Prefix::eb: return v.high < a.low;
    case Prefix::ap: {
      DateArg w = approximate_range(a, now_ms);
      return v.low <= w.high && v.high >= w.low;
    }
  }
  return false;
}

bool match_quantity(double lo, double hi, const NumberArg& a) {
  const double v = a.value;
  switch (a.prefix) {
    case Prefix::eq: return number_eq(lo, hi, a);
    case Prefix::ne: return !number_eq(lo, hi, a);
    case Prefix::lt: return lo < v;
    case Prefix::le: return lo <= v;
    case Prefix::gt: return hi > v;
    case Prefix::ge: return hi >= v;
    case Prefix::sa: return lo > v;
    case Prefix::eb: return hi < v;
    case Prefix::ap: {
      const double tolerance = std::fabs(v) / 10;
      return lo <= v + tolerance && hi >= v - tolerance;
    }
  }
  return false;
}

bool match_quantity(const QuantityValue& v, const QuantityArg& a) {
  return units_match(v, a) && match_quantity(v.low, v.high, a.number);
}

bool match_string(const StringValue& v, const StringArg& a, Modifier m) {
  switch (m) {
    case Modifier::exact: return v.raw == a.raw;
    case Modifier::contains: return v.normalized.find(a.normalized) != std::string::npos;
    default: return v.normalized.starts_with(a.normalized);
  }
}

bool match_token(const TokenValue& v, const TokenArg& a) {
  if (a.system) {
    bool system_ok = a.system->empty() ? !v.has_system : v.has_system && v.system == *a.system;
    if (!system_ok) return false;
  }
  return !a.code || v.code == *a.code;
}

bool match_of_type(const TokenValue& v, const OfTypeArg& a) {
  return v.type_system == a.type_system && v.type_code == a.type_code && v.code == a.value;
}

// A local ("#id") reference points into the resource itself: it is no
// target a search can name. The version is ignored: R4 matches a
// versioned reference by its resource. An absolute or canonical
// reference matches only its URL: "http://other/Patient/1" is not our
// Patient/1 (the store indexes it by URL alone, index_encoding.hpp).
bool match_reference(const ReferenceValue& v, const ReferenceArg& a) {
  if (v.local) return false;
  if (!a.url.empty() || !v.url.empty()) return v.url == a.url;
  return v.id == a.id && (a.type.empty() || v.type == a.type);
}

bool match_uri(const UriValue& v, const UriArg& a, Modifier m) {
  switch (m) {
    case Modifier::below: return v.uri.starts_with(a.uri);
    case Modifier::above: return a.uri.starts_with(v.uri);
    default: return v.uri == a.uri;
  }
}

}  // namespace fhir::search
