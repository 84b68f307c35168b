#include <gtest/gtest.h>

#include "fhir/core/instant.hpp"
#include "fhir/search/date_range.hpp"

namespace fhir::search {
namespace {

std::int64_t at(const char* instant) { return *parse_instant(instant); }

void expect_range(const char* text, const char* low, const char* high_exclusive) {
  auto r = parse_date_range(text);
  ASSERT_TRUE(r.has_value()) << text;
  EXPECT_EQ(r->low, at(low)) << text;
  EXPECT_EQ(r->high, at(high_exclusive) - 1) << text;
}

TEST(DateRangeTest, EachPrecisionCoversItsWholeSpan) {
  expect_range("2021", "2021-01-01T00:00:00Z", "2022-01-01T00:00:00Z");
  expect_range("2021-03", "2021-03-01T00:00:00Z", "2021-04-01T00:00:00Z");
  expect_range("2020-02", "2020-02-01T00:00:00Z", "2020-03-01T00:00:00Z");
  expect_range("2021-12-31", "2021-12-31T00:00:00Z", "2022-01-01T00:00:00Z");
  expect_range("2021-03-04T10:20:30Z", "2021-03-04T10:20:30Z", "2021-03-04T10:20:31Z");
  expect_range("2021-03-04T10:20:30.5Z", "2021-03-04T10:20:30.500Z", "2021-03-04T10:20:30.600Z");
  expect_range("2021-03-04T10:20:30.12Z", "2021-03-04T10:20:30.120Z", "2021-03-04T10:20:30.130Z");
  expect_range("2021-03-04T10:20:30.123456Z", "2021-03-04T10:20:30.123Z", "2021-03-04T10:20:30.124Z");
  expect_range("2021-03-04T10:20Z", "2021-03-04T10:20:00Z", "2021-03-04T10:21:00Z");
}

TEST(DateRangeTest, TimeZones) {
  expect_range("2021-03-04T10:20:30+01:00", "2021-03-04T09:20:30Z", "2021-03-04T09:20:31Z");
  expect_range("2021-03-04T23:30:00-05:30", "2021-03-05T05:00:00Z", "2021-03-05T05:00:01Z");
  // No zone: UTC, by our choice.
  expect_range("2021-03-04T10:20:30", "2021-03-04T10:20:30Z", "2021-03-04T10:20:31Z");
}

TEST(DateRangeTest, Extremes) {
  expect_range("1899-12-31", "1899-12-31T00:00:00Z", "1900-01-01T00:00:00Z");
  expect_range("2000-02-29", "2000-02-29T00:00:00Z", "2000-03-01T00:00:00Z");
}

TEST(DateRangeTest, RefusesWhatIsNoDate) {
  for (const char* bad : {"", "21", "2021-13", "2021-00", "2021-02-29", "2021-04-31", "2021-03-04T25:00:00Z",
                          "2021-03-04T10:20:30.Z", "2021-03-04T10:20:30+1", "2021-03-04 10:20:30Z",
                          "2021-03-04T10:20:30Zjunk", "yesterday", "2021/03/04"})
    EXPECT_FALSE(parse_date_range(bad).has_value()) << bad;
}

}  // namespace
}  // namespace fhir::search
