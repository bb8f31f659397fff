#include "pool/pool_core.hpp"

#include "pool/messages.hpp"
#include "process/real_path.hpp"

#include <boost/asio/post.hpp>

#include <sys/syscall.h>

#include <sys/wait.h>

#include <cstring>

namespace libterraform::pool {
namespace {

namespace asio = boost::asio;

std::string describe_exit(pid_t pid, int wait_status) {
  std::string who = "pool worker " + std::to_string(pid);
  if (WIFSIGNALED(wait_status)) {
    int signal = WTERMSIG(wait_status);
    return who + " died (signal " + std::to_string(signal) + ": " + ::strsignal(signal) + ")";
  }
  return who + " exited with status " + std::to_string(WEXITSTATUS(wait_status));
}

std::exception_ptr error_of(errc code, const std::string& message) {
  return std::make_exception_ptr(Error(code, message));
}

// The result a task's future resolves to, from what conclude() produced.
template <class T>
std::function<void(const detail::Outcome&)> completion(
    std::shared_ptr<detail::FutureState<T>> state);

template <>
std::function<void(const detail::Outcome&)> completion(
    std::shared_ptr<detail::FutureState<CommandResult>> state) {
  return [state](const detail::Outcome& outcome) {
    if (outcome.error) {
      state->set_error(outcome.error);
    } else {
      state->set_value(*outcome.result);
    }
  };
}

template <>
std::function<void(const detail::Outcome&)> completion(
    std::shared_ptr<detail::FutureState<RunResult>> state) {
  return [state](const detail::Outcome& outcome) {
    if (outcome.error) {
      state->set_error(outcome.error);
    } else {
      state->set_value({outcome.result->retcode, outcome.result->output, outcome.result->error});
    }
  };
}

}  // namespace

PoolCore::PoolCore(PoolOptions options)
    : options_(std::move(options)),
      max_workers_(options_.max_workers ? options_.max_workers
                                        : std::max(1u, std::thread::hardware_concurrency())),
      executable_(detail::resolve_terraform(options_.terraform)),
      environment_(detail::base_environment(options_.terraform)),
      io_work_(io_.get_executor()),
      scheduler_(max_workers_),
      liveness_timer_(io_) {
  if (options_.worker_response_timeout) liveness_.emplace(*options_.worker_response_timeout);
  // The spawner is forked first, from the constructing thread, before the pool's own
  // threads exist.
  spawner_ =
      Spawner::start(io_, options_.worker_initializer,
                     {[this](WorkerId w, pid_t pid, process::UniqueFd fd, process::UniqueFd pidfd) {
                        on_spawned(w, pid, std::move(fd), std::move(pidfd));
                      },
                      [this](WorkerId w, const std::string& reason) { on_spawn_failed(w, reason); },
                      [this](pid_t pid, int status) { on_worker_exit(pid, status); },
                      [this](const std::string& reason) { on_spawner_gone(reason); }});
  delivery_.emplace(std::max(2u, max_workers_));
}

PoolCore::~PoolCore() {
  shutdown(true, false);
  join();
}

void PoolCore::start() {
  io_thread_ = std::thread([this] { io_.run(); });
}

void PoolCore::join() {
  if (io_thread_.joinable() && io_thread_.get_id() != std::this_thread::get_id()) {
    io_thread_.join();
  }
  delivery_->join();
}

bool PoolCore::on_pool_thread() {
  return io_thread_.get_id() == std::this_thread::get_id() ||
         delivery_->get_executor().running_in_this_thread();
}

// --- submission -------------------------------------------------------------------

PoolCore::TaskPtr PoolCore::make_task(std::string module, detail::CommandSpec spec,
                                      std::shared_ptr<detail::FutureStateBase> future,
                                      std::function<void(const detail::Outcome&)> complete,
                                      const std::filesystem::path& working_dir) {
  auto task = std::make_shared<Task>(asio::make_strand(*delivery_));
  task->id = future->run_id();
  task->invocation =
      detail::prepare(spec, options_.terraform, executable_, working_dir, environment_);
  if (std::size_t size = encoded_size({task->id, task->invocation}); size > kMaxPayload) {
    throw Error(errc::invalid_option,
                "terraform " + spec.name + " needs " + std::to_string(size) +
                    " bytes of arguments, environment and standard input; a pool task carries "
                    "at most " +
                    std::to_string(kMaxPayload) + " (run it with TerraformCommand instead)");
  }
  EventCallback pool_wide;
  if (options_.on_event) {
    pool_wide = [this, id = task->id, module = working_dir](const Event& event) {
      options_.on_event({id, module, event});
    };
  }
  task->collector =
      std::make_unique<detail::OutputCollector>(spec.common, spec.format, std::move(pool_wide));
  task->callbacks = task->collector->has_callbacks();
  task->spec = std::move(spec);
  task->module = std::move(module);
  task->future = std::move(future);
  task->future->set_canceller(weak_from_this());
  task->complete = std::move(complete);
  return task;
}

namespace {

// The module a task owns while it runs, by real path; a missing directory is the
// task's error (its future fails), not the submission's.
std::filesystem::path module_of(const std::filesystem::path& directory, std::string_view what,
                                std::exception_ptr& error) {
  detail::require_valid_directory(what, directory);
  try {
    return process::real_directory(directory, what);
  } catch (const Error&) {
    error = std::current_exception();
    return directory;
  }
}

}  // namespace

Future<CommandResult> PoolCore::submit(const std::filesystem::path& working_dir,
                                       detail::CommandSpec spec) {
  auto state = std::make_shared<detail::FutureState<CommandResult>>(next_task_++);
  std::exception_ptr error;
  auto module = module_of(working_dir, "module directory", error);
  auto task = make_task(module.string(), std::move(spec), state, completion(state), module);
  enqueue(task, error);
  return Future<CommandResult>(state);
}

Future<RunResult> PoolCore::submit_run(detail::CommandSpec spec) {
  auto state = std::make_shared<detail::FutureState<RunResult>>(next_task_++);
  std::exception_ptr error;
  if (spec.cwd.empty()) {
    // The caller's directory, now (workers may be elsewhere later); a module too.
    std::error_code ec;
    spec.cwd = std::filesystem::current_path(ec);
    if (ec) {
      error = error_of(errc::directory_not_found,
                       "the current working directory no longer exists (" + ec.message() + ")");
    }
  }
  std::filesystem::path module;
  if (!error) module = module_of(spec.cwd, "working directory", error);
  spec.cwd = module;
  auto task = make_task(error ? std::string() : module.string(), std::move(spec), state,
                        completion(state), module);
  enqueue(task, error);
  return Future<RunResult>(state);
}

void PoolCore::enqueue(const TaskPtr& task, std::exception_ptr error) {
  {
    std::lock_guard lock(mutex_);
    if (closing_) throw Error(errc::pool_shut_down, "the pool is shut down");
    if (broken_) throw Error(broken_->first, broken_->second);
    tasks_[task->id] = task;
    if (!error) scheduler_.enqueue(task->id, task->module);
  }
  if (error) return fail(task, error);
  if (task->spec.common.stop_token.stop_possible()) {
    task->on_stop = std::make_unique<std::stop_callback<std::function<void()>>>(
        task->spec.common.stop_token, [weak = weak_from_this(), id = task->id] {
          if (auto self = weak.lock()) self->cancel_task(id);
        });
  }
  asio::post(io_, [this] { pump(); });
}

bool PoolCore::cancel_task(std::uint64_t id) {
  TaskPtr removed;
  {
    std::lock_guard lock(mutex_);
    switch (scheduler_.cancel(id)) {
      case Scheduler::CancelResult::removed:
        removed = tasks_.at(id);
        break;
      case Scheduler::CancelResult::running:
      case Scheduler::CancelResult::prefetched:
        // A prefetched task is dropped by its worker, then completes cancelled.
        asio::post(io_, [this, id] { send_interrupt(id); });
        return false;
      case Scheduler::CancelResult::unknown:
        return false;
    }
  }
  removed->future->set_cancelled();
  forget(id);
  return true;
}

void PoolCore::shutdown(bool wait, bool cancel_futures) {
  if (wait && on_pool_thread()) {
    throw Error(errc::would_deadlock,
                "TerraformPool::shutdown(wait = true) was called from one of the pool's own "
                "callbacks, whose task it would wait for");
  }
  std::vector<TaskPtr> cancelled;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    if (cancel_futures) {
      for (TaskId id : scheduler_.cancel_queued())
        cancelled.push_back(tasks_.at(id));
      // Those a worker holds but has not started: it drops them, then they end cancelled.
      for (const auto& prefetched : scheduler_.cancel_prefetched()) {
        asio::post(io_, [this, id = prefetched.task] { send_interrupt(id); });
      }
    }
  }
  for (const auto& task : cancelled) {
    task->future->set_cancelled();
    forget(task->id);
  }
  asio::post(io_, [this] { pump(); });
  if (wait) {
    std::unique_lock lock(mutex_);
    drained_.wait(lock, [this] { return tasks_.empty() && live_workers_ == 0 && spawner_done_; });
  }
}

