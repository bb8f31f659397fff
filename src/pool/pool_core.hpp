#pragma once

#include "command/invocation.hpp"
#include "command/run_core.hpp"
#include "libterraform/terraform_pool.hpp"
#include "pool/launcher_stderr.hpp"
#include "pool/liveness.hpp"
#include "pool/scheduler.hpp"
#include "pool/spawner.hpp"
#include "pool/worker_connection.hpp"
#include "pool/worker_lifecycle.hpp"
#include "pool/worker_slots.hpp"
#include "process/launch.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace libterraform::process {
class AsyncWait;
}

namespace libterraform::pool {

// What a task's future fails with, from the outcome of its run.
inline detail::TaskError task_error(const detail::Outcome& outcome) {
  return {outcome.code, outcome.exception(), outcome.result};
}

// The parent side of a TerraformPool: a thin I/O shell around three sans-io cores (the
// Scheduler, the WorkerLifecycle and Liveness) and one RunCore per task.
//
// One I/O thread owns the cores and the processes (the spawner, the workers' channels,
// their exits): submissions and cancellations are posted to it. A small thread pool
// delivers output to callbacks and completes futures, one strand per worker, so that
// what one worker's terraform commands did is told in the order it happened (one
// ends before the next one starts) and a slow callback delays only its own worker. What user
// threads and pool threads share (the task registry, whether the pool is closing or broken) is
// under one mutex.
//
//   pool_core.cpp      submission, cancellation, shutdown (any thread)
//   pool_workers.cpp   workers and their frames, exits, orphans (I/O thread)
//   pool_delivery.cpp  output, results and liveness (delivery strands, I/O thread)
class PoolCore : public detail::TaskCanceller, public std::enable_shared_from_this<PoolCore> {
 public:
  explicit PoolCore(PoolOptions options);
  ~PoolCore() override;  // NOLINT(bugprone-exception-escape): terminates; see its definition

  // Starts the I/O thread; call once, right after construction.
  void start();

  Future<CommandResult> submit(const std::filesystem::path& working_dir, detail::CommandSpec spec);
  Future<RunResult> submit_run(detail::CommandSpec spec);
  // Throws Error(would_deadlock) for wait = true on one of the pool's own threads.
  void shutdown(ShutdownOptions options);
  // Joins the pool's threads; after shutdown({.wait = true}), from outside the pool.
  void join();
  // True on the pool's I/O thread or one of its delivery threads (its callbacks).
  bool on_pool_thread();

  const PoolOptions& options() const noexcept { return options_; }
  detail::FlagDefaults flag_defaults() const noexcept {
    return {options_.terraform.no_color, options_.terraform.input};
  }
  unsigned max_workers() const noexcept { return max_workers_; }

 private:
  using Strand = boost::asio::strand<boost::asio::thread_pool::executor_type>;

  struct Task {
    TaskId id = 0;
    detail::Invocation invocation;
    std::string plugin_cache_dir;  // an init's, when the pool shares a plugin cache
    std::string module;            // real path; empty: no module to own
    std::shared_ptr<detail::FutureStateBase> future;
    std::function<void(const detail::Outcome&)> complete;  // sets the typed value
    // Its own until a worker takes it, then that worker's (set on the I/O thread).
    Strand delivery;
    // With callbacks (output, event or start callbacks of the user's), the run is used
    // on `delivery` only; without, on the I/O thread only.
    std::unique_ptr<detail::RunCore> run;
    bool callbacks = false;
    bool start_posted = false;  // its start went through the strand: so does its end
    // While running, on the I/O thread: terraform's pidfd and pipes, passed by the
    // worker, to wind terraform down if the worker dies.
    process::Child terraform;
    bool started = false;
    std::chrono::steady_clock::time_point started_at;
    std::string worker;  // how its worker describes itself
    // terraform has had its one interrupt (the worker said so before sending it, or
    // it came from outside): whoever winds terraform down must not send another.
    bool interrupted = false;
    // Winds terraform down here after its worker died (wind_down_orphan).
    std::shared_ptr<process::AsyncWait> orphan_watch;
    // Interrupts the task when the caller's stop token asks; escalates its stop when
    // the spec's escalation token does.
    std::unique_ptr<std::stop_callback<std::function<void()>>> on_stop, on_escalation;

    Task(Strand strand) : delivery(std::move(strand)) {}
  };
  using TaskPtr = std::shared_ptr<Task>;

  // The I/O side of a worker; its phase is the WorkerLifecycle's.
  struct WorkerHandles {
    WorkerHandles(Strand strand, std::size_t slot) : delivery(std::move(strand)), slot(slot) {}
    Strand delivery;                                  // its tasks' deliveries, in order
    std::size_t slot;                                 // 0: a local fork; n: launchers[n - 1]
    std::shared_ptr<WorkerConnection> connection;     // null until the spawner answers
    process::UniqueFd pidfd;                          // to kill it by, should it stop answering
    process::EnvironmentBlock environment;            // the last one sent: the worker keeps it
    std::string description;                          // the worker's own, from its ready frame
    std::shared_ptr<LauncherStderr> launcher_stderr;  // a launcher's
    std::shared_ptr<boost::asio::steady_timer> greeting_timer;  // a launcher's start_timeout
  };

