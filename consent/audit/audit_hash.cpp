#include "consent/audit/audit_hash.hpp"

#include <openssl/evp.h>

#include <cstdlib>
#include <memory>

namespace consent {
namespace {

constexpr std::string_view kRecordTag = "CBAUDIT2";
constexpr std::string_view kCheckpointTag = "CBAUDITCP1";

void put_be64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void put_be64(unsigned char* out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<unsigned char>((v >> (56 - 8 * i)) & 0xff);
}

struct FreeMdCtx {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};

// One context per thread, reused: verify hashes a million records, and a
// fresh context per record would cost an allocation and an init each.
EVP_MD_CTX* thread_ctx() {
  thread_local std::unique_ptr<EVP_MD_CTX, FreeMdCtx> ctx(EVP_MD_CTX_new());
  return ctx.get();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

AuditDigest chain_hash(const AuditDigest& prev, const CanonicalRecord& r) {
  unsigned char head[8 + 8 + 8 + 8];
  kRecordTag.copy(reinterpret_cast<char*>(head), 8);
  put_be64(head + 8, static_cast<std::uint64_t>(r.seq));
  put_be64(head + 16, static_cast<std::uint64_t>(r.recorded_ms));
  put_be64(head + 24, r.fields.size());

  AuditDigest out{};
  EVP_MD_CTX* ctx = thread_ctx();
  // SHA-256 cannot fail on valid input once the context exists; a missing
  // context (out of memory) aborts rather than chain a wrong hash.
  if (ctx == nullptr || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx, prev.data(), prev.size()) != 1 ||
      EVP_DigestUpdate(ctx, head, sizeof head) != 1 ||
      EVP_DigestUpdate(ctx, r.fields.data(), r.fields.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, out.data(), nullptr) != 1)
    std::abort();
  return out;
}

std::string checkpoint_message(std::int64_t seq, std::int64_t recorded_ms, const AuditDigest& hash) {
  std::string m(kCheckpointTag);
  put_be64(m, static_cast<std::uint64_t>(seq));
  put_be64(m, static_cast<std::uint64_t>(recorded_ms));
  m.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  return m;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

std::string to_hex(const AuditDigest& d) {
  return to_hex(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

std::optional<std::string> bytes_from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::optional<AuditDigest> digest_from_hex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  auto bytes = bytes_from_hex(hex);
  if (!bytes) return std::nullopt;
  AuditDigest d{};
  bytes->copy(reinterpret_cast<char*>(d.data()), d.size());
  return d;
}

}  // namespace consent