// --- I/O thread ---------------------------------------------------------------------

void PoolCore::pump() {
  std::vector<std::pair<TaskPtr, WorkerId>> starts;
  std::vector<Scheduler::Assignment> revokes;
  std::size_t to_spawn = 0;
  bool close = false;
  {
    std::lock_guard lock(mutex_);
    for (const auto& assignment : scheduler_.assign()) {
      starts.emplace_back(tasks_.at(assignment.task), assignment.worker);
    }
    revokes = scheduler_.revocations();
    if (!broken_) to_spawn = scheduler_.workers_to_start();
    close = closing_ && tasks_.empty() && orphans_ == 0;
  }
  for (const auto& [task, id] : starts) {
    task->future->set_running();
    Worker& worker = workers_.at(id);
    RunRequest request{task->id, task->invocation};
    if (request.invocation.launch.environment == worker.environment) {
      request.invocation.launch.environment = nullptr;  // the worker has it already
    } else {
      worker.environment = request.invocation.launch.environment;
    }
    worker.connection->send(FrameType::run, encode(request));
  }
  for (const auto& revoke : revokes) {
    workers_.at(revoke.worker).connection->send(FrameType::revoke, encode_run_id(revoke.task));
  }
  for (std::size_t i = 0; i < to_spawn; ++i)
    spawn_worker();
  if (close) close_processes();
  update_liveness();
  finish_if_drained();
}

