#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace libterraform::pool {

using TaskId = std::uint64_t;
using WorkerId = std::uint64_t;

// The pool's scheduling decisions, without processes or threads: which queued task
// runs on which idle worker, module ownership, cancellation, how many workers to
// start. Driven by events; unit-tested on its own.
//
// Rules: tasks start in submission order, except that a task whose module is busy
// waits (and keeps its place) while later tasks on other modules go ahead; two tasks
// on one module never run at once; at most max_workers workers exist.
class Scheduler {
 public:
  explicit Scheduler(std::size_t max_workers) : max_workers_(max_workers) {}

  // `module` is the task's module directory (a real path); empty: no module to own.
  void enqueue(TaskId task, std::string module);

  enum class CancelResult {
    removed,  // it was queued: it will never run
    running,  // it runs on a worker: interrupt it there
    unknown,  // not queued and not running (finished, or never seen)
  };
  CancelResult cancel(TaskId task);
  // Removes every queued task (shutdown with cancel_futures), oldest first.
  std::vector<TaskId> cancel_queued();

  // Worker lifecycle. A started worker is counted against max_workers but takes work
  // only once ready.
  void worker_started(WorkerId worker);
  void worker_ready(WorkerId worker);
  // The task it ran finished: the module is free, the worker idle.
  std::optional<TaskId> task_finished(WorkerId worker);
  // The worker is gone; returns the task it was running, which has failed.
  std::optional<TaskId> worker_lost(WorkerId worker);

  // Keeps a module busy outside any task: while the terraform of a dead worker winds
  // down, nothing else may run there.
  void reserve_module(const std::string& module);
  void release_module(const std::string& module);

  struct Assignment {
    TaskId task;
    WorkerId worker;
    friend bool operator==(const Assignment&, const Assignment&) = default;
  };
  // Hands queued tasks whose module is free to idle workers.
  std::vector<Assignment> assign();
  // How many workers to start now so that every runnable task has one.
  std::size_t workers_to_start() const;

  std::optional<WorkerId> worker_of(TaskId task) const;
  std::optional<TaskId> task_of(WorkerId worker) const;
  std::vector<WorkerId> idle_workers() const;
  std::size_t queued() const { return queue_.size(); }
  std::size_t running() const { return running_.size(); }
  std::size_t workers() const { return workers_.size(); }

 private:
  struct Queued {
    TaskId task;
    std::string module;
  };
  struct Running {
    WorkerId worker;
    std::string module;
  };
  enum class WorkerState { starting, idle, busy };
  struct Worker {
    WorkerState state = WorkerState::starting;
    TaskId task = 0;
  };

  std::optional<TaskId> release(WorkerId worker);

  std::size_t max_workers_;
  std::deque<Queued> queue_;
  std::unordered_map<TaskId, Running> running_;
  std::unordered_map<WorkerId, Worker> workers_;
  std::unordered_set<std::string> busy_modules_;
};

}  // namespace libterraform::pool
