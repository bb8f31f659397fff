// A stand-in for terraform in the cancel-latency benchmark: prints "ready", waits for
// SIGINT, then prints the CLOCK_MONOTONIC time (ns) at which the signal arrived.

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

namespace {
std::atomic<long long> received{0};

void on_interrupt(int) {
  timespec now;
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  received = static_cast<long long>(now.tv_sec) * 1000000000LL + now.tv_nsec;
}
}  // namespace

int main() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  ::sigaction(SIGINT, &action, nullptr);
  // SIGINT stays blocked except inside sigsuspend(): one arriving between the check and
  // the wait would otherwise be handled there and the wait would never end.
  sigset_t interrupt, unblocked;
  ::sigemptyset(&interrupt);
  ::sigaddset(&interrupt, SIGINT);
  ::sigprocmask(SIG_BLOCK, &interrupt, &unblocked);
  std::puts("ready");
  std::fflush(stdout);
  while (received == 0)
    ::sigsuspend(&unblocked);
  std::printf("%lld\n", received.load());
  return 1;
}
