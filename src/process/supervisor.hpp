#pragma once

#include "libterraform/stop_policy.hpp"

#include <chrono>
#include <deque>
#include <optional>
#include <utility>

namespace libterraform::process {

// Why a child was asked to stop.
enum class StopReason {
  none,
  interrupted,  // a caller asked: stop token, cancel, async cancellation
  timed_out,    // the command's timeout expired
  owner_gone,   // the pool parent died: the worker winds terraform down before exiting
};

// A signal to send, and to whom. The interrupt goes to terraform alone: delivered to
// its whole group, it also reaches a provisioner terraform is forking at that moment,
// and terraform then counts two interrupts and exits without writing its state
// (docs/benchmarks.md, "interrupt delivery"). terraform stops its provisioners itself;
// the harder signals, and the clean-up after exit, go to the whole group.
struct Signal {
  int number = 0;
  bool whole_group = false;
  friend bool operator==(const Signal&, const Signal&) = default;
};

// The lifecycle of one supervised child, without any I/O: drivers (the poll loop, the
// Asio operation) feed it what happened and the time, and ask it which signals to send
// and when to wake up next. Sans-io so that the stop policy and the clean-up after exit
// are unit-tested without processes.
//
// A stop request sends SIGINT to terraform, then escalates only as the policy says:
// after the grace period, or at once on escalate().
// After the child exits, whatever is left in its process group (a provisioner's
// `sleep`, say) gets SIGTERM at once and SIGKILL after kLeftoverGrace; the output
// pipes are given up kAbandonAfter later, so reaping never waits on pipe EOF alone.
class Supervisor {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kLeftoverGrace{2000};
  static constexpr std::chrono::milliseconds kAbandonAfter{1000};

  Supervisor(StopPolicy policy, std::optional<Clock::time_point> deadline, int open_streams = 2);

  // Events.
  void on_stream_closed();
  void on_exited(Clock::time_point now);
  void request_stop(StopReason reason, Clock::time_point now);
  // A stop request that takes effect at `when` unless the child exits, or is stopped
  // otherwise, first.
  void request_stop_at(StopReason reason, Clock::time_point when);
  // The child has had its interrupt from someone else (a SIGTERM sent to the whole
  // service reaches terraform directly): stopping, as after request_stop, but without
  // a SIGINT of ours, which would be its second. Escalation follows the policy.
  void interrupted_elsewhere(StopReason reason, Clock::time_point now);
  // Applies the policy's escalation now instead of after the grace period (a second
  // Ctrl-C). A child not asked to stop yet gets its interrupt first. Nothing more
  // with Escalation::none, nor once the escalation is sent or the child has exited.
  void escalate(StopReason reason, Clock::time_point now);
  void on_time(Clock::time_point now);

  // Actions: signals to send, oldest first.
  std::optional<Signal> take_signal();
  // When on_time must be called next, if ever.
  std::optional<Clock::time_point> next_wakeup() const;
  // The child has exited and its output is drained (or given up).
  bool finished() const { return phase_ == Phase::finished; }
  bool exited() const { return phase_ >= Phase::draining; }
  StopReason stop_reason() const { return reason_; }
  // The child has been asked to stop, by us or (interrupted_elsewhere) by another.
  bool stopping() const { return phase_ != Phase::running; }

 private:
  enum class Phase { running, stopping, escalated, draining, killing_leftovers, finished };

  void finish_if_drained();
  void enter_stopping(StopReason reason, Clock::time_point now);
  void send_escalation();

  StopPolicy policy_;
  std::optional<Clock::time_point> deadline_;  // timeout, while running
  std::optional<Clock::time_point> wakeup_;    // grace or drain deadlines after that
  std::optional<std::pair<StopReason, Clock::time_point>> deferred_stop_;  // while running
  int open_streams_;
  Phase phase_ = Phase::running;
  StopReason reason_ = StopReason::none;
  std::deque<Signal> signals_;
};

}  // namespace libterraform::process
