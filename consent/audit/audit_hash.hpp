// The hash chain and the bytes a checkpoint signs. The encoding is the
// log's file format: changing it breaks every existing chain.
//
// A record's canonical bytes (all integers big-endian, 8 bytes; seq and
// recorded_ms as two's complement):
//
//   "CBAUDIT2" | seq | recorded_ms | len(fields) | fields
//
// fields is the record's fields text (audit_fields.hpp): every fact of the
// AuditEvent. The length prefix keeps two records from sharing canonical
// bytes. The chain:
//
//   hash(0) = 32 zero bytes
//   hash(n) = SHA-256(hash(n-1) | canonical bytes of record n)
//
// A checkpoint signs (Ed25519, no pre-hash) the 58 bytes
//
//   "CBAUDITCP1" | seq | recorded_ms | hash(seq)
//
// where recorded_ms is when the checkpoint was written.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace consent {

using AuditDigest = std::array<unsigned char, 32>;
inline constexpr AuditDigest kGenesisHash{};

struct CanonicalRecord {
  std::int64_t seq = 0;
  std::int64_t recorded_ms = 0;
  std::string_view fields;
};

// SHA-256(prev | canonical bytes of r), without copying the fields.
AuditDigest chain_hash(const AuditDigest& prev, const CanonicalRecord& r);

std::string checkpoint_message(std::int64_t seq, std::int64_t recorded_ms, const AuditDigest& hash);

std::string to_hex(std::string_view bytes);
std::string to_hex(const AuditDigest& d);
// Lowercase or uppercase hex of exactly 64 digits; nullopt otherwise.
std::optional<AuditDigest> digest_from_hex(std::string_view hex);
std::optional<std::string> bytes_from_hex(std::string_view hex);

}  // namespace consent
