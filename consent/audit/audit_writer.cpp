#include "consent/audit/audit_writer.hpp"

#include <pthread.h>

#include <algorithm>
#include <cstdio>
#include <utility>

#include "fhir/core/errors.hpp"
#include "fhir/store/sqlite_connection.hpp"
#include "fhir/store/sqlite_transaction.hpp"

namespace consent {
namespace {

using fhir::store::Transaction;

// Whatever went wrong underneath (logged there, without data), callers
// see one answer: the trail cannot be written, so nothing is disclosed.
fhir::Issue unavailable() {
  return fhir::make_issue(fhir::err::kUnavailable, "The audit log cannot be written; retry later");
}

// Recycled fields texts: enough for a few large groups, none past 8 KiB.
constexpr std::size_t kMaxSpare = 4096;
constexpr std::size_t kMaxSpareBytes = 8192;

}  // namespace

AuditWriter::AuditWriter(std::unique_ptr<fhir::store::Connection> conn, AuditKey key, const fhir::Clock& clock,
                         std::int64_t checkpoint_every, int max_group)
    : conn_(std::move(conn)),
      key_(std::move(key)),
      clock_(clock),
      checkpoint_every_(std::max<std::int64_t>(checkpoint_every, 1)),
      max_group_(static_cast<std::size_t>(std::max(max_group, 1))),
      completer_([this] { complete(); }),
      thread_([this] { run(); }) {}

AuditWriter::~AuditWriter() {
  close();
  close_connection();
}

void AuditWriter::submit(AuditEntry entry, AuditDone done) {
  // Checked here, on the caller's thread: one bad entry must not fail the
  // group it would have joined.
  const std::int64_t recorded_ms = entry.recorded_ms;
  auto fields = audit_fields(std::move(entry));
  if (!fields) {
    if (done) done(fields.take_issue());
    return;
  }
  Pending p{recorded_ms, {}, std::move(done)};
  {
    std::lock_guard lock(mu_);
    if (!spare_.empty()) {
      p.fields = std::move(spare_.back());
      spare_.pop_back();
    }
  }
  append_fields_text(*fields, p.fields);
  {
    std::lock_guard lock(mu_);
    if (!closing_) {
      queue_.push_back(std::move(p));
      // The writer waits only on an empty queue.
      if (queue_.size() == 1) queued_.notify_one();
      return;
    }
  }
  if (p.done) p.done(fhir::make_issue(fhir::err::kUnavailable, "The audit log is closed"));
}

void AuditWriter::close() {
  std::call_once(closed_, [this] {
    {
      std::lock_guard lock(mu_);
      closing_ = true;
      queued_.notify_one();
    }
    thread_.join();
    {
      std::lock_guard lock(finished_mu_);
      finished_closing_ = true;
      finished_cv_.notify_one();
    }
    completer_.join();
  });
}

void AuditWriter::close_connection() { conn_.reset(); }

void AuditWriter::run() {
  pthread_setname_np(pthread_self(), "cb-audit");
  std::vector<Pending> group;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      queued_.wait(lock, [this] { return !queue_.empty() || closing_; });
      if (queue_.empty()) break;  // closing, and drained
      const std::size_t n = std::min(queue_.size(), max_group_);
      for (std::size_t i = 0; i < n; ++i) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    commit_group(group);
    group = std::vector<Pending>();
  }
  checkpoint_on_close();
}

void AuditWriter::complete() {
  pthread_setname_np(pthread_self(), "cb-audit-done");
  for (;;) {
    Finished f;
    {
      std::unique_lock lock(finished_mu_);
      finished_cv_.wait(lock, [this] { return !finished_.empty() || finished_closing_; });
      if (finished_.empty()) return;  // closing, and drained
      f = std::move(finished_.front());
      finished_.pop_front();
    }
    // Only now is each seq final: the group is durable (synchronous=FULL),
    // or it failed and the file is as it was.
    for (std::size_t i = 0; i < f.group.size(); ++i) {
      if (!f.group[i].done) continue;
      if (f.first) f.group[i].done(*f.first + static_cast<std::int64_t>(i));
      else f.group[i].done(unavailable());
    }
    // The texts go back for reuse (a bounded number: a burst does not pin
    // its memory for good).
    std::lock_guard lock(mu_);
    for (Pending& p : f.group)
      if (spare_.size() < kMaxSpare && p.fields.capacity() <= kMaxSpareBytes) spare_.push_back(std::move(p.fields));
  }
}

// The tail is read under the write lock at every group, not kept in
// memory: another process (carebridge import, audit export) may have
// appended or checkpointed since, and a failed group leaves nothing behind.
fhir::Result<AuditWriter::Tail> AuditWriter::read_tail() {
  Tail t;
  {
    auto stmt = conn_->prepare("SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1");
    if (!stmt) return stmt.take_issue();
    auto row = stmt->step();
    if (!row) return row.take_issue();
    if (*row) {
      t.seq = stmt->int64(0);
      auto hash = digest_from_hex(stmt->text(1));
      if (!hash) {
        std::fprintf(stderr, "carebridge audit: the last record's hash is not a SHA-256 digest\n");
        return unavailable();
      }
      t.hash = *hash;
    }
  }
  auto stmt = conn_->prepare("SELECT coalesce(max(seq), 0) FROM audit_checkpoint");
  if (!stmt) return stmt.take_issue();
  auto row = stmt->step();
  if (!row) return row.take_issue();
  if (*row) t.checkpoint_seq = stmt->int64(0);
  return t;
}

