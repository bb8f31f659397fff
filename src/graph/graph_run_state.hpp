#pragma once

#include "graph/graph_schedule.hpp"
#include "libterraform/graph_run.hpp"

#include <mutex>
#include <stop_token>

namespace libterraform::detail {

// One run over a graph: the schedule, each module's outcome and task, the results.
// The tasks' callbacks drive it (a task started, ended); it hands the modules the
// schedule lets start to the runner. Calls into the runner, the tasks and user
// callbacks are made without its lock.
class GraphRunState : public std::enable_shared_from_this<GraphRunState> {
 public:
  // `left_out[m]`: why m does not run (graph::selection); empty when it is selected. `order`: the
  // report's levels.
  GraphRunState(ModuleGraph graph, ModuleRunner runner, GraphRunOptions options, bool reverse,
                std::vector<std::optional<std::string>> left_out,
                std::vector<std::vector<std::string>> order);

  void start();
  void cancel();
  void escalate();
  std::shared_ptr<FutureState<GraphRunReport>> report_state() const { return run_; }
  std::shared_ptr<FutureState<ModuleReport>> module_state(std::string_view name) const;

 private:
  // What a call changed, to report and act on once the lock is released.
  struct Changes {
    std::vector<std::size_t> changed;              // outcomes to report
    std::vector<std::size_t> concluded;            // ended: the schedule acts once reported
    std::vector<std::size_t> to_start;             // modules to submit
    std::vector<Future<CommandResult>> withdraw;   // queued tasks fail-fast takes back
    std::vector<Future<CommandResult>> interrupt;  // tasks a cancel stops
    bool finished = false;
    bool empty() const {
      return changed.empty() && concluded.empty() && to_start.empty() && withdraw.empty() &&
             interrupt.empty() && !finished;
    }
  };

  void launch(std::size_t module);
  // terraform started for the module's task (its on_start callback).
  void started(std::size_t module, ModuleReport::TimePoint time);
  void ended(std::size_t module, const Future<CommandResult>& task);
  // An event of the module's -json stream: its summary and diagnostics go in its report.
  void observe(std::size_t module, const Event& event);
  // Records the schedule's latest word on `modules`: skipped or cancelled, why.
  void mark(const std::vector<std::size_t>& modules, const std::string& reason,
            StoppedBy stopped_by, Changes& changes);
  // The module failed: what depends on it is skipped; fail-fast stops the rest.
  void failed_locked(std::size_t module, Changes& changes);
  // The schedule acts on a module that ended (`concluded`), once it has been reported.
  void settle_locked(std::size_t module, Changes& changes);
  // A callback of the run (on_change) threw for the module: it fails with that exception
  // (a running one once its terraform, interrupted, has ended). `settling`: it has just
  // ended, and settle_locked() will act on the failure.
  void callback_threw_locked(std::size_t module, std::exception_ptr error, bool settling,
                             Changes& changes);
  void take_ready(Changes& changes);
  std::vector<Future<CommandResult>> unfinished_tasks_locked() const;
  // Reports `changes` and acts on them, then on what that changed in turn (a callback
  // that threw, modules now ready), until nothing is left.
  void apply(Changes changes);
  CommonOptions options_for(std::size_t module);

  const ModuleGraph graph_;
  const ModuleRunner runner_;
  const GraphRunOptions options_;

  std::mutex mutex_;
  graph::GraphSchedule schedule_;
  GraphRunReport report_;
  std::vector<Future<CommandResult>> tasks_;
  std::vector<std::shared_ptr<FutureState<ModuleReport>>> modules_;
  std::shared_ptr<FutureState<GraphRunReport>> run_;
  bool cancelled_ = false;
  bool finished_ = false;
  int notifying_ = 0;                              // apply() calls under way, on any thread
  std::optional<GraphRunReport> finished_report_;  // set once notifying_ drops to 0
  std::optional<std::size_t> first_failure_;
  std::vector<std::exception_ptr> callback_errors_;  // per module, once a callback threw
  // Cancels the run when the options' stop token asks (set in start()).
  std::optional<std::stop_callback<std::function<void()>>> on_stop_;
};

}  // namespace libterraform::detail
