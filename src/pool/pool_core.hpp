#pragma once

#include "command/conclude.hpp"
#include "command/invocation.hpp"
#include "command/output_collector.hpp"
#include "libterraform/terraform_pool.hpp"
#include "pool/liveness.hpp"
#include "pool/scheduler.hpp"
#include "pool/spawner.hpp"
#include "pool/worker_connection.hpp"
#include "process/launch.hpp"
#include "process/wait_async.hpp"

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

namespace libterraform::pool {

// The parent side of a TerraformPool. One I/O thread owns the workers (their spawner,
// channels, exits); a small thread pool delivers output to callbacks and completes
// futures, one strand per task, so a slow callback delays only its own task. The
// scheduling decisions are the Scheduler's; this class wires them to processes.
class PoolCore : public detail::TaskCanceller, public std::enable_shared_from_this<PoolCore> {
 public:
  explicit PoolCore(PoolOptions options);
  ~PoolCore() override;

  // Starts the I/O thread; call once, right after construction.
  void start();

  Future<CommandResult> submit(const std::filesystem::path& working_dir, detail::CommandSpec spec);
  Future<RunResult> submit_run(detail::CommandSpec spec);
  bool cancel_task(std::uint64_t task) override;
  // Throws Error(would_deadlock) for wait = true on one of the pool's own threads.
  void shutdown(bool wait, bool cancel_futures);
  // Joins the pool's threads; after shutdown(wait = true), from outside the pool.
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
    detail::CommandSpec spec;
    detail::Invocation invocation;
    std::string module;  // real path; empty: no module to own
    std::shared_ptr<detail::FutureStateBase> future;
    std::function<void(const detail::Outcome&)> complete;  // sets the typed value
    Strand delivery;
    // With callbacks, the collector is used on `delivery` only; without, on the I/O
    // thread only.
    std::unique_ptr<detail::OutputCollector> collector;
    bool callbacks = false;
    // While running, on the I/O thread: terraform's pidfd and pipes, passed by the
    // worker, to wind terraform down if the worker dies.
    process::Child terraform;
    bool started = false;
    std::chrono::steady_clock::time_point started_at;
    // terraform has had its one interrupt (the worker said so before sending it, or
    // it came from outside): whoever winds terraform down must not send another.
    bool interrupted = false;
    // Interrupts the task when the caller's stop token asks.
    std::unique_ptr<std::stop_callback<std::function<void()>>> on_stop;

    Task(Strand strand) : delivery(std::move(strand)) {}
  };
  using TaskPtr = std::shared_ptr<Task>;

  struct Worker {
    std::shared_ptr<WorkerConnection> connection;  // null until the spawner answers
    pid_t pid = -1;
    process::UniqueFd pidfd;             // to kill it by, should it stop answering
    std::optional<std::string> failure;  // why it is going away, if it said
    bool ready = false;
    bool shut = false;                      // the pool closed its channel: it must exit
    bool closed = false;                    // its channel reached end of stream
    process::EnvironmentBlock environment;  // the last one sent: the worker keeps it
  };

  TaskPtr make_task(std::string module, detail::CommandSpec spec,
                    std::shared_ptr<detail::FutureStateBase> future,
                    std::function<void(const detail::Outcome&)> complete,
                    const std::filesystem::path& working_dir);
  // Queues the task, or completes it at once with `error`.
  void enqueue(const TaskPtr& task, std::exception_ptr error);

  // I/O thread.
  void pump();
  void spawn_worker();
  void on_spawned(WorkerId worker, pid_t pid, process::UniqueFd channel, process::UniqueFd pidfd);
  void on_spawn_failed(WorkerId worker, const std::string& reason);
  void on_frame(WorkerId worker, Frame frame, std::vector<process::UniqueFd> fds);
  void on_protocol_error(WorkerId worker, const std::string& reason);
  void on_channel_closed(WorkerId worker);
  void on_worker_exit(pid_t pid, int wait_status);
  void on_spawner_gone(const std::string& reason);
  // The worker has exited: fail its task, if it had one, and forget it.
  void worker_gone(WorkerId worker, const std::string& how);
  // Marks the pool broken: queued tasks fail with `code`, and so will submissions.
  void break_pool(errc code, const std::string& reason);
  void wind_down_orphan(const TaskPtr& task, std::string reason);
  void send_interrupt(TaskId task);
  TaskPtr running_on(WorkerId worker);
  // Closes every worker's channel, then the spawner's, once nothing needs them.
  void close_processes();
  // Once shut down and drained: lets the I/O thread end and wakes shutdown(wait).
  void finish_if_drained();

  // The watch over processes that stop answering (see Liveness).
  void update_liveness();
  void arm_liveness_timer();
  void on_liveness_time();
  void kill_worker(WorkerId worker, const std::string& reason);

  // Delivery: in order per task.
  void deliver_output(const TaskPtr& task, process::OutputStream stream, std::string bytes);
  void finish(const TaskPtr& task, detail::RawRun raw);
  void fail(const TaskPtr& task, std::exception_ptr error);
  // Fails a task that ran, with what it printed so far as the error's result.
  void fail_with_output(const TaskPtr& task, errc code, std::string message);
  void forget(TaskId task);

  const PoolOptions options_;
  const unsigned max_workers_;
  const std::string executable_;
  // Read once, when the pool is built: the environment of commands without an env of
  // their own, sent to each worker once.
  const process::EnvironmentBlock environment_;

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> io_work_;
  // Started once the spawner is forked: a fork copies only the forking thread, and a
  // lock another thread held at that moment (an allocator's, say) stays held forever.
  std::optional<boost::asio::thread_pool> delivery_;
  std::thread io_thread_;

  std::mutex mutex_;  // guards what user threads and pool threads share, below
  std::condition_variable drained_;
  Scheduler scheduler_;
  std::map<TaskId, TaskPtr> tasks_;  // submitted and not yet completed
  std::atomic<TaskId> next_task_{1};
  bool closing_ = false;
  // Why the pool can no longer run tasks: a worker failed to start, the spawner died.
  std::optional<std::pair<errc, std::string>> broken_;
  std::size_t live_workers_ = 0;

  bool spawner_done_ = false;

  // I/O thread only (the spawner is created before the thread starts).
  std::shared_ptr<Spawner> spawner_;
  std::map<WorkerId, Worker> workers_;
  WorkerId next_worker_ = 1;
  std::size_t orphans_ = 0;
  std::optional<Liveness> liveness_;  // unset: worker_response_timeout is
  boost::asio::steady_timer liveness_timer_;
  std::optional<std::chrono::steady_clock::time_point> liveness_armed_for_;
};

}  // namespace libterraform::pool
