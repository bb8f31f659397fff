#pragma once

#include "process/launch.hpp"
#include "process/supervisor.hpp"

#include <sys/types.h>

#include <chrono>
#include <limits>

namespace libterraform::process {

enum class OutputStream { out, err };

// The retcode of a child whose exit status someone else took (see peek_exit).
inline constexpr int kExitStatusLost = std::numeric_limits<int>::min();

// How a supervised child ended.
struct ChildExit {
  // Exit code, -N when ended by signal N, -1 when unknown (adopted), kExitStatusLost.
  int retcode = 0;
  StopReason stop_reason = StopReason::none;
  std::chrono::milliseconds duration{0};

  bool status_lost() const { return retcode == kExitStatusLost; }
};

// The exit code of a child whose pidfd is readable, without reaping it: the zombie
// keeps its process-group id reserved while the group's leftovers are signalled.
// -1 for an adopted child, whose code this process cannot know.
//
// A host that ignores SIGCHLD (the kernel then reaps children at once) or reaps every
// child from a handler (waitpid(-1)) takes the status first; since Linux 6.15 the
// kernel keeps a copy on the pidfd (PIDFD_GET_INFO), read then. On an older kernel
// the status is gone: kExitStatusLost.
int peek_exit(const Child& child);
// Reaps the child (nothing for an adopted one); call once, after peek_exit and the
// clean-up of its group.
void reap(const Child& child);
// Sends a signal to the child, or to its whole process group (pgid == pid); a child
// or group that is already gone is not an error.
void send_signal(pid_t pid, Signal signal);

}  // namespace libterraform::process
