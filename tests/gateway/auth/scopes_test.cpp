// SMART system scopes: v2 ("system/Observation.rs", "system/*.cruds") and
// v1 ("system/*.read", ".write", ".*") parse to per-type permissions; what
// is not a system scope is refused naming it; sets intersect per type and
// through the wildcard; to_string writes the canonical v2 form; and each
// role has its ceiling.
#include "gateway/auth/scopes.hpp"

#include <gtest/gtest.h>

#include <string>

namespace gateway::auth {
namespace {

ScopeSet parsed(std::string_view text) {
  auto s = ScopeSet::parse(text);
  EXPECT_TRUE(s.ok()) << text << ": " << (s.ok() ? "" : s.issue().diagnostics);
  return s.ok() ? *s : ScopeSet();
}

std::string canonical(std::string_view text) { return parsed(text).to_string(); }

constexpr std::uint8_t kRS = kRead | kSearch;
constexpr std::uint8_t kCUD = kCreate | kUpdate | kDelete;

TEST(ScopesTest, V2LettersGrantThemselvesOnTheirType) {
  ScopeSet s = parsed("system/Observation.rs system/Patient.c");
  EXPECT_EQ(s.permissions("Observation"), kRS);
  EXPECT_EQ(s.permissions("Patient"), kCreate);
  EXPECT_EQ(s.permissions("Encounter"), 0);
  EXPECT_TRUE(s.allows("Observation", kRead));
  EXPECT_TRUE(s.allows("Observation", kSearch));
  EXPECT_FALSE(s.allows("Observation", kCreate));
  EXPECT_FALSE(s.allows("Patient", kRead));
  EXPECT_FALSE(s.empty());
  EXPECT_EQ(parsed("system/Patient.cruds").permissions("Patient"), kAllPermissions);
  // Each letter alone.
  EXPECT_EQ(parsed("system/Patient.c").permissions("Patient"), kCreate);
  EXPECT_EQ(parsed("system/Patient.r").permissions("Patient"), kRead);
  EXPECT_EQ(parsed("system/Patient.u").permissions("Patient"), kUpdate);
  EXPECT_EQ(parsed("system/Patient.d").permissions("Patient"), kDelete);
  EXPECT_EQ(parsed("system/Patient.s").permissions("Patient"), kSearch);
  EXPECT_EQ(parsed("system/Patient.cd").permissions("Patient"), kCreate | kDelete);
}

TEST(ScopesTest, WildcardGrantsOnEveryType) {
  ScopeSet s = parsed("system/*.rs system/AuditEvent.c");
  EXPECT_EQ(s.permissions("Observation"), kRS);
  EXPECT_EQ(s.permissions("AuditEvent"), kRS | kCreate);
  EXPECT_TRUE(s.allows("*", kSearch));
  EXPECT_FALSE(s.allows("*", kCreate));
}

TEST(ScopesTest, V1ScopesMapToV2Letters) {
  EXPECT_EQ(parsed("system/*.read").permissions("Patient"), kRS);
  EXPECT_EQ(parsed("system/*.write").permissions("Patient"), kCUD);
  EXPECT_EQ(parsed("system/*.*").permissions("Patient"), kAllPermissions);
  EXPECT_EQ(parsed("system/Patient.read").permissions("Patient"), kRS);
  EXPECT_EQ(parsed("system/Patient.read").permissions("Observation"), 0);
  EXPECT_EQ(parsed("system/Patient.read system/Patient.write").permissions("Patient"), kAllPermissions);
}

TEST(ScopesTest, RepeatsAndExtraSpacesAddUp) {
  EXPECT_EQ(parsed("  system/Patient.r   system/Patient.s ").permissions("Patient"), kRS);
  EXPECT_EQ(parsed("system/Patient.rs system/Patient.rs").to_string(), "system/Patient.rs");
}

TEST(ScopesTest, EmptyTextIsTheEmptySet) {
  for (std::string_view text : {"", " ", "   "}) {
    ScopeSet s = parsed(text);
    EXPECT_TRUE(s.empty());
    EXPECT_EQ(s.to_string(), "");
    EXPECT_EQ(s.permissions("Patient"), 0);
  }
}

TEST(ScopesTest, WhatIsNotASystemScopeIsRefusedByName) {
  for (std::string_view bad : {
           "patient/*.read",            // other contexts are for apps acting for a person
           "user/Patient.rs",           //
           "system/Patient.sr",         // v2 letters come in cruds order
           "system/Patient.rr",         // each at most once
           "system/Patient.x",          //
           "system/Patient.",           // no permissions
           "system/Patient",            // no dot
           "system/.rs",                // no type
           "system/patient.rs",         // types are capitalized
           "system/Pat1ent.rs",         // letters only
           "system/Patient.rs?code=x",  // v2 query refinements are not served
           "system/*.readwrite",        //
           "openid",                    //
           "launch",                    //
           "SYSTEM/Patient.rs",         //
       }) {
    SCOPED_TRACE(bad);
    auto s = ScopeSet::parse(std::string("system/Observation.rs ") + std::string(bad));
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.issue().code, "invalid");
    EXPECT_EQ(s.issue().http_status, 400);
    EXPECT_NE(s.issue().diagnostics.find("'" + std::string(bad) + "'"), std::string::npos) << s.issue().diagnostics;
  }
}

TEST(ScopesTest, IntersectionIsPerTypeAndThroughTheWildcard) {
  // Type with type.
  EXPECT_EQ(parsed("system/Patient.cruds").intersect(parsed("system/Patient.rs")).to_string(), "system/Patient.rs");
  EXPECT_TRUE(parsed("system/Patient.cud").intersect(parsed("system/Patient.rs")).empty());
  EXPECT_TRUE(parsed("system/Patient.rs").intersect(parsed("system/Observation.rs")).empty());
  // Wildcard with type: the type's share of the wildcard.
  EXPECT_EQ(parsed("system/*.cruds").intersect(parsed("system/Observation.rs")).to_string(), "system/Observation.rs");
  EXPECT_EQ(parsed("system/Observation.rs").intersect(parsed("system/*.cruds")).to_string(), "system/Observation.rs");
  EXPECT_EQ(parsed("system/*.rs").intersect(parsed("system/Observation.cr")).to_string(), "system/Observation.r");
  // Wildcard with wildcard, and types on top of it.
  EXPECT_EQ(parsed("system/*.cruds").intersect(parsed("system/*.rs")).to_string(), "system/*.rs");
  EXPECT_EQ(parsed("system/*.cruds").intersect(parsed("system/*.r system/Patient.s")).to_string(),
            "system/*.r system/Patient.rs");
  // Symmetric.
  ScopeSet a = parsed("system/*.rs system/AuditEvent.c system/Patient.cu");
  ScopeSet b = parsed("system/*.r system/Patient.cruds system/AuditEvent.s");
  EXPECT_EQ(a.intersect(b).to_string(), b.intersect(a).to_string());
  EXPECT_EQ(a.intersect(b).to_string(), "system/*.r system/AuditEvent.rs system/Patient.crus");
  // With the empty set, nothing.
  EXPECT_TRUE(a.intersect(ScopeSet()).empty());
}

TEST(ScopesTest, ToStringIsCanonicalV2) {
  // Wildcard first, then types by name; letters in cruds order; a type
  // listed only for what the wildcard does not already give, and then
  // with the wildcard's letters too.
  EXPECT_EQ(canonical("system/Patient.rs system/AuditEvent.r system/*.r"), "system/*.r system/Patient.rs");
  EXPECT_EQ(canonical("system/Observation.s system/AuditEvent.c"), "system/AuditEvent.c system/Observation.s");
  EXPECT_EQ(canonical("system/*.read system/*.write"), "system/*.cruds");
  EXPECT_EQ(canonical("system/Patient.read"), "system/Patient.rs");
  EXPECT_EQ(canonical("system/*.*"), "system/*.cruds");
  EXPECT_EQ(canonical("system/Patient.s system/Patient.c system/Patient.d"), "system/Patient.cds");
  // Round trip: what it writes parses back to the same permissions.
  for (std::string_view text : {"system/*.rs system/AuditEvent.c", "system/Observation.cruds system/Patient.r",
                                "system/*.write system/Consent.read"}) {
    ScopeSet once = parsed(text);
    ScopeSet twice = parsed(once.to_string());
    EXPECT_EQ(twice.to_string(), once.to_string());
    for (std::string_view type : {"AuditEvent", "Observation", "Patient", "Consent", "Encounter"})
      EXPECT_EQ(twice.permissions(type), once.permissions(type)) << text << " " << type;
  }
}

TEST(ScopesTest, EachRoleHasItsCeiling) {
  EXPECT_EQ(role_ceiling("source").to_string(), "system/*.cruds");
  EXPECT_EQ(role_ceiling("admin").to_string(), "system/*.cruds");
  // Readers, who keep their own Subscriptions (issue 10).
  EXPECT_EQ(role_ceiling("partner").to_string(), "system/*.rs system/Subscription.cruds");
  EXPECT_EQ(role_ceiling("care-manager").to_string(), "system/*.rs system/Subscription.cruds");
  const ScopeSet& compliance = role_ceiling("compliance");
  for (std::string_view type : {"AuditEvent", "Consent", "Patient", "Organization", "Practitioner", "Provenance"})
    EXPECT_EQ(compliance.permissions(type), kRS) << type;
  for (std::string_view type : {"Observation", "Condition", "Encounter", "MedicationRequest"})
    EXPECT_EQ(compliance.permissions(type), 0) << type;
  EXPECT_FALSE(compliance.allows("*", kRead));
  // A role we do not know may have nothing.
  for (std::string_view role : {"", "superuser", "Admin", "partner "}) EXPECT_TRUE(role_ceiling(role).empty()) << role;
}

TEST(ScopesTest, ReadersNeverWriteWhateverTheyAsk) {
  ScopeSet asked = parsed("system/*.cruds");
  for (std::string_view role : {"partner", "care-manager", "compliance"}) {
    ScopeSet granted = asked.intersect(role_ceiling(role));
    for (std::string_view type : {"Patient", "Observation", "AuditEvent"})
      for (Permission p : {kCreate, kUpdate, kDelete}) EXPECT_FALSE(granted.allows(type, p)) << role << " " << type;
  }
}

}  // namespace
}  // namespace gateway::auth