void PoolCore::close_processes() {
  // Workers exit once their channel closes; the spawner once its channel does and its
  // workers are reaped. Then the I/O thread may end.
  const auto now = Liveness::Clock::now();
  std::vector<WorkerId> unreported;
  for (auto& [id, worker] : workers_) {
    if (!worker.connection || worker.shut || worker.closed) continue;
    worker.shut = true;
    worker.connection->close();
    if (!spawner_->alive()) {
      unreported.push_back(id);  // it exits on its own, and nobody will report it
    } else if (liveness_) {
      liveness_->closed(id, now);
    }
  }
  for (WorkerId id : unreported)
    worker_gone(id, "pool worker " + std::to_string(workers_.at(id).pid) + " exited");
  if (workers_.empty() && spawner_->alive()) {
    spawner_->close();
    if (liveness_) liveness_->spawner_closed(now);
  }
}

void PoolCore::finish_if_drained() {
  {
    std::lock_guard lock(mutex_);
    if (!closing_ || !tasks_.empty() || live_workers_ != 0 || !spawner_done_) return;
  }
  liveness_timer_.cancel();
  io_work_.reset();
  drained_.notify_all();
}

void PoolCore::spawn_worker() {
  WorkerId id = next_worker_++;
  {
    std::lock_guard lock(mutex_);
    scheduler_.worker_started(id);
    ++live_workers_;
  }
  workers_[id] = {};
  spawner_->spawn(id);
}

