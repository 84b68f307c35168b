// FUZZ_CHECK: an invariant of the code under test. A violation prints what
// broke and aborts, which libFuzzer records as a crash with its input
// (an assert would vanish in NDEBUG builds such as RelWithDebInfo).
#pragma once

#include <cstdio>
#include <cstdlib>

#define CAREBRIDGE_FUZZ_CHECK(cond, what)                                              \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::fprintf(stderr, "%s:%d: invariant broken: %s (%s)\n", __FILE__, __LINE__, \
                   (what), #cond);                                                     \
      std::abort();                                                                    \
    }                                                                                  \
  } while (false)
