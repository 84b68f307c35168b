#include "consent/audit/audit_hash.hpp"

#include <gtest/gtest.h>

#include "consent/audit/audit_fields.hpp"

namespace consent {
namespace {

// Expected values computed independently (Python hashlib) from the
// encoding documented in audit_hash.hpp: this pins the file format.
TEST(AuditHashTest, ChainHashFollowsTheDocumentedEncoding) {
  const AuditDigest h1 = chain_hash(
      kGenesisHash, CanonicalRecord{1, 1'700'000'000'000, R"({"resourceType":"AuditEvent"})",
                                    "agent\tc1\npatient\tp1\n"});
  EXPECT_EQ(to_hex(h1), "2df49856816d316e5020ccc5c727046166089e85e71782f20489122a7e209e70");
  const AuditDigest h2 = chain_hash(h1, CanonicalRecord{2, -5, "", ""});
  EXPECT_EQ(to_hex(h2), "ed7a48a07a56e4fee6d17d4e2d48e274762744aaacc20b9a42f7bea6fe488bd0");
}

TEST(AuditHashTest, LengthPrefixesKeepFieldsApart) {
  // The same bytes split differently between json and fields.
  const AuditDigest a = chain_hash(kGenesisHash, CanonicalRecord{1, 0, "ab", "c"});
  const AuditDigest b = chain_hash(kGenesisHash, CanonicalRecord{1, 0, "a", "bc"});
  EXPECT_NE(a, b);
}

TEST(AuditHashTest, HexRoundTrips) {
  const AuditDigest d = chain_hash(kGenesisHash, CanonicalRecord{});
  EXPECT_EQ(digest_from_hex(to_hex(d)), d);
  EXPECT_FALSE(digest_from_hex("abc"));
  EXPECT_FALSE(digest_from_hex(std::string(64, 'g')));
}

TEST(AuditHashTest, CheckpointMessageIsFixedLength) {
  EXPECT_EQ(checkpoint_message(1000, 5, kGenesisHash).size(), 10u + 8 + 8 + 32);
}

TEST(AuditFieldsTest, SortedUniqueAndRoundTrips) {
  AuditEntry e;
  e.type = "rest";
  e.subtypes = {"read", "disclose", "read"};
  e.patients = {"p2", "p1"};
  e.agent = "c";
  auto fields = audit_fields(e);
  ASSERT_TRUE(fields.ok());
  const std::string text = fields_text(*fields);
  EXPECT_EQ(text, "agent\tc\npatient\tp1\npatient\tp2\nsubtype\tdisclose\nsubtype\tread\ntype\trest\n");
  auto parsed = parse_fields_text(text);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, *fields);
  EXPECT_FALSE(parse_fields_text("type\trest\nagent\tc\n").ok());  // unsorted
  EXPECT_FALSE(parse_fields_text("type\trest").ok());              // unterminated
}

TEST(AuditFieldsTest, ControlCharactersAreRefused) {
  AuditEntry e;
  e.entities = {"Observation/1\t/_history/1"};
  auto fields = audit_fields(e);
  ASSERT_FALSE(fields.ok());
  EXPECT_EQ(fields.issue().code, "value");
  EXPECT_EQ(fields.issue().expression, "AuditEntry.entity");
}

}  // namespace
}  // namespace consent