void PoolCore::on_spawned(WorkerId id, pid_t pid, process::UniqueFd channel,
                          process::UniqueFd pidfd) {
  auto& worker = workers_.at(id);
  worker.pid = pid;
  worker.pidfd = std::move(pidfd);
  worker.connection = std::make_shared<WorkerConnection>(
      io_, id, pid, channel.release(),
      WorkerConnection::Handlers{
          [this](WorkerId w, Frame frame, std::vector<process::UniqueFd> fds) {
            on_frame(w, std::move(frame), std::move(fds));
          },
          [this](WorkerId w, const std::string& reason) { on_protocol_error(w, reason); },
          [this](WorkerId w) { on_channel_closed(w); }});
  worker.connection->start();
}

void PoolCore::on_spawn_failed(WorkerId id, const std::string& reason) {
  workers_.erase(id);
  {
    std::lock_guard lock(mutex_);
    scheduler_.worker_lost(id);
    --live_workers_;
  }
  if (spawner_->alive()) {
    break_pool(errc::worker_start_failed, "a pool worker could not be started: " + reason);
  } else {
    break_pool(errc::pool_broken, reason);
  }
  pump();
}

void PoolCore::break_pool(errc code, const std::string& reason) {
  std::vector<TaskPtr> stranded;
  std::pair<errc, std::string> cause;
  {
    std::lock_guard lock(mutex_);
    if (closing_ && tasks_.empty()) return;  // nothing left that needs a worker
    if (!broken_) broken_.emplace(code, reason);
    cause = *broken_;
    for (TaskId task : scheduler_.cancel_queued())
      stranded.push_back(tasks_.at(task));
  }
  for (const auto& task : stranded)
    fail(task, error_of(cause.first, cause.second));
}

PoolCore::TaskPtr PoolCore::running_on(WorkerId worker) {
  std::lock_guard lock(mutex_);
  auto task = scheduler_.task_of(worker);
  return task ? tasks_.at(*task) : nullptr;
}

void PoolCore::on_frame(WorkerId worker, Frame frame, std::vector<process::UniqueFd> fds) {
  try {
    switch (frame.type) {
      case FrameType::ready: {
        workers_.at(worker).ready = true;
        std::lock_guard lock(mutex_);
        scheduler_.worker_ready(worker);
        break;
      }
      case FrameType::started: {
        auto message = decode_started(frame.payload);
        if (auto task = running_on(worker); task && task->id == message.run_id) {
          task->started = true;
          task->started_at = std::chrono::steady_clock::now();
          task->terraform.pid = message.pid;
          task->terraform.adopted = true;
          task->terraform.pidfd = std::move(fds[0]);
          task->terraform.stdout_fd = std::move(fds[1]);
          task->terraform.stderr_fd = std::move(fds[2]);
        }
        return;
      }
      case FrameType::output: {
        auto message = decode_output(frame.payload);
        if (auto task = running_on(worker); task && task->id == message.run_id) {
          deliver_output(task, message.stream, std::string(message.bytes));
        }
        return;
      }
      case FrameType::stopping: {
        TaskId id = decode_run_id(frame.payload);
        if (auto task = running_on(worker); task && task->id == id) task->interrupted = true;
        return;
      }
      case FrameType::pong:
        if (liveness_) liveness_->answered(worker, Liveness::Clock::now());
        return arm_liveness_timer();
      case FrameType::finished: {
        auto message = decode_finished(frame.payload);
        TaskPtr task = running_on(worker);
        if (!task || task->id != message.run_id) throw ProtocolError("finished frame for no task");
        {
          std::lock_guard lock(mutex_);
          scheduler_.task_finished(worker);
        }
        task->terraform = {};  // terraform is gone: drop our copies of its descriptors
        finish(task, {task->invocation.launch.argv,
                      task->invocation.launch.working_dir,
                      message.exit,
                      {},
                      {}});
        break;
      }
      case FrameType::failed: {
        auto message = decode_failed(frame.payload);
        TaskPtr task = running_on(worker);
        if (!task || task->id != message.run_id) throw ProtocolError("failed frame for no task");
        {
          std::lock_guard lock(mutex_);
          scheduler_.task_finished(worker);
        }
        fail(task, error_of(static_cast<errc>(message.code), message.message));
        break;
      }
      case FrameType::revoked: {
        TaskId id = decode_run_id(frame.payload);
        bool cancelled;
        TaskPtr task;
        {
          std::lock_guard lock(mutex_);
          cancelled = scheduler_.revoked(worker, id);
          if (cancelled) task = tasks_.at(id);
        }
        if (task) {
          task->future->set_cancelled();
          forget(id);
        }
        break;
      }
      case FrameType::worker_error:
        workers_.at(worker).failure = PayloadReader(frame.payload).string();
        return;  // its exit follows
      default:
        throw ProtocolError("unexpected frame type from worker");
    }
  } catch (const ProtocolError& e) {
    workers_.at(worker).connection->close();
    on_protocol_error(worker, e.what());
    return;
  }
  pump();
}

