// decide() is const and keeps no state: threads deciding at once get the
// answers one thread gets (run under the TSan build to check the claim).
#include <thread>

#include "tests/consent/decision/decision_fixture.hpp"

namespace consent::test {
namespace {

TEST(ConcurrentDecideTest, ThreadsAgreeWithOneThread) {
  const DecisionEngine& e = engine();
  CompiledConsent not_org = r4_consent("consent-example-notOrg");
  CompiledConsent pkb = r4_consent("consent-example-pkb");
  std::vector<const CompiledConsent*> consents = {&not_org, &pkb};
  std::vector<Requester> requesters = {partner("Organization/f001"), partner("Organization/x", "HMARKT"),
                                       partner("Organization/x", "ETREAT")};
  std::vector<ResourceFacts> resources = {facts("Observation", "o", {"f001"}),
                                          facts("Condition", "c", {"f001"}, part2()),
                                          facts("Observation", "o", {"example", "f001"})};
  std::vector<Effect> expected;
  for (const auto& r : requesters)
    for (const auto& f : resources) expected.push_back(e.decide(r, f, consents, EmptyDirectory(), kNow).effect);

  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      EmptyDirectory dir;
      for (int round = 0; round < 500; ++round) {
        std::size_t i = 0;
        for (const auto& r : requesters)
          for (const auto& f : resources)
            if (e.decide(r, f, consents, dir, kNow).effect != expected[i++]) ++mismatches[t];
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
  EXPECT_EQ(expected[0], Effect::deny);    // notOrg denies Org/f001
  EXPECT_EQ(expected[7], Effect::permit);  // ETREAT opens Part 2
}

}  // namespace
}  // namespace consent::test
