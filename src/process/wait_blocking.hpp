#pragma once

#include "libterraform/stop_policy.hpp"
#include "process/child_exit.hpp"
#include "process/launch.hpp"
#include "process/supervision_options.hpp"

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace libterraform::process {

// What a readable control descriptor asked for.
struct ControlEvent {
  StopReason stop = StopReason::none;  // none: nothing to do
  bool stop_watching = false;          // the descriptor is done (EOF, one-shot wake-up)
  // The stop takes effect this much later, unless the child is stopped first.
  std::chrono::milliseconds delay{0};
  // The child already got its interrupt from elsewhere: stop without sending another.
  bool already_interrupted = false;
  // Escalate the stop at once, per the policy (Supervisor::escalate).
  bool escalate = false;
};

// A descriptor watched alongside the child, and what to do when it is readable.
struct Control {
  int fd = -1;
  std::function<ControlEvent()> on_ready;
};

// The blocking driver's options: the supervision every driver shares, and what only a
// poll loop can watch.
struct BlockingWait {
  SupervisionOptions supervision;
  OutputHandler on_output;
  // Ask the child to stop at once (a watch that can no longer run asynchronously).
  StopReason stop_at_start = StopReason::none;
  // Descriptors watched alongside the child: a stop token's wake-up eventfd, or a pool
  // worker's channel to its parent and its termination signals.
  std::vector<Control> controls;
  // Called before each signal is sent (a pool worker tells its parent first).
  std::function<void(Signal)> before_signal;
};

// Supervises a launched child on the calling thread with poll(): feeds its stdin,
// reads stdout and stderr concurrently, applies the timeout and the stop policy, ends
// the leftovers of its process group, and reaps it. Safe for a forked pool worker: no
// locks, no threads, no Asio.
//
// Step by step, for callers that pull (an event stream): step() waits for what comes
// next and handles it; finish() reaps the child once step() has returned false.
class BlockingSupervision {
 public:
  BlockingSupervision(Child& child, const BlockingWait& how);
  BlockingSupervision(const BlockingSupervision&) = delete;
  BlockingSupervision& operator=(const BlockingSupervision&) = delete;

  bool step();
  ChildExit finish();

 private:
  void send_signals();
  void apply(const ControlEvent& event);

  Child& child_;
  const BlockingWait& how_;
  const Supervisor::Clock::time_point started_;
  Supervisor supervisor_;
  std::string_view pending_stdin_;
  std::vector<int> control_fds_;  // -1 once a control is done
  std::optional<int> retcode_;
};

// Runs a BlockingSupervision to the end.
ChildExit wait_blocking(Child& child, const BlockingWait& how);

}  // namespace libterraform::process
