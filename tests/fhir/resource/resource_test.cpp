#include <gtest/gtest.h>

#include "fhir/core/id_generator.hpp"
#include "fhir/resource/resource.hpp"

namespace fhir {
namespace {

TEST(ResourceTest, StampsMetaKeepingOtherElements) {
  auto r = Resource::parse(R"({"resourceType":"Patient","meta":{"profile":["p"],"versionId":"9"},"active":true})");
  ASSERT_TRUE(r.ok());
  r->set_id("abc");
  r->stamp_version(2, "2025-01-01T00:00:00.000Z");
  EXPECT_EQ(r->to_json(),
            R"({"resourceType":"Patient","id":"abc","meta":{"versionId":"2","lastUpdated":"2025-01-01T00:00:00.000Z","profile":["p"]},"active":true})");
}

TEST(ResourceTest, AddsMetaAfterId) {
  auto r = Resource::parse(R"({"resourceType":"Patient","id":"x","active":true})");
  r->stamp_version(1, "t");
  EXPECT_EQ(r->to_json(), R"({"resourceType":"Patient","id":"x","meta":{"versionId":"1","lastUpdated":"t"},"active":true})");
}

TEST(ResourceTest, RefusesNonResources) {
  for (const char* bad : {"[]", R"({"id":"x"})", R"({"resourceType":1})", R"({"resourceType":"Patient","id":5})"}) {
    auto r = Resource::parse(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.issue().http_status, 400);
  }
}

TEST(ResourceTest, IdRules) {
  EXPECT_TRUE(is_valid_id("a-B.9"));
  EXPECT_TRUE(is_valid_id(std::string(64, 'a')));
  EXPECT_FALSE(is_valid_id(std::string(65, 'a')));
  EXPECT_FALSE(is_valid_id(""));
  EXPECT_FALSE(is_valid_id("a_b"));
  EXPECT_FALSE(is_valid_id("a/b"));
  std::string id = new_resource_id();
  EXPECT_EQ(id.size(), 36u);
  EXPECT_TRUE(is_valid_id(id));
  EXPECT_NE(id, new_resource_id());
}

}  // namespace
}  // namespace fhir
