#include <gtest/gtest.h>

#include <cmath>

#include "fhir/json/parse.hpp"
#include "fhir/search/quantity_values.hpp"

namespace fhir::search {
namespace {

std::vector<QuantityValue> quantities_of(const char* json, std::string_view type = {}, bool expect_ok = true) {
  auto v = json::parse(json);
  EXPECT_TRUE(v.ok()) << json;
  std::vector<QuantityValue> out;
  EXPECT_EQ(append_quantity_values(fhirpath::Node{&*v, type, false}, out), expect_ok) << json;
  return out;
}

TEST(QuantityValuesTest, QuantityKeepsExactDecimalAndUnits) {
  auto q = quantities_of(R"({"value":185.50,"unit":"lbs","system":"http://unitsofmeasure.org","code":"[lb_av]"})");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].text, "185.50");
  EXPECT_DOUBLE_EQ(q[0].low, 185.5);
  EXPECT_DOUBLE_EQ(q[0].high, 185.5);
  EXPECT_EQ(q[0].system, "http://unitsofmeasure.org");
  EXPECT_EQ(q[0].code, "[lb_av]");
  EXPECT_EQ(q[0].unit, "lbs");
}

TEST(QuantityValuesTest, ComparatorOpensABound) {
  auto q = quantities_of(R"({"value":5,"comparator":"<"})", "Quantity");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_TRUE(std::isinf(q[0].low) && q[0].low < 0);
  EXPECT_DOUBLE_EQ(q[0].high, 5);
  auto g = quantities_of(R"({"value":5,"comparator":">="})", "Age");
  ASSERT_EQ(g.size(), 1u);
  EXPECT_TRUE(std::isinf(g[0].high));
}

TEST(QuantityValuesTest, MoneyUsesIso4217) {
  auto q = quantities_of(R"({"value":12.5,"currency":"EUR"})", "Money");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].system, "urn:iso:std:iso:4217");
  EXPECT_EQ(q[0].code, "EUR");
}

TEST(QuantityValuesTest, RangeSpansLowToHigh) {
  auto r = quantities_of(R"({"low":{"value":1,"unit":"a","code":"a"},"high":{"value":5,"unit":"a"}})");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].text, "");
  EXPECT_DOUBLE_EQ(r[0].low, 1);
  EXPECT_DOUBLE_EQ(r[0].high, 5);
  EXPECT_EQ(r[0].code, "a");
  auto open = quantities_of(R"({"high":{"value":5}})", "Range");
  ASSERT_EQ(open.size(), 1u);
  EXPECT_TRUE(std::isinf(open[0].low));
}

TEST(QuantityValuesTest, OtherNodes) {
  EXPECT_TRUE(quantities_of(R"({"origin":{"value":0},"period":1,"dimensions":1,"data":"1 2"})", "SampledData").empty());
  EXPECT_TRUE(quantities_of(R"({"unit":"mg"})", "Quantity").empty());
  EXPECT_TRUE(quantities_of(R"("5 mg")").empty());
  EXPECT_TRUE(quantities_of(R"({"value":"5"})", "Quantity", false).empty());
}

TEST(QuantityValuesTest, Numbers) {
  auto v = json::parse("0.0100");
  std::vector<NumberValue> out;
  EXPECT_TRUE(append_number_values(fhirpath::Node{&*v, {}, false}, out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].text, "0.0100");
  EXPECT_DOUBLE_EQ(out[0].value, 0.01);
  EXPECT_FALSE(parse_decimal("1.5x").has_value());
  EXPECT_EQ(parse_decimal("-2e3"), -2000.0);
}

}  // namespace
}  // namespace fhir::search
