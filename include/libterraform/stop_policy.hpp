#pragma once

#include <chrono>

namespace libterraform {

/// What to send when terraform is still running after the grace period of an interrupt.
enum class Escalation {
  none,             ///< keep waiting: terraform is never forced (the default)
  interrupt_again,  ///< a second SIGINT: terraform exits at once, "data loss may occur"
  terminate,        ///< SIGTERM to the process group
  kill,             ///< SIGKILL to the process group: no state written, lock left behind
};

/// How a running command is stopped (cancel, stop token, timeout, pool shutdown).
/// The first step is always SIGINT to terraform, as a terminal's Ctrl-C does: terraform
/// stops its provisioners, writes its state and releases its lock. The signal goes to
/// terraform alone, not its process group: a provisioner being forked at that moment
/// would make terraform count two interrupts and exit without its state
/// (docs/benchmarks.md). Whatever is left in the group once terraform has exited gets
/// SIGTERM, then SIGKILL.
struct StopPolicy {
  /// How long to wait after the first SIGINT before escalating. With
  /// std::chrono::milliseconds::max() the escalation waits for an explicit request
  /// (Future::escalate, GraphRun::escalate: tfrun's second Ctrl-C; a stream's
  /// escalate(); a second cancellation of an async operation).
  std::chrono::milliseconds grace_period = std::chrono::seconds{30};
  /// What to send once the grace period has passed.
  Escalation escalation = Escalation::none;
};

}  // namespace libterraform
