#include "gateway/care/flag_sweeper.hpp"

#include <cstdio>
#include <memory>
#include <string>

#include "fhir/store/store.hpp"
#include "gateway/storage/write_sync.hpp"
#include "gateway/write/flag_step.hpp"

namespace gateway {
namespace {

// Patients per write unit: small enough that requests queued behind a
// sweep wait milliseconds, large enough that a sweep of 10,000 patients is
// a few dozen commits.
constexpr int kBatch = 200;

}  // namespace

FlagSweeper::FlagSweeper(fhir::store::Store& store, const WriteContext& ctx, std::chrono::seconds interval)
    : store_(store), ctx_(ctx), interval_(interval) {
  if (interval_.count() > 0) thread_ = std::thread([this] { run(); });
}

FlagSweeper::~FlagSweeper() { stop(); }

void FlagSweeper::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

fhir::Result<std::int64_t> FlagSweeper::sweep() {
  std::string after;
  std::int64_t patients = 0;
  for (;;) {
    auto last = std::make_shared<std::string>();
    auto done = std::make_shared<int>(0);
    if (auto st = write_sync(store_, flag_sweep_unit(&ctx_, after, kBatch, last, done)); !st) return st.take_issue();
    patients += *done;
    if (last->empty()) return patients;
    after = *last;
    std::lock_guard lock(mu_);
    if (stopping_) return patients;
  }
}

void FlagSweeper::run() {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    // Counts and times only: never a patient.
    const auto start = std::chrono::steady_clock::now();
    auto swept = sweep();
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    if (!swept)
      std::fprintf(stderr, "flag sweep failed: %s\n", swept.issue().diagnostics.c_str());
    else
      std::fprintf(stderr, "flag sweep: %lld patients in %lld ms\n", static_cast<long long>(*swept),
                   static_cast<long long>(ms));
    lock.lock();
  }
}

}  // namespace gateway
