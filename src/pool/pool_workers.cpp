// PoolCore on its I/O thread: tasks to workers, the workers' frames and exits, and the
// terraform of a worker that died.

#include "pool/launchers.hpp"
#include "pool/messages.hpp"
#include "pool/pool_core.hpp"
#include "process/wait_async.hpp"

#include <boost/asio/post.hpp>

#include <sys/wait.h>

#include <cstring>

namespace libterraform::pool {
namespace {

std::string describe_exit(const std::string& who, int wait_status) {
  if (WIFSIGNALED(wait_status)) {
    int signal = WTERMSIG(wait_status);
    // NOLINTNEXTLINE(concurrency-mt-unsafe): glibc's strsignal has a buffer per thread
    return who + " died (signal " + std::to_string(signal) + ": " + ::strsignal(signal) + ")";
  }
  return who + " exited with status " + std::to_string(WEXITSTATUS(wait_status));
}

std::string exited(pid_t pid) {
  return "pool worker " + std::to_string(pid) + " exited";
}

}  // namespace

void PoolCore::admit(const TaskPtr& task) {
  if (task->future->done()) return;  // cancelled on its way here
  {
    std::lock_guard lock(mutex_);
    if (broken_) {
      auto cause = *broken_;
      return fail(task, detail::Outcome::failure(cause.first, cause.second));
    }
  }
  scheduler_.enqueue(task->id, task->module);
  pump();
}

void PoolCore::pump() {
  // A task cancelled since it was queued is withdrawn: its worker gets another one.
  for (bool withdrawn = true; withdrawn;) {
    withdrawn = false;
    for (const auto& assignment : scheduler_.assign()) {
      if (!start_task(find_task(assignment.task), assignment.worker)) {
        scheduler_.withdraw(assignment.task);
        withdrawn = true;
      }
    }
  }
  for (const auto& revoke : scheduler_.revocations()) {
    handles_.at(revoke.worker).connection->send(FrameType::revoke, encode_run_id(revoke.task));
  }
  bool broken;
  bool close;
  {
    std::lock_guard lock(mutex_);
    broken = broken_.has_value();
    close = closing_ && tasks_.empty() && orphans_ == 0;
  }
  if (!broken && !spawn_paused_until_) {
    for (std::size_t n = scheduler_.workers_to_start(); n > 0; --n)
      if (!spawn_worker()) break;
  }
  if (close) close_processes();
  update_liveness();
  finish_if_drained();
}

bool PoolCore::start_task(const TaskPtr& task, WorkerId id) {
  if (!task || !task->future->set_running()) return false;
  WorkerHandles& worker = handles_.at(id);
  task->delivery = worker.delivery;
  task->worker = worker.description;
  RunRequest request{task->id, task->invocation, task->plugin_cache_dir};
  if (worker.slot > 0)
    request = for_launcher(std::move(request), options_.launchers[worker.slot - 1]);
  if (request.invocation.launch.environment == worker.environment) {
    request.invocation.launch.environment = nullptr;  // the worker has it already
  } else {
    worker.environment = request.invocation.launch.environment;
  }
  worker.connection->send(FrameType::run, encode(request));
  return true;
}

void PoolCore::close_processes() {
  // Workers exit once their channel closes; the spawner once its channel does and its
  // workers are reaped. Then the I/O thread may end.
  const auto now = Liveness::Clock::now();
  for (WorkerId id : lifecycle_.close_all()) {
    handles_.at(id).connection->close();
    if (!spawner_->alive()) {
      worker_gone(id, exited(lifecycle_.pid(id)));  // nobody will report its exit
    } else if (liveness_) {
      liveness_->closed(id, now);
    }
  }
  if (lifecycle_.empty() && spawner_->alive()) {
    spawner_->close();
    if (liveness_) liveness_->spawner_closed(now);
  }
}

void PoolCore::finish_if_drained() {
  {
    std::lock_guard lock(mutex_);
    if (finished_ || !closing_ || !tasks_.empty() || !lifecycle_.empty() || !spawner_done_) {
      return;
    }
    finished_ = true;
  }
  liveness_timer_.cancel();
  spawn_retry_timer_.cancel();
  io_work_.reset();
  drained_.notify_all();
}

bool PoolCore::spawn_worker() {
  const auto now = std::chrono::steady_clock::now();
  const auto slot = slots_.pick(now);
  if (!slot) {
    // Every slot with room rests: pump again once the first may start a worker.
    if (auto at = slots_.next_start(now)) {
      slot_retry_timer_.expires_at(*at);
      slot_retry_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) pump();
      });
    }
    return false;
  }
  WorkerId id = next_worker_++;
  slots_.started(*slot);
  scheduler_.worker_started(id);
  lifecycle_.starting(id);
  handles_.emplace(id, WorkerHandles(boost::asio::make_strand(*delivery_), *slot));
  spawner_->spawn(id, *slot);
  return true;
}

