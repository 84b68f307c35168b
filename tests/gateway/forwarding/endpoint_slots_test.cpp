// The delivery worker's transfer slots (issue 10): a cap per endpoint
// origin and one in all, each slot held until given back.
#include <gtest/gtest.h>

#include "gateway/forwarding/endpoint_slots.hpp"

namespace gateway::forwarding {
namespace {

TEST(EndpointSlotsTest, EachOriginHasItsOwnCap) {
  EndpointSlots slots(2, 10);
  EXPECT_TRUE(slots.try_take("https://a.example"));
  EXPECT_TRUE(slots.try_take("https://a.example"));
  EXPECT_TRUE(slots.full("https://a.example"));
  EXPECT_FALSE(slots.try_take("https://a.example"));
  EXPECT_FALSE(slots.full("https://b.example"));
  EXPECT_TRUE(slots.try_take("https://b.example"));
  slots.give_back("https://a.example");
  EXPECT_FALSE(slots.full("https://a.example"));
  EXPECT_TRUE(slots.try_take("https://a.example"));
  EXPECT_EQ(slots.in_use(), 3u);
}

TEST(EndpointSlotsTest, TheTotalCapBindsEveryOrigin) {
  EndpointSlots slots(4, 2);
  EXPECT_TRUE(slots.try_take("https://a.example"));
  EXPECT_TRUE(slots.try_take("https://b.example"));
  EXPECT_TRUE(slots.full("https://c.example"));
  EXPECT_FALSE(slots.try_take("https://c.example"));
  slots.give_back("https://b.example");
  EXPECT_TRUE(slots.try_take("https://c.example"));
}

TEST(EndpointSlotsTest, GivingBackWhatIsNotHeldChangesNothing) {
  EndpointSlots slots(1, 1);
  slots.give_back("https://a.example");
  EXPECT_EQ(slots.in_use(), 0u);
  EXPECT_TRUE(slots.try_take("https://a.example"));
  slots.give_back("https://b.example");
  EXPECT_EQ(slots.in_use(), 1u);
  EXPECT_FALSE(slots.try_take("https://b.example"));
}

TEST(EndpointSlotsTest, ACapOfZeroIsOne) {
  EndpointSlots slots(0, 0);
  EXPECT_TRUE(slots.try_take("https://a.example"));
  EXPECT_FALSE(slots.try_take("https://a.example"));
}

}  // namespace
}  // namespace gateway::forwarding
