#pragma once

#include "process/supervisor.hpp"

#include <sys/types.h>

#include <chrono>

namespace libterraform::process {

enum class OutputStream { out, err };

// How a supervised child ended.
struct ChildExit {
  int retcode = 0;  // exit code, or -N when ended by signal N
  StopReason stop_reason = StopReason::none;
  std::chrono::milliseconds duration{0};
};

// The exit code of a child whose pidfd is readable, without reaping it: the zombie
// keeps its process-group id reserved while the group's leftovers are signalled.
int peek_exit(int pidfd);
// Reaps the child; call once, after peek_exit and the clean-up of its group.
void reap(int pidfd);
// Sends a signal to the child's process group (pgid == pid); a group that is already
// empty is not an error.
void signal_group(pid_t pid, int signal);

}  // namespace libterraform::process