void PoolCore::on_spawned(WorkerId id, pid_t pid, process::UniqueFd channel,
                          process::UniqueFd pidfd, process::UniqueFd launcher_stderr) {
  lifecycle_.spawned(id, pid);
  auto& worker = handles_.at(id);
  worker.pidfd = std::move(pidfd);
  worker.connection = std::make_shared<WorkerConnection>(
      io_, id, pid, channel.release(), worker.slot == 0,
      WorkerConnection::Handlers{
          [this](WorkerId w, const Frame& frame, std::vector<process::UniqueFd> fds) {
            on_frame(w, frame, std::move(fds));
          },
          [this](WorkerId w, errc code, const std::string& reason) {
            on_protocol_error(w, code, reason);
          },
          [this](WorkerId w) { on_channel_closed(w); }});
  worker.connection->start();
  if (worker.slot == 0) return;
  worker.launcher_stderr = std::make_shared<LauncherStderr>(io_, std::move(launcher_stderr));
  worker.launcher_stderr->start();
  // A launcher that never connects (a host that drops packets, a Slurm queue that never
  // schedules the step) is killed once its start_timeout has passed.
  const auto timeout = options_.launchers[worker.slot - 1].start_timeout;
  worker.greeting_timer = std::make_shared<boost::asio::steady_timer>(io_, timeout);
  worker.greeting_timer->async_wait([this, id, timeout](boost::system::error_code ec) {
    if (ec || lifecycle_.phase(id) != WorkerLifecycle::Phase::starting) return;
    kill_worker(id, "the worker did not greet the pool within " + std::to_string(timeout.count()) +
                        " ms of its launcher's start");
  });
}

void PoolCore::launcher_failed(std::size_t slot, const WorkerFailure& failure) {
  const bool version_mismatch = failure.code == errc::worker_version_mismatch;
  // Another protocol version will not change by trying again.
  bool retired = slots_.failed(slot, failure.message, std::chrono::steady_clock::now());
  while (version_mismatch && !retired)
    retired = slots_.failed(slot, failure.message, std::chrono::steady_clock::now());
  if (!retired) return;
  scheduler_.set_max_workers(slots_.capacity());
  if (slots_.exhausted()) {
    break_pool(version_mismatch ? errc::worker_version_mismatch : errc::workers_unavailable,
               "no pool worker can be started: " + slots_.failures());
  }
}

void PoolCore::on_spawn_failed(WorkerId id, const std::string& reason, bool shortage) {
  lifecycle_.ended(id, reason, true);
  slots_.ended(handles_.at(id).slot);
  handles_.erase(id);
  scheduler_.worker_lost(id);
  const std::string why = "a pool worker could not be started: " + reason;
  if (!spawner_->alive()) {
    break_pool(errc::pool_broken, reason);
  } else if (!shortage) {
    break_pool(errc::worker_start_failed, why);
  } else {
    // It may come back: no worker is started for a while, the pool stays usable, and
    // what no worker is left to run fails now rather than wait without end.
    constexpr std::chrono::seconds kSpawnPause{1};
    spawn_paused_until_ = std::chrono::steady_clock::now() + kSpawnPause;
    spawn_retry_timer_.expires_at(*spawn_paused_until_);
    spawn_retry_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      spawn_paused_until_.reset();
      pump();
    });
    if (scheduler_.workers() == 0) {
      for (TaskId queued : scheduler_.cancel_queued()) {
        if (auto task = find_task(queued)) {
          fail(task, detail::Outcome::failure(errc::worker_start_failed,
                                              why + "; commands submitted later try again"));
        }
      }
    }
  }
  pump();
}

void PoolCore::break_pool(errc code, const std::string& reason) {
  std::pair<errc, std::string> cause;
  {
    std::lock_guard lock(mutex_);
    if (closing_ && tasks_.empty()) return;  // nothing left that needs a worker
    if (!broken_) broken_.emplace(code, reason);
    cause = *broken_;
  }
  for (TaskId id : scheduler_.cancel_queued()) {
    if (auto task = find_task(id)) fail(task, detail::Outcome::failure(cause.first, cause.second));
  }
}

PoolCore::TaskPtr PoolCore::running_on(WorkerId worker) {
  auto task = scheduler_.task_of(worker);
  return task ? find_task(*task) : nullptr;
}