  // --- submission, cancellation (pool_core.cpp) ---
  TaskPtr make_task(std::string module, detail::CommandSpec spec,
                    std::shared_ptr<detail::FutureStateBase> future,
                    std::function<void(const detail::Outcome&)> complete,
                    const std::filesystem::path& working_dir);
  // Registers the task and posts it to the I/O thread, or completes it at once with
  // `error`. Throws when the pool is shut down or broken.
  void enqueue(const TaskPtr& task, std::optional<detail::Outcome> error);
  // TaskCanceller: called by a future when it is cancelled.
  void dropped(std::uint64_t id) override;
  void interrupt(std::uint64_t id) override;
  void escalate(std::uint64_t id) override;
  void withdraw(std::uint64_t id) override;
  // Cancels a queued task; has a prefetched one dropped by its worker; sends a running
  // one's worker `how` (interrupt or escalate; nothing for a withdrawal).
  enum class Stop { withdraw, interrupt, escalate };
  void stop_task(TaskId id, Stop how);
  TaskPtr find_task(TaskId id);

  // --- I/O thread (pool_workers.cpp) ---
  void admit(const TaskPtr& task);
  void pump();
  // Sends the task to its worker; false if it was cancelled meanwhile.
  bool start_task(const TaskPtr& task, WorkerId id);
  // Starts a worker where WorkerSlots says; false if no slot may start one now (a timer
  // then pumps again once a resting launcher may).
  bool spawn_worker();
  void on_spawned(WorkerId id, pid_t pid, process::UniqueFd channel, process::UniqueFd pidfd,
                  process::UniqueFd launcher_stderr);
  // A launcher's worker ended before it was ready: its launcher rests or leaves the
  // rotation; when none is left, the pool fails typed.
  void launcher_failed(std::size_t slot, const WorkerFailure& failure);
  // `shortage` (descriptors, processes, memory): the pool stays usable; the commands
  // that no worker is left to run fail, and no worker is started for a while.
  void on_spawn_failed(WorkerId id, const std::string& reason, bool shortage);
  void on_frame(WorkerId worker, const Frame& frame, std::vector<process::UniqueFd> fds);
  void on_task_frame(WorkerId worker, const Frame& frame, std::vector<process::UniqueFd>& fds);
  void on_protocol_error(WorkerId worker, errc code, const std::string& reason);
  void on_channel_closed(WorkerId id);
  void on_worker_exit(pid_t pid, int wait_status);
  void on_spawner_gone(const std::string& reason);
  // The worker has exited: fail its task, if it had one, and forget it.
  // `between_commands`: it exited normally, which a worker does only between commands
  // (a remote one whose host stopped it): a task it never started runs elsewhere.
  void worker_gone(WorkerId id, const std::string& how, bool between_commands = false);
  // Marks the pool broken: queued tasks fail with `code`, and so will submissions.
  void break_pool(errc code, const std::string& reason);
  void wind_down_orphan(const TaskPtr& task, WorkerFailure failure);
  // Sends the task's worker `type` (interrupt or escalate) for it.
  void send_stop(TaskId task, FrameType type = FrameType::interrupt);
  TaskPtr running_on(WorkerId worker);
  // Closes every worker's channel, then the spawner's, once nothing needs them.
  void close_processes();
  // Once shut down and drained: lets the I/O thread end and wakes shutdown(wait).
  void finish_if_drained();

  // --- liveness, I/O thread (pool_delivery.cpp) ---
  void update_liveness();
  void arm_liveness_timer();
  void on_liveness_time();
  void kill_worker(WorkerId id, std::string reason);

  // --- delivery, in order per worker (pool_delivery.cpp) ---
  // terraform has started: PoolOptions::on_start, then the future's start callbacks.
  void notify_start(const TaskPtr& task);
  void deliver_output(const TaskPtr& task, process::OutputStream stream, std::string bytes);
  void finish(const TaskPtr& task, process::ChildExit exit);
  void fail(const TaskPtr& task, detail::Outcome failure);
  // Fails a task that ran, with what it printed so far as the error's result.
  void fail_with_output(const TaskPtr& task, errc code, std::string message);
  void cancelled(const TaskPtr& task);
  void forget(TaskId id);

  const PoolOptions options_;
  const unsigned max_workers_;
  const std::string executable_;
  // Read once, when the pool is built: the environment of commands without an env of
  // their own, sent to each worker once.
  const process::EnvironmentBlock environment_;
  const std::string plugin_cache_dir_;  // absolute; empty: none

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> io_work_;
  // Started once the spawner is forked: a fork copies only the forking thread, and a
  // lock another thread held at that moment (an allocator's, say) stays held forever.
  std::optional<boost::asio::thread_pool> delivery_;
  std::thread io_thread_;

  // What user threads and pool threads share.
  std::mutex mutex_;
  std::condition_variable drained_;
  std::map<TaskId, TaskPtr> tasks_;  // submitted and not yet completed
  std::atomic<TaskId> next_task_{1};
  bool closing_ = false;
  // Why the pool can no longer run tasks: a worker failed to start, the spawner died.
  std::optional<std::pair<errc, std::string>> broken_;
  bool finished_ = false;  // shut down, drained, every process gone

  // I/O thread only (the spawner is created before the thread starts).
  Scheduler scheduler_;
  WorkerLifecycle lifecycle_;
  std::shared_ptr<Spawner> spawner_;
  std::map<WorkerId, WorkerHandles> handles_;
  WorkerId next_worker_ = 1;
  std::size_t orphans_ = 0;
  bool spawner_done_ = false;
  // Where workers come from, and the launchers' rests.
  WorkerSlots slots_;
  boost::asio::steady_timer slot_retry_timer_;
  // After a spawn failed for a shortage: no worker is started before then.
  std::optional<std::chrono::steady_clock::time_point> spawn_paused_until_;
  boost::asio::steady_timer spawn_retry_timer_;
  std::optional<Liveness> liveness_;  // unset: worker_response_timeout is
  boost::asio::steady_timer liveness_timer_;
  std::optional<std::chrono::steady_clock::time_point> liveness_armed_for_;
};

}  // namespace libterraform::pool
