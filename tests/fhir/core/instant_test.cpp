#include <gtest/gtest.h>

#include "fhir/core/instant.hpp"
#include "fhir/core/query.hpp"

namespace fhir {
namespace {

TEST(InstantTest, FormatsUtcMilliseconds) {
  EXPECT_EQ(format_instant(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_instant(1735689600123), "2025-01-01T00:00:00.123Z");
  EXPECT_EQ(format_http_date(1735689600123), "Wed, 01 Jan 2025 00:00:00 GMT");
}

TEST(InstantTest, ParsesEveryPrecision) {
  EXPECT_EQ(parse_instant("2025"), 1735689600000);
  EXPECT_EQ(parse_instant("2025-01-01T00:00:00Z"), 1735689600000);
  EXPECT_EQ(parse_instant("2025-01-01T01:00:00+01:00"), 1735689600000);
  EXPECT_EQ(parse_instant("2025-01-01T00:00:00.5Z"), 1735689600500);
  EXPECT_FALSE(parse_instant("2025-01-01T00:00:00"));  // time without zone
  EXPECT_FALSE(parse_instant("2025-13"));
  EXPECT_FALSE(parse_instant("yesterday"));
}

TEST(QueryTest, DecodesKeepingOrderAndRepeats) {
  auto q = parse_query("date=ge2020&date=le2021&name=J%C3%BCrgen+X&empty=");
  ASSERT_TRUE(q);
  ASSERT_EQ(q->size(), 4u);
  EXPECT_EQ((*q)[1].second, "le2021");
  EXPECT_EQ((*q)[2].second, "Jürgen X");
  EXPECT_EQ((*q)[3].second, "");
  EXPECT_FALSE(parse_query("a=%zz"));
  EXPECT_FALSE(parse_query("a=%4"));
}

}  // namespace
}  // namespace fhir
