#include <gtest/gtest.h>

#include "fhir/json/parse.hpp"
#include "fhir/search/string_values.hpp"

namespace fhir::search {
namespace {

std::vector<std::string> raw_of(const char* json, std::string_view type = {}) {
  auto v = json::parse(json);
  EXPECT_TRUE(v.ok()) << json;
  std::vector<StringValue> out;
  append_string_values(fhirpath::Node{&*v, type, false}, out);
  std::vector<std::string> raws;
  for (const auto& s : out) raws.push_back(s.raw);
  return raws;
}

using V = std::vector<std::string>;

TEST(StringValuesTest, Primitive) {
  auto v = json::parse(R"("Ärzte Zentrum")");
  std::vector<StringValue> out;
  append_string_values(fhirpath::Node{&*v, {}, false}, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].raw, "Ärzte Zentrum");
  EXPECT_EQ(out[0].normalized, "arzte zentrum");
  EXPECT_EQ(raw_of(R"("")"), V{});
}

TEST(StringValuesTest, HumanNameParts) {
  EXPECT_EQ(raw_of(R"({"use":"official","family":"Chalmers","given":["Peter","James"],"prefix":["Mr"],
                       "suffix":["III"],"text":"Peter Chalmers","period":{"end":"2020"}})"),
            (V{"Chalmers", "Peter", "James", "Mr", "III", "Peter Chalmers"}));
  EXPECT_EQ(raw_of(R"({"text":"Only Text"})", "HumanName"), V{"Only Text"});
}

TEST(StringValuesTest, AddressParts) {
  EXPECT_EQ(raw_of(R"({"use":"home","line":["534 Erewhon St","Apt 2"],"city":"PleasantVille","district":"Rainbow",
                       "state":"Vic","postalCode":"3999","country":"AU","text":"534 Erewhon"})"),
            (V{"534 Erewhon St", "Apt 2", "PleasantVille", "Rainbow", "Vic", "3999", "AU", "534 Erewhon"}));
}

TEST(StringValuesTest, OtherNodesGiveNothing) {
  EXPECT_EQ(raw_of(R"({"value":1})", "Quantity"), V{});
  EXPECT_EQ(raw_of("12"), V{});
  EXPECT_EQ(raw_of("true"), V{});
}

}  // namespace
}  // namespace fhir::search
