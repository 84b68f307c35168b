#include "consent/audit/audit_hash.hpp"

#include <gtest/gtest.h>

#include "consent/audit/audit_fields.hpp"

namespace consent {
namespace {

// Expected values computed independently (Python hashlib) from the
// encoding documented in audit_hash.hpp: this pins the file format.
TEST(AuditHashTest, ChainHashFollowsTheDocumentedEncoding) {
  const AuditDigest h1 =
      chain_hash(kGenesisHash, CanonicalRecord{1, 1'700'000'000'000, "agent\tc1\npatient\tp1\n"});
  EXPECT_EQ(to_hex(h1), "8c52739ffd9022ea8e7a14294b6d68d64e17cc778399395f677b9ad5cbca6238");
  const AuditDigest h2 = chain_hash(h1, CanonicalRecord{2, -5, ""});
  EXPECT_EQ(to_hex(h2), "fb7f48e3d32618d0b71b8b457ecba7089312c44c745977e9a6a5d577ff3581d8");
}

TEST(AuditHashTest, SeqAndTimeAreCovered) {
  const AuditDigest a = chain_hash(kGenesisHash, CanonicalRecord{1, 0, "agent\tc\n"});
  EXPECT_NE(a, chain_hash(kGenesisHash, CanonicalRecord{2, 0, "agent\tc\n"}));
  EXPECT_NE(a, chain_hash(kGenesisHash, CanonicalRecord{1, 1, "agent\tc\n"}));
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
  e.fields = {{"type", "rest"}, {"subtype", "read"}, {"subtype", "disclose"}, {"subtype", "read"},
              {"patient", "p2"}, {"patient", "p1"}, {"agent", "c"}, {"user", ""}};
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
  e.fields = {{"entity", "Observation/1\t/_history/1"}};
  auto fields = audit_fields(e);
  ASSERT_FALSE(fields.ok());
  EXPECT_EQ(fields.issue().code, "value");
  EXPECT_EQ(fields.issue().expression, "AuditEntry.entity");
}

}  // namespace
}  // namespace consent
