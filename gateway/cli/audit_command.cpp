// carebridge audit verify|export: checking the tamper-evident audit log
// and writing its retention archive. Both work on the log file alone, also
// while a server appends to it, and verify needs no secret: an archive is
// checked offline against the public key stored in it (or, better, the
// key file given).
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "consent/audit/audit_export.hpp"
#include "consent/audit/audit_key_file.hpp"
#include "consent/audit/audit_log.hpp"
#include "consent/audit/audit_paths.hpp"
#include "consent/audit/audit_verify.hpp"
#include "fhir/core/clock.hpp"
#include "gateway/cli/commands.hpp"

namespace gateway {
namespace {

constexpr const char* kUsage =
    "usage: carebridge audit verify [--db PATH] [--audit-db FILE] [--audit-key-file FILE] [--require-signed]\n"
    "       carebridge audit export [--db PATH] [--audit-db FILE] [--audit-key-file FILE] --out FILE\n"
    "the audit log defaults to PATH.audit.db, its key to the audit log's name + .key.pem\n"
    "--require-signed: exit 3 when records follow the last signed checkpoint (for a log closed cleanly,\n"
    "  or an archive: a record appended after it cannot be told from an honest one)\n";

struct AuditArgs {
  std::string db;
  std::string audit_db;
  std::string key_file;
  bool key_file_given = false;
  std::string out;
  bool require_signed = false;
};

int usage(const std::string& why) {
  std::fprintf(stderr, "carebridge audit: %s\n%s", why.c_str(), kUsage);
  return 2;
}

int fail(const std::string& why) {
  std::fprintf(stderr, "carebridge audit: %s\n", why.c_str());
  return 1;
}

// nullopt and a message when the flags are wrong.
std::optional<AuditArgs> parse(const std::vector<std::string>& rest, std::string& why) {
  AuditArgs a;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const std::string& flag = rest[i];
    if (flag == "--require-signed") {
      a.require_signed = true;
      continue;
    }
    if (i + 1 >= rest.size()) {
      why = flag + " needs a value";
      return std::nullopt;
    }
    const std::string& value = rest[++i];
    if (flag == "--db") a.db = value;
    else if (flag == "--audit-db") a.audit_db = value;
    else if (flag == "--audit-key-file") a.key_file = value;
    else if (flag == "--out") a.out = value;
    else {
      why = "unknown option " + flag;
      return std::nullopt;
    }
  }
  if (a.audit_db.empty() && a.db.empty()) {
    why = "--db PATH or --audit-db FILE is required";
    return std::nullopt;
  }
  if (a.audit_db.empty()) a.audit_db = consent::default_audit_path(a.db);
  a.key_file_given = !a.key_file.empty();
  if (a.key_file.empty()) a.key_file = consent::default_audit_key_path(a.audit_db);
  return a;
}

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

// The key to trust: the key file (given, or beside the log); without one,
// nullopt, and verify falls back on the key stored in the log.
std::optional<consent::AuditKey> trusted_key(const AuditArgs& a, std::string& error) {
  if (!a.key_file_given && !exists(a.key_file)) return std::nullopt;
  auto key = consent::load_audit_key(a.key_file);
  if (!key) {
    error = key.issue().diagnostics;
    return std::nullopt;
  }
  return std::move(*key);
}

// One line: what a cron job logs and an operator reads.
int report(const std::string& file, const consent::AuditVerifyReport& r, bool require_signed) {
  if (const auto& p = r.problem) {
    std::printf("audit log %s: seq %lld: %s: %s\n", file.c_str(), static_cast<long long>(p->seq),
                consent::audit_problem_name(p->kind), p->detail.c_str());
    return 1;
  }
  std::printf("audit log %s: ok: %lld records, %lld checkpoints (signed up to seq %lld), last hash %s, key %s (%s)\n",
              file.c_str(), static_cast<long long>(r.records), static_cast<long long>(r.checkpoints),
              static_cast<long long>(r.last_checkpoint_seq), r.last_hash.c_str(), r.key_fingerprint.c_str(),
              r.key_trusted ? "key file" : "stored in the log; pass --audit-key-file to check its origin");
  if (require_signed && r.last_seq > r.last_checkpoint_seq) {
    std::printf("audit log %s: unsigned: %lld records after the last checkpoint (seq %lld)\n", file.c_str(),
                static_cast<long long>(r.last_seq - r.last_checkpoint_seq),
                static_cast<long long>(r.last_checkpoint_seq));
    return 3;
  }
  return 0;
}

int verify(const AuditArgs& a) {
  if (!exists(a.audit_db)) return fail("no audit log at " + a.audit_db);
  std::string error;
  auto key = trusted_key(a, error);
  if (!error.empty()) return fail(error);
  auto result = consent::verify_audit_log(a.audit_db, key);
  if (!result) return fail(a.audit_db + ": " + result.issue().diagnostics);
  return report(a.audit_db, *result, a.require_signed);
}

int export_archive(const AuditArgs& a) {
  if (a.out.empty()) return usage("export needs --out FILE");
  if (!exists(a.audit_db)) return fail("no audit log at " + a.audit_db);
  if (exists(a.out)) return fail("the archive file " + a.out + " already exists");
  std::string error;
  auto key = trusted_key(a, error);
  if (!error.empty()) return fail(error);
  if (key && key->can_sign()) {
    // Opening and closing the log signs its tail, so the archive has no
    // unsigned records at its end. Safe beside a running server: both
    // append under SQLite's write lock and read the tail inside it.
    fhir::SystemClock clock;
    consent::AuditLogOptions options;
    options.path = a.audit_db;
    options.key_file = a.key_file;
    auto log = consent::AuditLog::open(options, clock);
    if (!log) std::fprintf(stderr, "carebridge audit: the tail is left unsigned: %s\n", log.issue().diagnostics.c_str());
    else (*log)->close();
  }
  if (auto st = consent::export_audit_log(a.audit_db, a.out); !st) return fail(st.issue().diagnostics);
  auto result = consent::verify_audit_log(a.out, key);
  if (!result) return fail(a.out + ": " + result.issue().diagnostics);
  return report(a.out, *result, a.require_signed);
}

}  // namespace

int audit_command(const std::vector<std::string>& args) {
  if (args.empty() || (args[0] != "verify" && args[0] != "export")) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::string why;
  auto parsed = parse(std::vector<std::string>(args.begin() + 1, args.end()), why);
  if (!parsed) return usage(why);
  if (args[0] == "verify") {
    if (!parsed->out.empty()) return usage("verify takes no --out");
    return verify(*parsed);
  }
  return export_archive(*parsed);
}

}  // namespace gateway
