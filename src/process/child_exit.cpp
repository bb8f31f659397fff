#include "process/child_exit.hpp"

#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace libterraform::process {

namespace {

// PIDFD_GET_INFO (Linux 6.15), which <linux/pidfd.h> of older systems lacks: the first
// version of its struct, and the exit-status bit.
struct PidfdInfo {
  std::uint64_t mask;
  std::uint64_t cgroupid;
  std::uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
  std::int32_t exit_code;  // a wait status
};
static_assert(sizeof(PidfdInfo) == 64);
constexpr unsigned long kPidfdGetInfo = _IOWR(0xFF, 11, PidfdInfo);
constexpr std::uint64_t kPidfdInfoExit = 1U << 3;

int retcode_of(int wait_status) {
  return WIFSIGNALED(wait_status) ? -WTERMSIG(wait_status) : WEXITSTATUS(wait_status);
}

// The exit status the kernel kept for a child that someone else reaped.
int reaped_exit(int pidfd) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    PidfdInfo info{};
    info.mask = kPidfdInfoExit;
    if (::ioctl(pidfd, kPidfdGetInfo, &info) != 0) return kExitStatusLost;  // before 6.15
    if (info.mask & kPidfdInfoExit) return retcode_of(info.exit_code);
    ::usleep(1000);  // its reaper has not finished releasing it
  }
  return kExitStatusLost;
}

}  // namespace

// __WALL: a child that failed before exec has no exit signal (see launch()), which
// plain waits skip.
int peek_exit(const Child& child) {
  if (child.adopted) return -1;
  siginfo_t info{};
  while (::waitid(P_PIDFD, static_cast<id_t>(child.pidfd.get()), &info,
                  WEXITED | WNOWAIT | __WALL) != 0) {
    if (errno != EINTR) return reaped_exit(child.pidfd.get());  // taken by the host
  }
  if (info.si_code == CLD_EXITED) return info.si_status;
  return -info.si_status;
}

void reap(const Child& child) {
  if (child.adopted) return;
  siginfo_t info{};
  while (::waitid(P_PIDFD, static_cast<id_t>(child.pidfd.get()), &info, WEXITED | __WALL) != 0 &&
         errno == EINTR) {
  }
}

void send_signal(pid_t pid, Signal signal) {
  ::kill(signal.whole_group ? -pid : pid, signal.number);
}

}  // namespace libterraform::process
