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

// The pool's scheduling decisions, without processes or threads: which task goes to
// which worker, module ownership, cancellation, how many workers to start. Driven by
// events; unit-tested on its own.
//
// Rules: tasks are handed out in submission order, except that a task whose module is
// busy waits (and keeps its place) while later tasks on other modules go ahead; two
// tasks on one module never run at once; at most max_workers workers exist.
//
// With a backlog (more runnable tasks than workers, and no room for more workers), a
// busy worker may hold one more task, handed to it ahead of time so that it starts it
// the moment its current one ends, without a round trip to the parent. Such a
// prefetched task is the scheduler's "running" (its module is taken, like a task in
// concurrent.futures' call queue), though its terraform starts only later.
// When a worker goes idle with nothing left to hand out while another holds a
// prefetched task, that task is revoked, to run on the idle worker instead of waiting
// behind a long command.
class Scheduler {
 public:
  explicit Scheduler(std::size_t max_workers) : max_workers_(max_workers) {}

  struct Assignment {
    TaskId task;
    WorkerId worker;
    friend bool operator==(const Assignment&, const Assignment&) = default;
  };

  // `module` is the task's module directory (a real path); empty: no module to own.
  void enqueue(TaskId task, std::string module);

  enum class CancelResult {
    removed,     // it was queued: it will never run
    running,     // it runs on a worker: interrupt it there
    prefetched,  // a worker holds it, not started: tell it to drop it (see revoked())
    unknown,     // not queued and not running (finished, or never seen)
  };
  CancelResult cancel(TaskId task);
  // Takes back an assignment before it reached its worker (its task was cancelled
  // meanwhile): the task is forgotten, its worker and module are free again.
  void withdraw(TaskId task);
  // Removes every queued task (shutdown with cancel_futures), oldest first.
  std::vector<TaskId> cancel_queued();
  // Marks every prefetched task cancelled; tell each worker to drop its one.
  std::vector<Assignment> cancel_prefetched();

  // Worker lifecycle. A started worker is counted against max_workers but takes work
  // only once ready.
  void worker_started(WorkerId worker);
  void worker_ready(WorkerId worker);
  // The task the worker ran has ended: its module is free; the worker goes on with its
  // prefetched task, if it has one.
  std::optional<TaskId> task_finished(WorkerId worker);
  // The worker dropped a prefetched task it was told to drop. Returns true if the task
  // was cancelled (it is gone), false if it went back to the front of the queue.
  bool revoked(WorkerId worker, TaskId task);

  struct Lost {
    std::optional<TaskId> failed;     // the task it was running, which has failed
    std::optional<TaskId> requeued;   // its prefetched task, back at the front of the queue
    std::optional<TaskId> cancelled;  // its prefetched task, whose cancellation was asked
  };
  // The worker is gone.
  Lost worker_lost(WorkerId worker);

  // Puts a task a lost worker never started back at the front of the queue.
  void requeue(TaskId task, std::string module) { queue_.push_front({task, std::move(module)}); }

  // Keeps a module busy outside any task: while the terraform of a dead worker winds
  // down, nothing else may run there.
  void reserve_module(const std::string& module);
  void release_module(const std::string& module);

  // Hands queued tasks whose module is free to idle workers, then, once every worker
  // there may be exists, one more to each busy worker (prefetch). Send each to its
  // worker.
  std::vector<Assignment> assign();
  // Prefetched tasks to take back, for workers that would otherwise stay idle. Send
  // each worker a revoke; its answer comes through revoked() (or, if it had already
  // started the task, through task_finished()).
  std::vector<Assignment> revocations();
  // Fewer (or more) workers may exist from now on: a launcher left the rotation.
  void set_max_workers(std::size_t max_workers) { max_workers_ = max_workers; }
  // How many workers to start now so that every runnable task has one.
  std::size_t workers_to_start() const;

  std::optional<WorkerId> worker_of(TaskId task) const;
  // The task a worker is running (or about to start), not its prefetched one.
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
    bool prefetched = false;
    bool cancel_requested = false;
  };
  enum class WorkerState { starting, ready };
  struct Worker {
    WorkerState state = WorkerState::starting;
    std::optional<TaskId> current;
    std::optional<TaskId> next;  // prefetched
    bool revoking = false;       // a revoke of `next` is on its way
    bool idle() const { return state == WorkerState::ready && !current; }
  };

  // More runnable tasks wait than there are workers.
  bool backlog() const;
  // The index of the first queued task that may start now, or none.
  std::optional<std::size_t> next_runnable() const;
  void dispatch(std::size_t queue_index, WorkerId worker, bool prefetch);
  void free_module(const Running& running);

  std::size_t max_workers_;
  std::deque<Queued> queue_;
  std::unordered_map<TaskId, Running> running_;
  std::unordered_map<WorkerId, Worker> workers_;
  std::unordered_set<std::string> busy_modules_;
};

}  // namespace libterraform::pool
