#pragma once

#include "process/launch.hpp"
#include "process/supervisor.hpp"

#include <sys/types.h>

#include <chrono>

namespace libterraform::process {

enum class OutputStream { out, err };

// How a supervised child ended.
struct ChildExit {
  int retcode = 0;  // exit code, -N when ended by signal N, -1 when unknown (adopted)
  StopReason stop_reason = StopReason::none;
  std::chrono::milliseconds duration{0};
};

// The exit code of a child whose pidfd is readable, without reaping it: the zombie
// keeps its process-group id reserved while the group's leftovers are signalled.
// -1 for an adopted child, whose code this process cannot know.
int peek_exit(const Child& child);
// Reaps the child (nothing for an adopted one); call once, after peek_exit and the
// clean-up of its group.
void reap(const Child& child);
// Sends a signal to the child, or to its whole process group (pgid == pid); a child
// or group that is already gone is not an error.
void send_signal(pid_t pid, Signal signal);

}  // namespace libterraform::process
