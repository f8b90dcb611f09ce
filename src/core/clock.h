#ifndef RIVULET_CORE_CLOCK_H_
#define RIVULET_CORE_CLOCK_H_

#include <atomic>
#include <cstdint>

namespace rivulet::core {

// Milliseconds since the Unix epoch, UTC. All stored times use this unit.
using Millis = int64_t;

// Source of wall-clock time. Injected everywhere time matters so tests can simulate it.
// Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Millis Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Millis Now() const override;
  // A process-wide instance.
  static SystemClock& Get();
};

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Millis start = 1'700'000'000'000) : now_(start) {}
  Millis Now() const override { return now_.load(); }
  void Advance(Millis delta) { now_ += delta; }
  void Set(Millis t) { now_ = t; }

 private:
  std::atomic<Millis> now_;
};

// System time plus an offset that only grows: the black-box test clock (`serve --test-clock`).
// Lets a test move every component's "now" forward without waiting. Thread-safe.
class OffsetClock final : public Clock {
 public:
  Millis Now() const override { return SystemClock::Get().Now() + offset_.load(); }
  // Moves the clock forward by delta (negative values are ignored: time never goes back).
  void Advance(Millis delta) {
    if (delta > 0) offset_ += delta;
  }
  Millis offset() const { return offset_.load(); }

 private:
  std::atomic<Millis> offset_{0};
};

}  // namespace rivulet::core

#endif  // RIVULET_CORE_CLOCK_H_
