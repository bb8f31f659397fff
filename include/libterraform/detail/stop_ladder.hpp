#pragma once

#include <atomic>

namespace libterraform::detail {

/// The steps of a stop asked for again and again, as with Ctrl-C: the first request
/// interrupts terraform, every later one escalates its stop (per the stop policy).
/// Thread-safe: requests may come from any thread at once, and exactly one of them
/// gets `interrupt`.
class StopLadder {
 public:
  enum class Step { interrupt, escalate };

  /// The step this request takes.
  Step next() { return asked_.exchange(true) ? Step::escalate : Step::interrupt; }
  /// A stop has been asked for.
  bool asked() const { return asked_.load(); }

 private:
  std::atomic<bool> asked_{false};
};

}  // namespace libterraform::detail