void PoolCore::on_frame(WorkerId worker, const Frame& frame, std::vector<process::UniqueFd> fds) {
  try {
    switch (frame.type) {
      case FrameType::hello:
        return;  // the decoder checked its protocol version
      case FrameType::ready: {
        lifecycle_.ready(worker);
        scheduler_.worker_ready(worker);
        auto& handles = handles_.at(worker);
        handles.description = PayloadReader(frame.payload).string();
        slots_.ready(handles.slot);
        if (handles.greeting_timer) handles.greeting_timer->cancel();
        break;
      }
      case FrameType::pong:
        if (liveness_) liveness_->answered(worker, Liveness::Clock::now());
        return arm_liveness_timer();
      case FrameType::worker_error:
        lifecycle_.failing(worker, {errc::worker_died, PayloadReader(frame.payload).string()});
        return;  // its exit follows
      case FrameType::revoked: {
        TaskId id = decode_run_id(frame.payload);
        if (scheduler_.revoked(worker, id)) {
          if (auto task = find_task(id)) cancelled(task);
        }
        break;
      }
      default:
        on_task_frame(worker, frame, fds);
        if (frame.type != FrameType::finished && frame.type != FrameType::failed) return;
        break;
    }
  } catch (const ProtocolError& e) {
    handles_.at(worker).connection->close();
    on_protocol_error(worker, errc::protocol_error, e.what());
    return;
  }
  pump();
}

