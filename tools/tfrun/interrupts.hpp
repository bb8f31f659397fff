#pragma once

// tfrun's Ctrl-C: SIGINT and SIGTERM taken by one thread for the length of a run.

#include "display.hpp"

#include <libterraform/graph_run.hpp>
#include <libterraform/stop_policy.hpp>

#include <signal.h>

#include <atomic>
#include <thread>

namespace tfrun {

// Takes SIGINT and SIGTERM (blocked in every other thread) until the run ends: the
// first interrupts every running terraform once and starts nothing more; the second
// escalates their stop per the stop policy (--stop-escalation). Construct it before
// any other thread starts, so that they all inherit the blocked signals.
class Interrupts {
 public:
  Interrupts();
  ~Interrupts() { stop(); }
  Interrupts(const Interrupts&) = delete;
  Interrupts& operator=(const Interrupts&) = delete;

  void watch(const libterraform::GraphRun& run, Display& display,
             libterraform::Escalation escalation);
  void stop();
  // A SIGINT or SIGTERM came: the run was asked to stop (even if it ended first).
  bool received() const { return received_; }

 private:
  sigset_t signals_;
  std::atomic<bool> over_{false};
  std::atomic<bool> received_{false};
  std::thread thread_;
};

}  // namespace tfrun