void PoolCore::on_protocol_error(WorkerId worker, const std::string& reason) {
  auto found = workers_.find(worker);
  if (found != workers_.end() && !found->second.failure) {
    found->second.failure = "protocol error: " + reason;
  }
}

void PoolCore::on_channel_closed(WorkerId id) {
  auto found = workers_.find(id);
  if (found == workers_.end()) return;
  found->second.closed = true;
  // Without a spawner, end of stream is all there will be to know.
  if (!spawner_->alive()) {
    return worker_gone(id, "pool worker " + std::to_string(found->second.pid) + " exited");
  }
  if (liveness_) liveness_->channel_ended(id, Liveness::Clock::now());
  arm_liveness_timer();
}

void PoolCore::on_worker_exit(pid_t pid, int wait_status) {
  for (auto& [id, worker] : workers_) {
    if (worker.pid != pid) continue;
    if (worker.connection) worker.connection->drain(true);  // its last frames
    return worker_gone(id, describe_exit(pid, wait_status));
  }
}

void PoolCore::on_spawner_gone(const std::string& reason) {
  std::vector<WorkerId> closed;
  for (const auto& [id, worker] : workers_) {
    if (worker.closed) closed.push_back(id);
  }
  for (WorkerId id : closed) {
    worker_gone(id, "pool worker " + std::to_string(workers_.at(id).pid) + " exited");
  }
  {
    std::lock_guard lock(mutex_);
    spawner_done_ = true;
  }
  if (liveness_) liveness_->spawner_gone();
  // No worker can be started any more: what is queued, and what is submitted, fails.
  // Workers already running go on, and end when their channels close.
  break_pool(errc::pool_broken, reason);
  pump();
}

void PoolCore::worker_gone(WorkerId id, const std::string& how) {
  auto found = workers_.find(id);
  if (found == workers_.end()) return;
  Worker worker = std::move(found->second);
  workers_.erase(found);
  if (liveness_) liveness_->gone(id);
  if (worker.connection) worker.connection->close();

  TaskPtr task, cancelled;
  bool expected = false;
  {
    std::lock_guard lock(mutex_);
    Scheduler::Lost lost = scheduler_.worker_lost(id);  // a prefetched task goes back
    --live_workers_;
    expected = closing_ && !lost.failed;
    if (lost.failed) task = tasks_.at(*lost.failed);
    if (lost.cancelled) cancelled = tasks_.at(*lost.cancelled);
  }
  if (cancelled) {
    cancelled->future->set_cancelled();
    forget(cancelled->id);
  }
  if (!worker.ready && !expected) {
    break_pool(errc::worker_start_failed, worker.failure.value_or(how + " while starting"));
  }
  if (task) {
    std::string reason = worker.failure.value_or(how);
    if (task->started && task->terraform.pidfd) {
      wind_down_orphan(task, reason);
    } else {
      fail_with_output(
          task, reason.starts_with("protocol error") ? errc::protocol_error : errc::worker_died,
          reason);
    }
  }
  pump();
}

