#include <gtest/gtest.h>

#include "fhir/search/query_number.hpp"

namespace fhir::search {
namespace {

TEST(QueryNumberTest, SplitsEachOfTheNinePrefixes) {
  const std::pair<const char*, Prefix> cases[] = {{"eq", Prefix::eq}, {"ne", Prefix::ne}, {"lt", Prefix::lt},
                                                  {"gt", Prefix::gt}, {"le", Prefix::le}, {"ge", Prefix::ge},
                                                  {"sa", Prefix::sa}, {"eb", Prefix::eb}, {"ap", Prefix::ap}};
  for (const auto& [code, prefix] : cases) {
    const std::string text = std::string(code) + "100";  // p->rest views it
    auto p = split_prefix(text);
    ASSERT_TRUE(p) << code;
    EXPECT_EQ(p->prefix, prefix);
    EXPECT_EQ(p->rest, "100");
    EXPECT_EQ(prefix_code(prefix), code);
  }
  auto none = split_prefix("2013-01-14");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->prefix, Prefix::eq);
  EXPECT_EQ(none->rest, "2013-01-14");
  auto negative = split_prefix("-5");
  ASSERT_TRUE(negative);
  EXPECT_EQ(negative->rest, "-5");
}

TEST(QueryNumberTest, RefusesLettersThatAreNoPrefix) {
  for (const char* bad : {"xx100", "GE100", "g100", "e5"}) EXPECT_FALSE(split_prefix(bad)) << bad;
}

// R4 search.html "number": the precision written is part of the value.
TEST(QueryNumberTest, ImplicitRangeIsHalfAUnitOfTheLastDigit) {
  struct Case {
    const char* text;
    double value, low, high;
  };
  const Case cases[] = {
      {"100", 100, 99.5, 100.5},         // R4: 3 significant figures
      {"100.00", 100, 99.995, 100.005},  // R4: 5 significant figures
      {"1e2", 100, 50, 150},             // one significant figure (R4's wording; see query_number.hpp)
      {"1.5e2", 150, 145, 155},
      {"2.0", 2, 1.95, 2.05},
      {"-3.2", -3.2, -3.25, -3.15},
      {"0", 0, -0.5, 0.5},
      {"1E-2", 0.01, 0.005, 0.015},
      {"007", 7, 6.5, 7.5},
  };
  for (const auto& c : cases) {
    auto n = parse_number(Prefix::eq, c.text);
    ASSERT_TRUE(n) << c.text;
    EXPECT_EQ(n->text, c.text);
    EXPECT_DOUBLE_EQ(n->value, c.value) << c.text;
    EXPECT_NEAR(n->low, c.low, 1e-12) << c.text;
    EXPECT_NEAR(n->high, c.high, 1e-12) << c.text;
  }
  auto gt = parse_number(Prefix::gt, "5.4");
  ASSERT_TRUE(gt);
  EXPECT_EQ(gt->prefix, Prefix::gt);
}

TEST(QueryNumberTest, RefusesWhatIsNoFhirDecimal) {
  for (const char* bad :
       {"", "-", "+1", "1.", ".5", "1e", "1e+", "inf", "nan", "1,5", "0x10", "1 ", "1e99999", "1e400", "--1", "1.2.3"})
    EXPECT_FALSE(parse_number(Prefix::eq, bad)) << bad;
}

}  // namespace
}  // namespace fhir::search
