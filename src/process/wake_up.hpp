#pragma once

#include "libterraform/errors.hpp"
#include "process/unique_fd.hpp"
#include "process/wait_blocking.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace libterraform::process {

// Interrupts a blocking supervision from anywhere: another thread (a stop token, a
// stream's cancel()), or a callback that failed. Its descriptor is the supervision's
// control descriptor.
class WakeUp {
 public:
  WakeUp() : fd_(above_stdio(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))) {
    if (!fd_) throw Error(errc::spawn_failed, "eventfd failed");
  }
  int fd() const { return fd_.get(); }
  void signal() const {
    std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(fd_.get(), &one, sizeof one);
  }
  // Makes `how` stop the child when signalled.
  void attach(BlockingWait& how) const {
    how.controls.push_back({fd(), [] { return ControlEvent{StopReason::interrupted, true}; }});
  }

 private:
  UniqueFd fd_;
};

}  // namespace libterraform::process
