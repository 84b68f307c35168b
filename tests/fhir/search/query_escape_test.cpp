#include <gtest/gtest.h>

#include "fhir/search/query_escape.hpp"

namespace fhir::search {
namespace {

using Pieces = std::vector<std::string_view>;

TEST(QueryEscapeTest, SplitsOnUnescapedSeparatorsOnly) {
  EXPECT_EQ(split_unescaped("a,b,c", ','), (Pieces{"a", "b", "c"}));
  EXPECT_EQ(split_unescaped("a\\,b,c", ','), (Pieces{"a\\,b", "c"}));
  EXPECT_EQ(split_unescaped("sys|code$gt5", '$'), (Pieces{"sys|code", "gt5"}));
  EXPECT_EQ(split_unescaped("a\\$b", '$'), (Pieces{"a\\$b"}));
  // An escaped backslash does not escape what follows it.
  EXPECT_EQ(split_unescaped("a\\\\,b", ','), (Pieces{"a\\\\", "b"}));
  EXPECT_EQ(split_unescaped("", ','), (Pieces{""}));
  EXPECT_EQ(split_unescaped(",", ','), (Pieces{"", ""}));
  EXPECT_EQ(split_unescaped("x|", '|'), (Pieces{"x", ""}));
}

TEST(QueryEscapeTest, UnescapesTheFourR4Escapes) {
  EXPECT_EQ(unescape_value("a\\,b\\$c\\|d\\\\e"), "a,b$c|d\\e");
  // Other backslashes are data.
  EXPECT_EQ(unescape_value("C:\\x"), "C:\\x");
  EXPECT_EQ(unescape_value("end\\"), "end\\");
  EXPECT_EQ(unescape_value("plain"), "plain");
}

}  // namespace
}  // namespace fhir::search
