// PoolCore, the side user threads call: submission, cancellation, shutdown.

#include "pool/pool_core.hpp"

#include "pool/launchers.hpp"
#include "pool/messages.hpp"
#include "process/real_path.hpp"
#include "process/wait_async.hpp"

#include <boost/asio/post.hpp>

namespace libterraform::pool {
namespace {

namespace asio = boost::asio;

// The result a task's future resolves to, from what its RunCore concluded.
template <class T>
std::function<void(const detail::Outcome&)> completion(
    std::shared_ptr<detail::FutureState<T>> state);

template <>
std::function<void(const detail::Outcome&)> completion(
    std::shared_ptr<detail::FutureState<CommandResult>> state) {
  return [state = std::move(state)](const detail::Outcome& outcome) {
    if (outcome.failed()) {
      state->set_error(task_error(outcome));
    } else {
      state->set_value(*outcome.result);
    }
  };
}

template <>
std::function<void(const detail::Outcome&)> completion(
    std::shared_ptr<detail::FutureState<RunResult>> state) {
  return [state = std::move(state)](const detail::Outcome& outcome) {
    if (outcome.failed()) {
      state->set_error(task_error(outcome));
    } else {
      state->set_value({outcome.result->retcode, outcome.result->output, outcome.result->error});
    }
  };
}

// The module a task owns while it runs, by real path; a missing directory is the
// task's error (its future fails), not the submission's.
std::filesystem::path module_of(const std::filesystem::path& directory, std::string_view what,
                                std::optional<detail::Outcome>& error) {
  detail::require_valid_directory(what, directory);
  try {
    return process::real_directory(directory, what);  // module_path's form
  } catch (const Error& e) {
    error = detail::Outcome::failure(e.code(), e.what());
    return directory;
  }
}

// The shared plugin cache as workers use it: absolute, as the CLI configuration needs.
std::string absolute_cache_dir(const std::filesystem::path& dir) {
  if (dir.empty()) return {};
  detail::require_valid_directory("the plugin cache directory", dir);
  return std::filesystem::absolute(dir).lexically_normal().string();
}

// The room of each place workers come from: the local forks, then each launcher.
std::vector<unsigned> slot_room(const PoolOptions& options) {
  check_launchers(options.launchers);
  std::vector<unsigned> room{local_workers(options)};
  for (const auto& launcher : options.launchers)
    room.push_back(launcher.workers);
  return room;
}

std::vector<std::string> slot_names(const PoolOptions& options) {
  std::vector<std::string> names{"local workers"};
  for (const auto& launcher : options.launchers)
    names.push_back("worker launcher \"" + launcher_name(launcher) + "\"");
  return names;
}

unsigned total(const std::vector<unsigned>& room) {
  unsigned sum = 0;
  for (unsigned n : room)
    sum += n;
  return sum;
}

}  // namespace

PoolCore::PoolCore(PoolOptions options)
    : options_(std::move(options)),
      max_workers_(total(slot_room(options_))),
      executable_(detail::resolve_terraform(options_.terraform)),
      environment_(detail::base_environment(options_.terraform)),
      plugin_cache_dir_(absolute_cache_dir(options_.plugin_cache_dir)),
      io_work_(io_.get_executor()),
      scheduler_(max_workers_),
      slots_(slot_room(options_), slot_names(options_)),
      slot_retry_timer_(io_),
      spawn_retry_timer_(io_),
      liveness_timer_(io_) {
  if (options_.worker_response_timeout) liveness_.emplace(*options_.worker_response_timeout);
  // The spawner is forked first, from the constructing thread, before the pool's own
  // threads exist.
  spawner_ = Spawner::start(io_, options_.worker_initializer, launcher_argvs(options_.launchers),
                            {[this](WorkerId w, pid_t pid, process::UniqueFd fd,
                                    process::UniqueFd pidfd, process::UniqueFd launcher_stderr) {
                               on_spawned(w, pid, std::move(fd), std::move(pidfd),
                                          std::move(launcher_stderr));
                             },
                             [this](WorkerId w, const std::string& reason, bool shortage) {
                               on_spawn_failed(w, reason, shortage);
                             },
                             [this](pid_t pid, int status) { on_worker_exit(pid, status); },
                             [this](const std::string& reason) { on_spawner_gone(reason); }});
  delivery_.emplace(std::max(2U, max_workers_));
}

// An exception here (no memory for the shutdown, a thread that cannot be joined) would
// leave the pool's threads running on a destroyed pool: std::terminate, as the implicit
// noexcept has it, is the outcome wanted.
// NOLINTNEXTLINE(bugprone-exception-escape): see above
PoolCore::~PoolCore() {
  shutdown({});
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

PoolCore::TaskPtr PoolCore::make_task(std::string module, detail::CommandSpec spec,
                                      std::shared_ptr<detail::FutureStateBase> future,
                                      std::function<void(const detail::Outcome&)> complete,
                                      const std::filesystem::path& working_dir) {
  auto task = std::make_shared<Task>(asio::make_strand(*delivery_));
  task->id = future->run_id();
  task->invocation =
      detail::prepare(spec, options_.terraform, executable_, working_dir, environment_);
  if (spec.name == "init") task->plugin_cache_dir = plugin_cache_dir_;
  if (std::size_t size = encoded_size({task->id, task->invocation, task->plugin_cache_dir});
      size > kMaxPayload) {
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
  task->run =
      std::make_unique<detail::RunCore>(std::move(spec), task->invocation, std::move(pool_wide));
  task->callbacks = task->run->has_callbacks() || options_.on_start;  // start callbacks too
  task->module = std::move(module);
  task->future = std::move(future);
  task->future->set_canceller(weak_from_this());
  task->complete = std::move(complete);
  return task;
}

Future<CommandResult> PoolCore::submit(const std::filesystem::path& working_dir,
                                       detail::CommandSpec spec) {
  auto state = std::make_shared<detail::FutureState<CommandResult>>(next_task_++);
  std::optional<detail::Outcome> error;
  auto module = module_of(working_dir, "module directory", error);
  auto task = make_task(module.string(), std::move(spec), state, completion(state), module);
  enqueue(task, std::move(error));
  return Future<CommandResult>(state);
}

Future<RunResult> PoolCore::submit_run(detail::CommandSpec spec) {
  auto state = std::make_shared<detail::FutureState<RunResult>>(next_task_++);
  std::optional<detail::Outcome> error;
  if (spec.cwd.empty()) {
    // The caller's directory, now (workers may be elsewhere later); a module too.
    std::error_code ec;
    spec.cwd = std::filesystem::current_path(ec);
    if (ec) {
      error = detail::Outcome::failure(
          errc::directory_not_found,
          "the current working directory no longer exists (" + ec.message() + ")");
    }
  }
  std::filesystem::path module;
  if (!error) module = module_of(spec.cwd, "working directory", error);
  spec.cwd = module;
  auto task = make_task(error ? std::string() : module.string(), std::move(spec), state,
                        completion(state), module);
  enqueue(task, std::move(error));
  return Future<RunResult>(state);
}

void PoolCore::enqueue(const TaskPtr& task, std::optional<detail::Outcome> error) {
  {
    std::lock_guard lock(mutex_);
    if (closing_) throw Error(errc::pool_shut_down, "the pool is shut down");
    if (broken_) throw Error(broken_->first, broken_->second);
    tasks_[task->id] = task;
  }
  if (error) return fail(task, std::move(*error));
  const auto& spec = task->run->spec();
  if (spec.common.stop_token.stop_possible()) {
    task->on_stop = std::make_unique<std::stop_callback<std::function<void()>>>(
        spec.common.stop_token, [future = std::weak_ptr(task->future)] {
          if (auto alive = future.lock()) alive->cancel();
        });
  }
  if (spec.escalation.stop_possible()) {
    task->on_escalation = std::make_unique<std::stop_callback<std::function<void()>>>(
        spec.escalation, [future = std::weak_ptr(task->future)] {
          if (auto alive = future.lock()) alive->escalate();
        });
  }
  asio::post(io_, [this, task] { admit(task); });
}

PoolCore::TaskPtr PoolCore::find_task(TaskId id) {
  std::lock_guard lock(mutex_);
  auto found = tasks_.find(id);
  return found == tasks_.end() ? nullptr : found->second;
}

void PoolCore::dropped(std::uint64_t id) {
  // The future is cancelled already; the queue forgets the task on the I/O thread.
  asio::post(io_, [this, id] {
    scheduler_.cancel(id);
    forget(id);
  });
}

void PoolCore::interrupt(std::uint64_t id) {
  stop_task(id, Stop::interrupt);
}

void PoolCore::escalate(std::uint64_t id) {
  stop_task(id, Stop::escalate);
}

void PoolCore::withdraw(std::uint64_t id) {
  stop_task(id, Stop::withdraw);
}

void PoolCore::stop_task(TaskId id, Stop how) {
  asio::post(io_, [this, id, how] {
    // terraform outlived its worker: the pool winds it down (it had its interrupt).
    if (auto task = find_task(id); task && task->orphan_watch) {
      if (how == Stop::escalate) task->orphan_watch->escalate(process::StopReason::interrupted);
      return;
    }
    switch (scheduler_.cancel(id)) {
      case Scheduler::CancelResult::running:
        if (how == Stop::withdraw) return;  // taken by its worker: it runs
        return send_stop(id, how == Stop::escalate ? FrameType::escalate : FrameType::interrupt);
      case Scheduler::CancelResult::prefetched:
        // Dropped by its worker, then it completes cancelled. A revoke, unlike an
        // interrupt, leaves it alone should the worker have started it meanwhile.
        return send_stop(id, how == Stop::withdraw ? FrameType::revoke : FrameType::interrupt);
      case Scheduler::CancelResult::removed:
        if (auto task = find_task(id)) cancelled(task);
        return;
      case Scheduler::CancelResult::unknown:
        return;
    }
  });
}

void PoolCore::shutdown(ShutdownOptions options) {
  if (options.wait && on_pool_thread()) {
    throw Error(errc::would_deadlock,
                "TerraformPool::shutdown({.wait = true}) was called from one of the pool's own "
                "callbacks, whose task it would wait for");
  }
  std::vector<TaskPtr> tasks;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    if (options.cancel_queued || options.interrupt_running) {
      for (const auto& [id, task] : tasks_)
        tasks.push_back(task);
    }
  }
  for (const auto& task : tasks) {
    // Cancels a task not started yet; interrupts a running one when asked to.
    if (options.cancel_queued || task->future->status() == detail::FutureStateBase::Status::running)
      task->future->cancel(options.interrupt_running);
  }
  asio::post(io_, [this, cancel_queued = options.cancel_queued] {
    if (cancel_queued) {
      // Those a worker holds but has not started: it drops them, then they end cancelled.
      for (const auto& prefetched : scheduler_.cancel_prefetched())
        send_stop(prefetched.task);
    }
    pump();
  });
  if (options.wait) {
    std::unique_lock lock(mutex_);
    drained_.wait(lock, [this] { return finished_; });
  }
}

}  // namespace libterraform::pool