fhir::Status AuditWriter::append_one(Pending& p, Tail& tail) {
  const std::int64_t seq = tail.seq + 1;
  const AuditDigest hash = chain_hash(tail.hash, CanonicalRecord{seq, p.recorded_ms, p.fields});
  const std::string prev_hex = to_hex(tail.hash);
  const std::string hash_hex = to_hex(hash);
  {
    auto stmt = conn_->prepare(
        "INSERT INTO audit_record (seq, recorded_ms, fields, prev_hash, hash) VALUES (?, ?, ?, ?, ?)");
    if (!stmt) return stmt.take_issue();
    stmt->bind(1, seq).bind(2, p.recorded_ms).bind(3, std::string_view(p.fields));
    stmt->bind(4, std::string_view(prev_hex)).bind(5, std::string_view(hash_hex));
    if (auto st = stmt->run(); !st) return st;
  }
  // The indexed lines of the text (audit_fields.hpp: "kind\tvalue\n",
  // checked when submitted).
  for (std::string_view rest = p.fields; !rest.empty();) {
    const auto eol = rest.find('\n');
    const std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol == std::string_view::npos ? rest.size() : eol + 1);
    const auto tab = line.find('\t');
    if (tab == std::string_view::npos || !is_indexed_kind(line.substr(0, tab))) continue;
    auto stmt = conn_->prepare("INSERT INTO audit_index (kind, value, seq) VALUES (?, ?, ?)");
    if (!stmt) return stmt.take_issue();
    stmt->bind(1, line.substr(0, tab)).bind(2, line.substr(tab + 1)).bind(3, seq);
    if (auto st = stmt->run(); !st) return st;
  }
  tail.seq = seq;
  tail.hash = hash;
  if (seq % checkpoint_every_ == 0) return write_checkpoint(tail);
  return fhir::ok_status();
}

fhir::Status AuditWriter::write_checkpoint(const Tail& tail) {
  const std::int64_t now = clock_.now_ms();
  auto signature = key_.sign(checkpoint_message(tail.seq, now, tail.hash));
  if (!signature) return signature.take_issue();
  const std::string hash_hex = to_hex(tail.hash);
  const std::string sig_hex = to_hex(*signature);
  auto stmt = conn_->prepare(
      "INSERT INTO audit_checkpoint (seq, hash, recorded_ms, key_id, signature) VALUES (?, ?, ?, ?, ?)");
  if (!stmt) return stmt.take_issue();
  stmt->bind(1, tail.seq).bind(2, std::string_view(hash_hex)).bind(3, now);
  stmt->bind(4, std::string_view(key_.fingerprint())).bind(5, std::string_view(sig_hex));
  return stmt->run();
}

// The group in one transaction: the seq of its first record, or nullopt
// when it failed. Either way the transaction is over (committed or rolled
// back, the write lock released) when this returns.
std::optional<std::int64_t> AuditWriter::write_group(std::vector<Pending>& group) {
  // IMMEDIATE: the write lock up front, waiting out another process.
  auto txn = Transaction::begin(*conn_, Transaction::Kind::immediate);
  if (!txn) return std::nullopt;
  auto tail = read_tail();
  if (!tail) return std::nullopt;
  const std::int64_t first = tail->seq + 1;
  for (Pending& p : group)
    if (auto st = append_one(p, *tail); !st) return std::nullopt;  // the transaction rolls back
  if (auto st = txn->commit(); !st) return std::nullopt;
  return first;
}

void AuditWriter::commit_group(std::vector<Pending>& group) {
  // Reported only once the transaction is over, so a caller told of a
  // failure finds the file as it was, and unlocked.
  const std::optional<std::int64_t> written = write_group(group);
  if (written) {
    appended_.fetch_add(static_cast<std::int64_t>(group.size()), std::memory_order_relaxed);
    commits_.fetch_add(1, std::memory_order_relaxed);
  }
  std::lock_guard lock(finished_mu_);
  finished_.push_back(Finished{std::move(group), written});
  if (finished_.size() == 1) finished_cv_.notify_one();
}

// Signs the tail, so a log closed cleanly has every record under a
// signature (a cut-off tail after the last checkpoint could not be seen).
void AuditWriter::checkpoint_on_close() {
  auto txn = Transaction::begin(*conn_, Transaction::Kind::immediate);
  if (!txn) return;
  auto tail = read_tail();
  if (!tail || tail->seq == 0 || tail->seq <= tail->checkpoint_seq) return;
  if (auto st = write_checkpoint(*tail); !st) return;
  if (auto st = txn->commit(); !st)
    std::fprintf(stderr, "carebridge audit: the closing checkpoint could not be written\n");
}

}  // namespace consent
