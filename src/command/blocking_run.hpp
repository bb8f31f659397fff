#pragma once

#include "command/invocation.hpp"
#include "command/run_core.hpp"
#include "process/wait_blocking.hpp"
#include "process/wake_up.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <stop_token>

namespace libterraform::detail {

// The blocking driver of a RunCore: one command run on the calling thread, step by
// step, what TerraformCommand and its event streams share. Not movable (the
// supervision refers to its members).
class BlockingRun {
 public:
  // Starts terraform. `also_on_event` receives the events of a -json stream after the
  // options' on_event. Throws the launch errors (binary or directory not found).
  BlockingRun(CommandSpec spec, Invocation invocation, EventCallback also_on_event = {});
  // A run still going is interrupted, and waited for.
  ~BlockingRun();
  BlockingRun(const BlockingRun&) = delete;
  BlockingRun& operator=(const BlockingRun&) = delete;

  // Handles what comes next (output, exit, a deadline); false once terraform has
  // exited and its output is read.
  bool step();
  // Once step() has returned false: what the run counts as.
  Outcome finish();
  // Asks terraform to stop (SIGINT, then the stop policy). Thread-safe.
  void interrupt() const { wake_->signal(); }
  // interrupt(), then the policy's escalation at once. Thread-safe.
  void escalate() const { wake_->escalate(); }
  // What interrupt() and escalate() signal; it may outlive the run (signalling it then
  // does nothing).
  std::shared_ptr<const process::WakeUp> wake_up() const { return wake_; }

 private:
  std::shared_ptr<const process::WakeUp> wake_ = std::make_shared<process::WakeUp>();
  RunCore core_;
  std::stop_callback<std::function<void()>> on_stop_;
  std::stop_callback<std::function<void()>> on_escalation_;
  process::Child child_;
  process::BlockingWait how_;
  std::optional<process::BlockingSupervision> supervision_;
  bool ended_ = false;
};

}  // namespace libterraform::detail
