// FlagSweeper: the flags time alone raises ("no contact for 30 days" on
// day 31, a referral with no outcome on day 15) need no new data, so a
// thread of its own sweeps every patient with care facts through the flag
// step (write/flag_step.hpp) at an interval, a batch of patients per write
// unit so the writer is never held long. Writes go through the store's
// writer like any other; nothing runs on an io thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "fhir/core/result.hpp"

namespace fhir::store {
class Store;
}

namespace gateway {

struct WriteContext;

class FlagSweeper {
 public:
  // interval zero: no thread; sweep() still works.
  FlagSweeper(fhir::store::Store& store, const WriteContext& ctx, std::chrono::seconds interval);
  ~FlagSweeper();
  FlagSweeper(const FlagSweeper&) = delete;
  FlagSweeper& operator=(const FlagSweeper&) = delete;

  // One whole sweep, now, on the calling thread (which blocks on the
  // writer: never an io thread). Returns how many patients it judged.
  fhir::Result<std::int64_t> sweep();
  void stop();

 private:
  void run();

  fhir::store::Store& store_;
  const WriteContext& ctx_;
  std::chrono::seconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace gateway
