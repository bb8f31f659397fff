#include "process/child_exit.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <cerrno>

namespace libterraform::process {

int peek_exit(const Child& child) {
  if (child.adopted) return -1;
  siginfo_t info{};
  while (::waitid(P_PIDFD, static_cast<id_t>(child.pidfd.get()), &info, WEXITED | WNOWAIT) != 0) {
    if (errno != EINTR) return -SIGKILL;  // cannot happen for our own child
  }
  if (info.si_code == CLD_EXITED) return info.si_status;
  return -info.si_status;
}

void reap(const Child& child) {
  if (child.adopted) return;
  siginfo_t info{};
  while (::waitid(P_PIDFD, static_cast<id_t>(child.pidfd.get()), &info, WEXITED) != 0 &&
         errno == EINTR) {
  }
}

void send_signal(pid_t pid, Signal signal) {
  ::kill(signal.whole_group ? -pid : pid, signal.number);
}

}  // namespace libterraform::process
