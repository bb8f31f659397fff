#include "interrupts.hpp"

#include <chrono>
#include <string>

namespace tfrun {
namespace {

using libterraform::Escalation;
using Clock = std::chrono::steady_clock;

// How long a SIGTERM waits before it interrupts terraform. A service stop (systemd's,
// say) sends SIGTERM to every process of the service in no fixed order: terraform gets
// one itself, and its worker, getting its own, then sends it nothing more. Interrupting
// at once from here could come first, and make the service's SIGTERM terraform's second
// interrupt. A SIGTERM sent to tfrun's process group only (`timeout`) reaches neither
// terraform nor the workers (each leads a group of its own): the interrupt sent after
// this wait is terraform's one.
constexpr std::chrono::milliseconds kTerminationSettle{500};

std::string forcing(Escalation escalation) {
  switch (escalation) {
    case Escalation::interrupt_again:
      return "interrupting";
    case Escalation::terminate:
      return "terminating";
    case Escalation::kill:
      return "killing";
    case Escalation::none:
      break;
  }
  return "stopping";
}

constexpr Clock::time_point kNever = Clock::time_point::max();

// How long to wait for a signal: a tick, or less until `deadline`.
timespec until(Clock::time_point deadline) {
  auto wait = std::chrono::milliseconds(200);
  if (deadline != kNever) {
    wait = std::min(
        wait,
        std::max(std::chrono::milliseconds(0),
                 std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now())));
  }
  return {0, static_cast<long>(wait.count()) * 1'000'000};
}

}  // namespace

Interrupts::Interrupts() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
}

void Interrupts::watch(const libterraform::GraphRun& run, Display& display, Escalation escalation) {
  thread_ = std::thread([this, run, &display, escalation] {
    int received = 0;
    Clock::time_point cancel_at = kNever;  // a SIGTERM's interrupt, once settled
    bool terminated = false;               // a SIGTERM came, at `last_termination`
    Clock::time_point last_termination;
    auto cancel_now = [&] {
      cancel_at = kNever;
      run.cancel();
    };
    while (!over_) {
      const timespec tick = until(cancel_at);
      const int signal = sigtimedwait(&signals_, nullptr, &tick);
      if (signal < 0) {
        if (cancel_at != kNever && Clock::now() >= cancel_at) cancel_now();
        continue;
      }
      if (signal == SIGTERM) {
        // `timeout` sends its SIGTERM to tfrun, then to tfrun's group: one stop, twice.
        const auto now = Clock::now();
        const bool again = terminated && now - last_termination < 2 * kTerminationSettle;
        terminated = true;
        last_termination = now;
        if (again) continue;
      }
      received_ = true;
      const std::string name = signal == SIGTERM ? "terminated (SIGTERM)" : "interrupted";
      if (++received == 1) {
        display.message("tfrun: " + name +
                        ": stopping every running terraform once (it writes its state and "
                        "releases its lock) and starting no more modules" +
                        (escalation == Escalation::none ? "" : "; interrupt again to force it"));
        if (signal == SIGTERM) {
          cancel_at = Clock::now() + kTerminationSettle;
        } else {
          cancel_now();
        }
      } else if (received == 2 && escalation != Escalation::none) {
        if (cancel_at != kNever) cancel_now();
        display.message("tfrun: " + name + " again: " + forcing(escalation) +
                        " every terraform still running; its state may not be written "
                        "and its lock may be left held");
        run.escalate();
      } else {
        if (cancel_at != kNever) cancel_now();
        display.message("tfrun: still waiting for terraform to exit");
      }
    }
  });
}

void Interrupts::stop() {
  over_ = true;
  if (thread_.joinable()) thread_.join();
}

}  // namespace tfrun
