#include "process/child_exit.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <cerrno>

namespace libterraform::process {

int peek_exit(int pidfd) {
  siginfo_t info{};
  while (::waitid(P_PIDFD, static_cast<id_t>(pidfd), &info, WEXITED | WNOWAIT) != 0) {
    if (errno != EINTR) return -SIGKILL;  // cannot happen for our own child
  }
  if (info.si_code == CLD_EXITED) return info.si_status;
  return -info.si_status;
}

void reap(int pidfd) {
  siginfo_t info{};
  while (::waitid(P_PIDFD, static_cast<id_t>(pidfd), &info, WEXITED) != 0 && errno == EINTR) {
  }
}

void signal_group(pid_t pid, int signal) { ::kill(-pid, signal); }

}  // namespace libterraform::process