// The frames about the task a worker runs. Throws ProtocolError.
void PoolCore::on_task_frame(WorkerId worker, const Frame& frame,
                             std::vector<process::UniqueFd>& fds) {
  switch (frame.type) {
    case FrameType::started: {
      auto message = decode_started(frame.payload);
      if (auto task = running_on(worker); task && task->id == message.run_id) {
        task->started = true;
        task->started_at = std::chrono::steady_clock::now();
        task->terraform.pid = message.pid;
        task->terraform.adopted = true;
        if (fds.size() == 3) {  // else this process had no room for them: no wind-down here
          task->terraform.pidfd = std::move(fds[0]);
          task->terraform.stdout_fd = std::move(fds[1]);
          task->terraform.stderr_fd = std::move(fds[2]);
        }
        task->future->set_started(std::chrono::system_clock::now());
        notify_start(task);
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
    case FrameType::finished: {
      auto message = decode_finished(frame.payload);
      TaskPtr task = running_on(worker);
      if (!task || task->id != message.run_id) throw ProtocolError("finished frame for no task");
      scheduler_.task_finished(worker);
      task->future->set_ended(std::chrono::system_clock::now());
      task->terraform = {};  // terraform is gone: drop our copies of its descriptors
      return finish(task, message.exit);
    }
    case FrameType::failed: {
      auto message = decode_failed(frame.payload);
      TaskPtr task = running_on(worker);
      if (!task || task->id != message.run_id) throw ProtocolError("failed frame for no task");
      scheduler_.task_finished(worker);
      // Cancelled before terraform started (waiting for the plugin cache): cancelled, as
      // a task dropped from the queue is.
      if (message.code == errc::cancelled) return cancelled(task);
      return fail(task, detail::Outcome::failure(message.code, message.message));
    }
    default:
      throw ProtocolError("unexpected frame type from worker");
  }
}

void PoolCore::on_protocol_error(WorkerId worker, errc code, const std::string& reason) {
  lifecycle_.failing(worker,
                     {code, code == errc::protocol_error ? "protocol error: " + reason : reason});
  // Its channel is closed: a worker exits then, but a launcher whose far end does not
  // read its stdin would not; it is killed if it has not exited in time.
  if (liveness_) {
    liveness_->closed(worker, Liveness::Clock::now());
    arm_liveness_timer();
  }
}

void PoolCore::on_channel_closed(WorkerId id) {
  if (!lifecycle_.exists(id)) return;
  lifecycle_.channel_ended(id);
  // Without a spawner, end of stream is all there will be to know.
  if (!spawner_->alive()) return worker_gone(id, exited(lifecycle_.pid(id)));
  if (liveness_) liveness_->channel_ended(id, Liveness::Clock::now());
  arm_liveness_timer();
}

void PoolCore::on_worker_exit(pid_t pid, int wait_status) {
  auto id = lifecycle_.find(pid);
  if (!id) return;
  if (auto& connection = handles_.at(*id).connection) connection->drain(true);  // its last frames
  const std::size_t slot = handles_.at(*id).slot;
  worker_gone(*id,
              describe_exit(slot == 0 ? "pool worker " + std::to_string(pid)
                                      : slots_.name(slot) + " (pid " + std::to_string(pid) + ")",
                            wait_status),
              WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0);
}

void PoolCore::on_spawner_gone(const std::string& reason) {
  for (WorkerId id : lifecycle_.with_ended_channel())
    worker_gone(id, exited(lifecycle_.pid(id)));
  spawner_done_ = true;
  if (liveness_) liveness_->spawner_gone();
  // No worker can be started any more: what is queued, and what is submitted, fails.
  // Workers already running go on, and end when their channels close.
  break_pool(errc::pool_broken, reason);
  pump();
}

void PoolCore::worker_gone(WorkerId id, const std::string& how, bool between_commands) {
  if (!lifecycle_.exists(id)) return;
  bool closing;
  {
    std::lock_guard lock(mutex_);
    closing = closing_;
  }
  Scheduler::Lost lost = scheduler_.worker_lost(id);  // a prefetched task goes back
  // The task it ran, unless that goes back to the queue too.
  TaskPtr failed = lost.failed ? find_task(*lost.failed) : nullptr;
  if (failed && between_commands && !failed->started) {
    scheduler_.requeue(failed->id, failed->module);
    failed = nullptr;
  }
  WorkerHandles& handles = handles_.at(id);
  std::string launcher_said;
  if (handles.launcher_stderr) {
    launcher_said = handles.launcher_stderr->tail();
    handles.launcher_stderr->close();
  }
  if (handles.greeting_timer) handles.greeting_timer->cancel();
  const std::size_t slot = handles.slot;
  WorkerLifecycle::End end = lifecycle_.ended(id, how, closing && !lost.failed.has_value());
  if (!launcher_said.empty()) {
    end.task_failure.message += "; its launcher said: " + launcher_said;
    if (end.pool_failure) end.pool_failure->message += "; its launcher said: " + launcher_said;
  }
  if (liveness_) liveness_->gone(id);
  if (auto& connection = handles.connection) connection->close();
  handles_.erase(id);
  slots_.ended(slot);
  // A launcher's worker that never became ready fails its launcher, not the pool.
  if (slot > 0 && end.pool_failure) {
    launcher_failed(slot, {end.task_failure.code, end.pool_failure->message});
    end.pool_failure.reset();
  }

  if (lost.cancelled) {
    if (auto task = find_task(*lost.cancelled)) cancelled(task);
  }
  if (end.pool_failure) break_pool(end.pool_failure->code, end.pool_failure->message);
  if (const TaskPtr& task = failed) {
    if (task->started && task->terraform.pidfd) {
      wind_down_orphan(task, std::move(end.task_failure));
    } else {
      task->future->set_ended(std::chrono::system_clock::now());  // if it started: lost
      fail_with_output(task, end.task_failure.code, std::move(end.task_failure.message));
    }
  }
  pump();
}

// The worker died with terraform running: terraform's pidfd and pipes are ours too, so
// it is interrupted (unless it has had its interrupt already), drained and waited for
// here, and its module stays reserved until it has exited (its state written, its lock
// released).
void PoolCore::wind_down_orphan(const TaskPtr& task, WorkerFailure failure) {
  scheduler_.reserve_module(task->module);
  {
    std::lock_guard lock(mutex_);
    ++orphans_;
  }
  process::SupervisionOptions supervision;
  supervision.stop_policy = options_.terraform.stop_policy;
  auto watch = process::AsyncWait::start(
      io_.get_executor(), std::move(task->terraform), std::move(supervision),
      [this, task](process::OutputStream stream, std::string_view chunk) {
        deliver_output(task, stream, std::string(chunk));
      },
      [this, task, failure = std::move(failure)](process::ChildExit) {
        task->future->set_ended(std::chrono::system_clock::now());
        task->orphan_watch.reset();
        scheduler_.release_module(task->module);
        {
          std::lock_guard lock(mutex_);
          --orphans_;
        }
        const auto& timeout = task->invocation.supervision.timeout;
        bool timed_out = timeout && std::chrono::steady_clock::now() >= task->started_at + *timeout;
        errc code = failure.code == errc::worker_died && timed_out ? errc::timed_out : failure.code;
        fail_with_output(task, code,
                         failure.message + " while running terraform " + task->run->spec().name +
                             "; terraform was interrupted and has exited");
        pump();
      });
  if (task->interrupted) {
    watch->interrupted_elsewhere(process::StopReason::owner_gone);
  } else {
    watch->request_stop(process::StopReason::owner_gone);
  }
  task->orphan_watch = std::move(watch);
}

void PoolCore::send_stop(TaskId task, FrameType type) {
  auto worker = scheduler_.worker_of(task);
  if (!worker) return;
  auto found = handles_.find(*worker);
  if (found != handles_.end() && found->second.connection) {
    found->second.connection->send(type, encode_run_id(task));
  }
}

}  // namespace libterraform::pool
