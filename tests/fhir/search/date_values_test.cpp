#include <gtest/gtest.h>

#include "fhir/core/instant.hpp"
#include "fhir/json/parse.hpp"
#include "fhir/search/date_values.hpp"

namespace fhir::search {
namespace {

std::int64_t at(const char* instant) { return *parse_instant(instant); }

std::vector<DateValue> dates_of(const char* json, std::string_view type = {}, bool expect_ok = true) {
  auto v = json::parse(json);
  EXPECT_TRUE(v.ok()) << json;
  std::vector<DateValue> out;
  EXPECT_EQ(append_date_values(fhirpath::Node{&*v, type, false}, out), expect_ok) << json;
  return out;
}

TEST(DateValuesTest, Primitives) {
  auto d = dates_of(R"("2021-03")", "dateTime");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].low, at("2021-03-01T00:00:00Z"));
  EXPECT_EQ(d[0].high, at("2021-04-01T00:00:00Z") - 1);
}

TEST(DateValuesTest, PeriodFromStartOfStartToEndOfEnd) {
  auto d = dates_of(R"({"start":"2021-03-01","end":"2021-03-02"})");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].low, at("2021-03-01T00:00:00Z"));
  EXPECT_EQ(d[0].high, at("2021-03-03T00:00:00Z") - 1);
  auto open = dates_of(R"({"start":"2021"})", "Period");
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].high, kMaxInstant);
  auto open_start = dates_of(R"({"end":"2021"})", "Period");
  ASSERT_EQ(open_start.size(), 1u);
  EXPECT_EQ(open_start[0].low, kMinInstant);
  EXPECT_TRUE(dates_of(R"({})", "Period").empty());
}

TEST(DateValuesTest, TimingByItsOuterLimits) {
  auto d = dates_of(R"({"event":["2021-03-05","2021-01-02T10:00:00Z"],
                        "repeat":{"boundsPeriod":{"start":"2020-12-31","end":"2021-02-01"},"frequency":1}})");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].low, at("2020-12-31T00:00:00Z"));
  EXPECT_EQ(d[0].high, at("2021-03-06T00:00:00Z") - 1);
  EXPECT_TRUE(dates_of(R"({"code":{"text":"BID"}})", "Timing").empty());
}

TEST(DateValuesTest, OtherTypesAreNotDatesAndNotErrors) {
  EXPECT_TRUE(dates_of(R"("about a year ago")", "string").empty());
  EXPECT_TRUE(dates_of(R"({"value":3,"unit":"a"})", "Age").empty());
  EXPECT_TRUE(dates_of("12").empty());
}

TEST(DateValuesTest, MalformedDatesAreReported) {
  EXPECT_TRUE(dates_of(R"("2021-02-30")", "date", false).empty());
  EXPECT_TRUE(dates_of(R"({"start":"soon"})", "Period", false).empty());
  EXPECT_TRUE(dates_of(R"({"event":["2021", 5]})", "Timing", false).empty());
}

}  // namespace
}  // namespace fhir::search
