#include <gtest/gtest.h>

#include "fhir/json/parse.hpp"
#include "fhir/json/write.hpp"

namespace fhir::json {
namespace {

TEST(JsonTest, RoundTripsExactNumberTextOrderAndUnicode) {
  std::string text = R"({"b":1.50,"a":[200.00,-0.0,1e3,12345678901234567890],"c":"Größe \u00e9 🩺","d":null,"e":true})";
  auto v = parse(text);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->members()[0].first, "b");
  EXPECT_EQ(v->find("b")->text(), "1.50");
  EXPECT_EQ(write(*v), R"({"b":1.50,"a":[200.00,-0.0,1e3,12345678901234567890],"c":"Größe é 🩺","d":null,"e":true})");
}

TEST(JsonTest, EscapesControlCharactersAndQuotes) {
  auto v = parse(R"({"s":"a\"b\\c\n\u0001"})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(write(*v), R"({"s":"a\"b\\c\n\u0001"})");
}

TEST(JsonTest, RefusesMalformedInput) {
  for (const char* bad : {"", "{", R"({"a":1,})", R"({"a":1}x)", R"({"a":1,"a":2})", "{\"a\":\"\xff\"}",
                          R"({"a":01})", R"([1,2)"}) {
    auto v = parse(bad);
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_EQ(v.issue().http_status, 400);
    EXPECT_EQ(v.issue().code, "structure");
  }
}

// fuzz/json_parse_fuzzer: RapidJSON decoded a lone low-surrogate escape to
// bytes that are not UTF-8, so the value printed as JSON that no parser
// (ours included) accepted back.
TEST(JsonTest, RefusesLoneSurrogateEscapes) {
  for (const char* bad : {R"({"url":"/AllergyIntolerance?patient=example&_list=$curre\udc00ergies"})",
                          R"({"\udfff":1})", R"(["\ud800x"])", R"(["\ud800\u0041"])"}) {
    auto v = parse(bad);
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_EQ(v.issue().http_status, 400);
    EXPECT_EQ(v.issue().code, "structure");
  }
  // A surrogate pair is one code point and round-trips.
  auto pair = parse(R"(["\ud83e\ude7a"])");
  ASSERT_TRUE(pair.ok());
  EXPECT_EQ(write(*pair), "[\"\xF0\x9F\xA9\xBA\"]");
  EXPECT_TRUE(parse(write(*pair)).ok());
}

TEST(JsonTest, CapsNestingDepth) {
  std::string deep(10000, '[');
  auto v = parse(deep);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.issue().diagnostics.find("nesting"), std::string::npos);
}

TEST(JsonTest, SetKeepsPlaceInsertAtPositions) {
  auto v = parse(R"({"a":1,"b":2})");
  v->set("a", Value::make_number("3"));
  v->insert_at(1, "x", Value::make_bool(true));
  EXPECT_EQ(write(*v), R"({"a":3,"x":true,"b":2})");
  EXPECT_TRUE(v->erase("x"));
  EXPECT_FALSE(v->erase("x"));
}

}  // namespace
}  // namespace fhir::json
