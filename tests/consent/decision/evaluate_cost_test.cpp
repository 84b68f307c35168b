// The common path (a patient with no consents, N-labelled data) runs per
// candidate row inside queries: it must not allocate. Counted with a
// replaced global operator new that only counts while a test asks it to.
#include <cstdlib>
#include <functional>
#include <new>

#include "tests/consent/decision/decision_fixture.hpp"

namespace {
thread_local bool g_counting = false;
thread_local long g_allocations = 0;
}  // namespace

void* operator new(std::size_t n) {
  if (g_counting) ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace consent::test {
namespace {

long allocations_of(const std::function<void()>& f) {
  g_allocations = 0;
  g_counting = true;
  f();
  g_counting = false;
  return g_allocations;
}

TEST(EvaluateCostTest, TheNoConsentPathAllocatesNothing) {
  const DecisionEngine& e = engine();
  Requester r = partner("Organization/a", "COC");
  ResourceFacts f = facts("Observation", "o1", {"p1"});
  ResourceFacts sensitive = facts("Condition", "c1", {"p1"}, part2());
  EmptyDirectory dir;
  std::vector<const CompiledConsent*> none;
  CompiledConsent out = r4_consent("consent-example-Out");  // about f001: skipped for p1
  std::vector<const CompiledConsent*> other_patient = {&out};
  Verdict v;
  EXPECT_EQ(allocations_of([&] {
              v = e.evaluate(r, f, none, dir, kNow);
              v = e.evaluate(r, sensitive, none, dir, kNow);
              v = e.evaluate(r, f, other_patient, dir, kNow);
            }),
            0);
  EXPECT_EQ(v.effect, Effect::permit);
  // A consent without actor criteria is evaluated without allocating too.
  CompiledConsent optin = compile(
      consent_json("c", "OPTIN", R"({"provision": [{"type": "deny", "securityLabel": [)" + act_label("PSY") + "]}]}"));
  std::vector<const CompiledConsent*> one = {&optin};
  EXPECT_EQ(allocations_of([&] { v = e.evaluate(r, f, one, dir, kNow); }), 0);
  EXPECT_EQ(v.consent, &optin);
}

}  // namespace
}  // namespace consent::test