// The worker died with terraform running: terraform's pidfd and pipes are ours too, so
// it is interrupted (unless it has had its interrupt already), drained and waited for
// here, and its module stays reserved until it has exited (its state written, its lock
// released).
void PoolCore::wind_down_orphan(const TaskPtr& task, std::string reason) {
  {
    std::lock_guard lock(mutex_);
    scheduler_.reserve_module(task->module);
    ++orphans_;
  }
  process::AsyncWaitOptions options;
  options.stop_policy = options_.terraform.stop_policy;
  options.on_output = [this, task](process::OutputStream stream, std::string_view chunk) {
    deliver_output(task, stream, std::string(chunk));
  };
  auto watch = process::AsyncWait::start(
      io_.get_executor(), std::move(task->terraform), std::move(options),
      [this, task, reason = std::move(reason)](process::ChildExit) {
        {
          std::lock_guard lock(mutex_);
          scheduler_.release_module(task->module);
          --orphans_;
        }
        const auto& timeout = task->invocation.timeout;
        bool timed_out = timeout && std::chrono::steady_clock::now() >= task->started_at + *timeout;
        errc code = reason.starts_with("protocol error") ? errc::protocol_error
                    : timed_out                          ? errc::timed_out
                                                         : errc::worker_died;
        fail_with_output(task, code,
                         reason + " while running terraform " + task->spec.name +
                             "; terraform was interrupted and has exited");
        pump();
      });
  if (task->interrupted) {
    watch->interrupted_elsewhere(process::StopReason::owner_gone);
  } else {
    watch->request_stop(process::StopReason::owner_gone);
  }
}

void PoolCore::send_interrupt(TaskId task) {
  std::optional<WorkerId> worker;
  {
    std::lock_guard lock(mutex_);
    worker = scheduler_.worker_of(task);
  }
  if (!worker) return;
  auto found = workers_.find(*worker);
  if (found != workers_.end())
    found->second.connection->send(FrameType::interrupt, encode_run_id(task));
}

// --- liveness (I/O thread) ----------------------------------------------------------

void PoolCore::update_liveness() {
  if (!liveness_) return;
  const auto now = Liveness::Clock::now();
  for (const auto& [id, worker] : workers_) {
    if (!worker.ready || worker.shut || worker.closed) continue;
    bool busy;
    {
      std::lock_guard lock(mutex_);
      busy = scheduler_.task_of(id).has_value();
    }
    liveness_->busy(id, busy, now);
  }
  arm_liveness_timer();
}

void PoolCore::arm_liveness_timer() {
  if (!liveness_ || !io_work_.owns_work()) return;  // none, or the pool is done
  auto wakeup = liveness_->next_wakeup();
  if (wakeup == liveness_armed_for_) return;
  liveness_armed_for_ = wakeup;
  if (!wakeup) {
    liveness_timer_.cancel();
    return;
  }
  liveness_timer_.expires_at(*wakeup);
  liveness_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;  // re-armed or cancelled
    liveness_armed_for_.reset();
    on_liveness_time();
  });
}

void PoolCore::on_liveness_time() {
  auto actions = liveness_->on_time(Liveness::Clock::now());
  for (WorkerId id : actions.ping) {
    auto found = workers_.find(id);
    if (found != workers_.end() && found->second.connection) {
      found->second.connection->send(FrameType::ping, {});
    }
  }
  const std::string timeout = std::to_string(options_.worker_response_timeout->count()) + " ms";
  for (WorkerId id : actions.kill) {
    auto found = workers_.find(id);
    if (found == workers_.end()) continue;
    kill_worker(id, "pool worker " + std::to_string(found->second.pid) +
                        (found->second.shut ? " did not exit within " + timeout
                                            : " did not answer for " + timeout) +
                        " (stopped or hung) and was killed");
  }
  for (WorkerId id : actions.presume_exited) {
    auto found = workers_.find(id);
    if (found == workers_.end()) continue;
    worker_gone(id, "pool worker " + std::to_string(found->second.pid) +
                        " exited (its exit was not reported)");
  }
  if (actions.kill_spawner) spawner_->kill();
  arm_liveness_timer();
}

