#include <gtest/gtest.h>

#include "fhir/json/parse.hpp"
#include "fhir/search/token_values.hpp"

namespace fhir::search {
namespace {

struct Got {
  std::vector<std::string> tokens;  // "system|code", or "code" without a system
  std::vector<std::string> texts;
};

Got tokens_of(const char* json, std::string_view type = {}) {
  auto v = json::parse(json);
  EXPECT_TRUE(v.ok()) << json;
  std::vector<TokenValue> out;
  std::vector<StringValue> texts;
  append_token_values(fhirpath::Node{&*v, type, false}, out, texts);
  Got g;
  for (const auto& t : out) g.tokens.push_back(t.has_system ? t.system + "|" + t.code : t.code);
  for (const auto& t : texts) g.texts.push_back(t.normalized);
  return g;
}

using V = std::vector<std::string>;

TEST(TokenValuesTest, Coding) {
  auto g = tokens_of(R"({"system":"http://loinc.org","code":"1-8","display":"Acyclovir"})");
  EXPECT_EQ(g.tokens, V{"http://loinc.org|1-8"});
  EXPECT_EQ(g.texts, V{"acyclovir"});
  EXPECT_EQ(tokens_of(R"({"code":"x"})").tokens, V{"x"}) << "no system: only |x and x match";
}

TEST(TokenValuesTest, CodeableConcept) {
  auto g = tokens_of(R"({"coding":[{"system":"a","code":"1","display":"One"},{"system":"b","code":"2"},
                         {"display":"no code"}],"text":"Über"})");
  EXPECT_EQ(g.tokens, (V{"a|1", "b|2"}));
  EXPECT_EQ(g.texts, (V{"one", "no code", "uber"}));
  EXPECT_EQ(tokens_of(R"({"text":"just text"})").texts, V{"just text"});
}

TEST(TokenValuesTest, Identifier) {
  auto v = json::parse(R"({"use":"usual","type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203",
      "code":"MR"}],"text":"Medical record"},"system":"urn:oid:1.2.36","value":"12345"})");
  std::vector<TokenValue> out;
  std::vector<StringValue> texts;
  append_token_values(fhirpath::Node{&*v, {}, false}, out, texts);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].system, "urn:oid:1.2.36");
  EXPECT_EQ(out[0].code, "12345");
  EXPECT_EQ(out[0].type_system, "http://terminology.hl7.org/CodeSystem/v2-0203");
  EXPECT_EQ(out[0].type_code, "MR");
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_EQ(texts[0].raw, "Medical record");
}

TEST(TokenValuesTest, ContactPointIsItsValue) {
  EXPECT_EQ(tokens_of(R"({"system":"phone","value":"(03) 5555 6473","use":"work"})").tokens, V{"(03) 5555 6473"});
  EXPECT_EQ(tokens_of(R"({"value":"x@y","rank":1})").tokens, V{"x@y"});
}

TEST(TokenValuesTest, Primitives) {
  EXPECT_EQ(tokens_of(R"("final")").tokens, V{"final"});
  EXPECT_EQ(tokens_of("true").tokens, V{"true"});
  EXPECT_EQ(tokens_of("false", "boolean").tokens, V{"false"});
  EXPECT_EQ(tokens_of(R"("")").tokens, V{});
}

TEST(TokenValuesTest, OtherNodesGiveNothing) {
  EXPECT_EQ(tokens_of(R"({"value":1,"code":"mg"})", "Quantity").tokens, V{});
  EXPECT_EQ(tokens_of(R"({"low":{"value":1}})", "Range").tokens, V{});
}

}  // namespace
}  // namespace fhir::search
