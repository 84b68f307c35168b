// An injectable clock: production uses the system clock, tests set time.
#pragma once

#include <atomic>
#include <cstdint>

namespace fhir {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch, UTC.
  virtual std::int64_t now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t now_ms() const override;
};

// For tests: time stands still until advanced.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start_ms) : now_(start_ms) {}
  std::int64_t now_ms() const override { return now_.load(); }
  void advance_ms(std::int64_t d) { now_ += d; }
  void set_ms(std::int64_t t) { now_ = t; }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace fhir
