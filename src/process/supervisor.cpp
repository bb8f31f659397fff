#include "process/supervisor.hpp"

#include <signal.h>

#include <algorithm>

namespace libterraform::process {

Supervisor::Supervisor(StopPolicy policy, std::optional<Clock::time_point> deadline,
                       int open_streams)
    : policy_(policy), deadline_(deadline), open_streams_(open_streams) {}

void Supervisor::on_stream_closed() {
  if (open_streams_ > 0) --open_streams_;
  finish_if_drained();
}

void Supervisor::on_exited(Clock::time_point now) {
  if (exited()) return;
  phase_ = Phase::draining;
  deadline_.reset();
  deferred_stop_.reset();
  signals_.clear();  // anything still queued was meant for the child that is gone
  signals_.push_back({SIGTERM, true});  // leftovers in the group; harmless when empty
  wakeup_ = now + kLeftoverGrace;
  finish_if_drained();
}

void Supervisor::request_stop(StopReason reason, Clock::time_point now) {
  // A second request changes nothing: a second SIGINT would make terraform exit
  // without writing its state. Escalation belongs to the policy alone.
  if (phase_ != Phase::running) return;
  enter_stopping(reason, now);
  signals_.push_back({SIGINT, false});
}

void Supervisor::request_stop_at(StopReason reason, Clock::time_point when) {
  if (phase_ != Phase::running) return;
  if (!deferred_stop_ || when < deferred_stop_->second) deferred_stop_.emplace(reason, when);
}

void Supervisor::interrupted_elsewhere(StopReason reason, Clock::time_point now) {
  if (phase_ != Phase::running) return;
  enter_stopping(reason, now);
}

void Supervisor::escalate(StopReason reason, Clock::time_point now) {
  request_stop(reason, now);
  if (phase_ != Phase::stopping) return;
  wakeup_.reset();
  send_escalation();
}

void Supervisor::enter_stopping(StopReason reason, Clock::time_point now) {
  reason_ = reason;
  phase_ = Phase::stopping;
  deadline_.reset();
  deferred_stop_.reset();
  // A grace period too long to add to `now` (milliseconds::max()) waits for escalate().
  const auto room =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::time_point::max() - now);
  if (policy_.escalation != Escalation::none && policy_.grace_period < room) {
    wakeup_ = now + policy_.grace_period;
  }
}

void Supervisor::send_escalation() {
  phase_ = Phase::escalated;
  switch (policy_.escalation) {
    case Escalation::interrupt_again:
      signals_.push_back({SIGINT, false});
      break;
    case Escalation::terminate:
      signals_.push_back({SIGTERM, true});
      break;
    case Escalation::kill:
      signals_.push_back({SIGKILL, true});
      break;
    case Escalation::none:
      break;
  }
}

void Supervisor::on_time(Clock::time_point now) {
  if (phase_ == Phase::running && deadline_ && now >= *deadline_) {
    request_stop(StopReason::timed_out, now);
    return;
  }
  if (phase_ == Phase::running && deferred_stop_ && now >= deferred_stop_->second) {
    request_stop(deferred_stop_->first, now);
    return;
  }
  if (!wakeup_ || now < *wakeup_) return;
  wakeup_.reset();
  switch (phase_) {
    case Phase::stopping:
      send_escalation();
      break;
    case Phase::draining:
      phase_ = Phase::killing_leftovers;
      signals_.push_back({SIGKILL, true});
      wakeup_ = now + kAbandonAfter;
      break;
    case Phase::killing_leftovers:
      phase_ = Phase::finished;
      break;
    default:
      break;
  }
}

std::optional<Signal> Supervisor::take_signal() {
  if (signals_.empty()) return std::nullopt;
  Signal signal = signals_.front();
  signals_.pop_front();
  return signal;
}

std::optional<Supervisor::Clock::time_point> Supervisor::next_wakeup() const {
  if (phase_ == Phase::finished) return std::nullopt;
  if (phase_ == Phase::running) {
    if (!deferred_stop_) return deadline_;
    if (!deadline_) return deferred_stop_->second;
    return std::min(*deadline_, deferred_stop_->second);
  }
  return wakeup_;
}

void Supervisor::finish_if_drained() {
  if (exited() && open_streams_ == 0) {
    phase_ = Phase::finished;
    wakeup_.reset();
  }
}

}  // namespace libterraform::process
