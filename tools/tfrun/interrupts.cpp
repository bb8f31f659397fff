#include "interrupts.hpp"

#include <string>

namespace tfrun {
namespace {

using libterraform::Escalation;

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
    const timespec tick{0, 200'000'000};
    while (!over_) {
      if (sigtimedwait(&signals_, nullptr, &tick) < 0) continue;
      if (++received == 1) {
        display.message(std::string("tfrun: interrupted: stopping every running terraform once (it "
                                    "writes its state and releases its lock) and starting no more "
                                    "modules") +
                        (escalation == Escalation::none ? "" : "; interrupt again to force it"));
        run.cancel();
      } else if (received == 2 && escalation != Escalation::none) {
        display.message("tfrun: interrupted again: " + forcing(escalation) +
                        " every terraform still running; its state may not be written "
                        "and its lock may be left held");
        run.escalate();
      } else {
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
