#pragma once

#include "libterraform/errors.hpp"
#include "pool/scheduler.hpp"

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace libterraform::pool {

// Why a worker is going away, as its task will report it.
struct WorkerFailure {
  errc code = errc::worker_died;  // worker_died or protocol_error
  std::string message;
  friend bool operator==(const WorkerFailure&, const WorkerFailure&) = default;
};

// The lifecycle of a pool's worker processes, without any I/O: which workers exist,
// in which phase, and what the end of each one means for its task and for the pool.
// Sans-io, like the Scheduler and Liveness: the pool's I/O thread reports what
// happens and carries out what it is told.
//
//   starting --ready--> ready --close--> closing --ended--> (gone)
//       \______________________\_______________/
//
// A worker that ends before it was ever ready breaks the pool (its initializer threw,
// or it died at once), unless the pool was closing it anyway. A worker's task fails
// with the first reason the worker is known to be going away (its own report, a
// protocol error, a kill for not answering), else with how it ended.
class WorkerLifecycle {
 public:
  enum class Phase { starting, ready, closing };

  void starting(WorkerId worker);
  void spawned(WorkerId worker, pid_t pid);
  void ready(WorkerId worker);
  // The first reason recorded wins: it is the cause, what follows its effects.
  void failing(WorkerId worker, WorkerFailure failure);
  // The pool closes the channel of every worker that is not closing yet: those.
  std::vector<WorkerId> close_all();
  void channel_ended(WorkerId worker);

  // What a worker's end means.
  struct End {
    WorkerFailure task_failure;  // for the task it ran, if any
    // The pool can no longer trust it can start workers: queued tasks fail with this.
    std::optional<WorkerFailure> pool_failure;
  };
  // The worker has exited (`how`: its exit status, described). Forgets it.
  End ended(WorkerId worker, const std::string& how, bool pool_closing);

  bool exists(WorkerId worker) const { return workers_.contains(worker); }
  std::optional<Phase> phase(WorkerId worker) const;
  std::optional<WorkerId> find(pid_t pid) const;
  pid_t pid(WorkerId worker) const;
  // Ready workers the pool has not closed and whose channel is open: those liveness
  // watches for being busy.
  std::vector<WorkerId> serving() const;
  // Workers whose channel has ended: once nobody can report their exit (the spawner
  // is gone), that end is all there will be.
  std::vector<WorkerId> with_ended_channel() const;
  bool empty() const { return workers_.empty(); }
  std::size_t size() const { return workers_.size(); }

 private:
  struct Worker {
    Phase phase = Phase::starting;
    pid_t pid = -1;
    bool spawned = false;
    bool channel_ended = false;
    bool was_ready = false;
    std::optional<WorkerFailure> failure;
  };

  std::map<WorkerId, Worker> workers_;
};

}  // namespace libterraform::pool