void PoolCore::kill_worker(WorkerId id, const std::string& reason) {
  Worker& worker = workers_.at(id);
  if (!worker.failure) worker.failure = reason;
  // By pidfd: the pid may already belong to someone else if the worker has just died.
  ::syscall(SYS_pidfd_send_signal, worker.pidfd.get(), SIGKILL, nullptr, 0);
}

// --- delivery (one strand per task) -------------------------------------------------

// Output and results go through the task's strand on the delivery threads when user
// code is involved (output callbacks, done-callbacks) or the result is big to parse;
// otherwise the I/O thread handles them itself, which saves two thread hops per task.
void PoolCore::deliver_output(const TaskPtr& task, process::OutputStream stream,
                              std::string bytes) {
  if (!task->callbacks) {
    task->collector->add(stream, bytes);
    return;
  }
  asio::post(task->delivery, [this, task, stream, bytes = std::move(bytes)] {
    if (!task->collector->add(stream, bytes)) {
      // A callback threw: stop terraform, as TerraformCommand does.
      asio::post(io_, [this, id = task->id] { send_interrupt(id); });
    }
  });
}

void PoolCore::finish(const TaskPtr& task, detail::RawRun raw) {
  auto complete = [this, task, raw = std::move(raw)]() mutable {
    auto& collector = *task->collector;
    collector.finish();
    raw.output = std::move(collector.output());
    raw.error = std::move(collector.error());
    detail::Outcome outcome = detail::conclude(task->spec, std::move(raw));
    if (collector.failure()) outcome.error = collector.failure();
    task->complete(outcome);
    forget(task->id);
  };
  constexpr std::size_t kParsedInline = 1 << 20;
  if (task->callbacks || task->future->has_callbacks() ||
      task->collector->output().size() > kParsedInline) {
    asio::post(task->delivery, std::move(complete));
  } else {
    complete();
  }
}

void PoolCore::fail(const TaskPtr& task, std::exception_ptr error) {
  asio::post(task->delivery, [this, task, error] {
    task->future->set_error(error);
    forget(task->id);
  });
}

void PoolCore::fail_with_output(const TaskPtr& task, errc code, std::string message) {
  asio::post(task->delivery, [this, task, code, message = std::move(message)] {
    auto& collector = *task->collector;
    collector.finish();
    auto partial = std::make_shared<CommandResult>();
    partial->retcode = -1;
    partial->argv = task->invocation.launch.argv;
    partial->working_dir = task->invocation.launch.working_dir;
    partial->interrupted = true;
    partial->timed_out = code == errc::timed_out;
    if (task->started) {
      partial->duration = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - task->started_at);
    }
    partial->output = std::move(collector.output());
    partial->error = std::move(collector.error());
    std::exception_ptr error;
    try {
      throw_error(code, message, partial);  // a timeout is a CommandTimeoutError
    } catch (...) {
      error = std::current_exception();
    }
    task->future->set_error(error);
    forget(task->id);
  });
}

void PoolCore::forget(TaskId id) {
  TaskPtr task;  // released outside the lock: its stop callback may be waiting for it
  {
    std::lock_guard lock(mutex_);
    auto found = tasks_.find(id);
    if (found == tasks_.end()) return;
    task = std::move(found->second);
    tasks_.erase(found);
    if (!closing_ || !tasks_.empty()) return;
  }
  asio::post(io_, [this] { pump(); });
}

}  // namespace libterraform::pool
