#include "consent/audit/audit_log.hpp"

#include <mutex>
#include <utility>
#include <vector>

#include "consent/audit/audit_key_file.hpp"
#include "consent/audit/audit_schema.hpp"
#include "consent/audit/audit_writer.hpp"
#include "fhir/core/errors.hpp"
#include "fhir/store/sqlite_connection.hpp"

namespace consent {
namespace {

using fhir::store::Connection;

class SqliteAuditLog final : public AuditLog {
 public:
  SqliteAuditLog(const AuditLogOptions& options, std::unique_ptr<Connection> conn, AuditKey key,
                 std::string public_pem, const fhir::Clock& clock)
      : path_(options.path),
        busy_timeout_ms_(options.busy_timeout_ms),
        public_pem_(std::move(public_pem)),
        writer_(std::move(conn), std::move(key), clock, options.checkpoint_every, options.max_group) {}

  ~SqliteAuditLog() override { close(); }

  void append(AuditEntry entry, AuditDone done) override { writer_.submit(std::move(entry), std::move(done)); }

  fhir::Result<AuditPage> search(const AuditQuery& query) override {
    auto conn = lease();
    if (!conn) return conn.take_issue();
    auto page = search_audit(**conn, query);
    give_back(std::move(*conn));
    return page;
  }

  AuditLogStats stats() const override { return AuditLogStats{writer_.appended(), writer_.commits()}; }

  const std::string& public_key_pem() const override { return public_pem_; }

  void close() override {
    std::call_once(closed_, [this] {
      writer_.close();
      {
        std::lock_guard lock(mu_);
        closed_readers_ = true;
        idle_.clear();
      }
      // Last, so the writer's is the final connection on the file and
      // checkpoints the WAL into it.
      writer_.close_connection();
    });
  }

 private:
  // Searches are rare (compliance officers), so connections are opened on
  // demand and a few kept; each is used by one thread at a time (NOMUTEX).
  fhir::Result<std::unique_ptr<Connection>> lease() {
    {
      std::lock_guard lock(mu_);
      if (closed_readers_) return fhir::make_issue(fhir::err::kUnavailable, "The audit log is closed");
      if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        return conn;
      }
    }
    return open_audit_reader(path_, busy_timeout_ms_);
  }

  void give_back(std::unique_ptr<Connection> conn) {
    constexpr std::size_t kMaxIdle = 4;
    std::lock_guard lock(mu_);
    if (!closed_readers_ && idle_.size() < kMaxIdle) idle_.push_back(std::move(conn));
  }

  const std::string path_;
  const int busy_timeout_ms_;
  const std::string public_pem_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  bool closed_readers_ = false;                    // guarded by mu_
  std::once_flag closed_;
  AuditWriter writer_;  // last: its thread starts once the rest is built
};

}  // namespace

fhir::Result<std::unique_ptr<AuditLog>> AuditLog::open(const AuditLogOptions& options, const fhir::Clock& clock) {
  if (options.key_file.empty()) return fhir::make_issue(fhir::err::kInternal, "The audit key file is not set");
  auto conn = open_audit_writer(options.path, options.busy_timeout_ms);
  if (!conn) return conn.take_issue();
  // A log that already names its key must not get a fresh one generated
  // beside it because the key file went missing: that is an operator's
  // mistake to report, not to paper over.
  auto bound = read_audit_meta(**conn, "public_key");
  if (!bound) return bound.take_issue();
  auto key = bound->has_value() ? load_audit_key(options.key_file) : load_or_create_audit_key(options.key_file);
  if (!key) return key.take_issue();
  if (!key->can_sign())
    return fhir::make_issue(fhir::err::kInvalidParameter,
                            "audit key file " + options.key_file + ": holds no private key");
  if (auto st = bind_audit_key(**conn, key->public_hex()); !st) return st.take_issue();
  auto pem = key->public_pem();
  if (!pem) return pem.take_issue();
  return std::unique_ptr<AuditLog>(
      new SqliteAuditLog(options, std::move(*conn), std::move(*key), std::move(*pem), clock));
}

}  // namespace consent
