#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace libterraform::graph {

enum class ModuleState { waiting, running, succeeded, failed, skipped, cancelled, excluded };

struct SchedulePolicy {
  bool fail_fast = false;      // a failure stops every start
  bool ignore_errors = false;  // a failed module's dependents run anyway
};

// Which module of a graph may start when: sans-io, driven by the run's coordinator
// (graph_run.cpp) and unit-tested alone (tests/unit/graph_schedule_test.cpp). Every
// call returns the modules whose state it changed, for the coordinator to report.
class GraphSchedule {
 public:
  // `waits_for[m]`: the modules m starts after (dependencies, or dependents for a
  // destroy). Unselected modules are excluded: they never run and count as done.
  GraphSchedule(std::vector<std::vector<std::size_t>> waits_for, const std::vector<bool>& selected,
                SchedulePolicy policy);

  // The waiting modules everything they wait for has let through, now running.
  std::vector<std::size_t> take_ready();
  void succeeded(std::size_t module);
  // Skips the modules waiting on it (all waiting ones with fail_fast), with it as cause.
  std::vector<std::size_t> failed(std::size_t module);
  // A module started but never run (fail-fast withdrew it from the pool's queue).
  void skipped(std::size_t module, std::size_t cause);
  // A module's task was cancelled (by the run, or by a pool shutting down): the modules
  // waiting on it are cancelled too, with it as cause.
  std::vector<std::size_t> cancelled(std::size_t module);
  // Starts nothing more: every waiting module is cancelled.
  std::vector<std::size_t> cancel();

  // Nothing runs, and nothing is left to start.
  bool done() const;
  bool stopped() const noexcept { return stopped_; }
  ModuleState state(std::size_t module) const { return states_[module]; }
  // The module whose failure skipped this one (or whose cancellation cancelled it).
  std::optional<std::size_t> cause(std::size_t module) const { return causes_[module]; }

 private:
  bool may_start(std::size_t module) const;
  void end(std::size_t module, ModuleState state);
  std::vector<std::size_t> skip_waiting_after(std::size_t failed);

  std::vector<std::vector<std::size_t>> waits_for_;
  std::vector<ModuleState> states_;
  std::vector<std::optional<std::size_t>> causes_;
  SchedulePolicy policy_;
  std::size_t running_ = 0;
  bool stopped_ = false;
};

}  // namespace libterraform::graph
