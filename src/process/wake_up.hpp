#pragma once

#include "libterraform/errors.hpp"
#include "process/unique_fd.hpp"
#include "process/wait_blocking.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

namespace libterraform::process {

// Interrupts a blocking supervision from anywhere: another thread (a stop token, a
// stream's cancel()), or a callback that failed; and escalates its stop (a stream's
// escalate()). Its descriptor is the supervision's control descriptor, watched as long
// as the child runs: signalling it again does no harm (the child gets one interrupt).
class WakeUp {
 public:
  WakeUp() : fd_(above_stdio(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))) {
    if (!fd_) throw Error(errc::spawn_failed, "eventfd failed");
  }
  int fd() const { return fd_.get(); }
  // Asks the child to stop (SIGINT, then the stop policy).
  void signal() const {
    std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(fd_.get(), &one, sizeof one);
  }
  // signal(), and the policy's escalation at once (Supervisor::escalate).
  void escalate() const {
    escalate_ = true;
    signal();
  }
  // Makes `how` stop the child when signalled. The wake-up must outlive `how`.
  void attach(BlockingWait& how) const {
    how.controls.push_back({fd(), [this] { return requested(); }});
  }

 private:
  // What the signals so far ask for; reads them, so that the descriptor is not ready
  // again until the next one.
  ControlEvent requested() const {
    std::uint64_t count = 0;
    [[maybe_unused]] auto read = ::read(fd_.get(), &count, sizeof count);
    return ControlEvent{.stop = StopReason::interrupted, .escalate = escalate_.load()};
  }

  UniqueFd fd_;
  mutable std::atomic<bool> escalate_{false};
};

}  // namespace libterraform::process
