#pragma once

#include "libterraform/command_methods.hpp"
#include "libterraform/command_result.hpp"
#include "libterraform/event_stream.hpp"
#include "libterraform/events.hpp"
#include "libterraform/export.hpp"
#include "libterraform/future.hpp"
#include "libterraform/stream_methods.hpp"
#include "libterraform/terraform_options.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace libterraform {

namespace pool {
class PoolCore;
}

/// An event of one of the pool's commands, for PoolOptions::on_event. Its references
/// are valid during the callback only: copy what you keep.
struct PoolEvent {
  std::uint64_t run_id;                 ///< the command's future's run_id()
  const std::filesystem::path& module;  ///< its module directory (real path)
  const Event& event;                   ///< the event
};

/// The moment terraform starts for one of the pool's commands, for
/// PoolOptions::on_start (a command queued in the pool, or held by a busy worker ahead
/// of time, has not).
struct PoolStart {
  std::uint64_t run_id;                        ///< the command's future's run_id()
  const std::filesystem::path& module;         ///< its module directory (real path)
  std::chrono::system_clock::time_point time;  ///< when terraform started
  /// The worker that runs it, as the worker describes itself: "HOST pid PID", and for
  /// a Slurm step " slurm JOB.STEP" (see docs/remote-workers.md).
  std::string_view worker = {};
};

/// Workers on other hosts, or in other environments, started through a launcher: a
/// program that runs a command elsewhere and connects its stdin and stdout to ours,
/// such as ssh or Slurm's srun. The pool runs `launcher` + `worker_program` (argv, never
/// a shell string) and speaks to the worker over those two streams only.
/// See docs/remote-workers.md.
/// \code
///   PoolOptions options{.max_workers = 2,
///                       .launchers = {{.argv = {"ssh", "-T", "-o", "BatchMode=yes", "host1"},
///                                      .workers = 4}}};
/// \endcode
struct WorkerLauncher {
  /// The launcher's argv, to which worker_program is appended; must not be empty.
  std::vector<std::string> argv;
  /// How many workers this launcher starts at most, each through its own launcher
  /// process.
  unsigned workers = 1;
  /// The worker program as the launcher's remote side runs it. ssh hands its command
  /// to the remote login shell, so it must be a plain word or path.
  std::string worker_program = "libterraform-worker";
  /// Where module directories are on the worker's host: each pair maps a local path
  /// prefix to the remote one (the first that matches wins). Unmapped paths are the
  /// same on every host (a shared filesystem). Applies to the module directory, the
  /// plugin cache and the terraform binary.
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> path_map = {};
  /// How long a worker may take to greet the pool once its launcher starts (an ssh
  /// handshake, a Slurm queue); past it the launcher is killed and the start failed.
  std::chrono::milliseconds start_timeout = std::chrono::seconds{30};
};

/// `ssh -T -e none -o BatchMode=yes HOST`: workers on HOST over SSH (no terminal, no
/// escape character, never a password prompt). Add options such as `-p PORT` to argv
/// before HOST, or use ~/.ssh/config.
LIBTERRAFORM_EXPORT WorkerLauncher ssh_launcher(std::string host, unsigned workers = 1);

/// `srun -u -X --quiet -N1 -n1`: each worker a Slurm job step of one task on a node the
/// scheduler picks (unbuffered, so frames pass at once; `-X`, so an interrupt reaches
/// the worker at the first SIGINT).
LIBTERRAFORM_EXPORT WorkerLauncher slurm_launcher(unsigned workers = 1);

/// How a TerraformPool runs its workers and their commands.
struct PoolOptions {
  /// How many local worker processes (forks of this process) run commands at once;
  /// 0: the hardware's concurrency, or none when `launchers` are given.
  unsigned max_workers = 0;
  /// How every worker runs terraform: binary, environment, flag defaults, the per-task
  /// timeout (`terraform.timeout`) and the stop policy used by cancel, timeouts and
  /// shutdown.
  TerraformOptions terraform = {};
  /// Called in each worker process right after it starts (the worker is a fork of this
  /// process: avoid locks other threads may hold). A throw marks the pool broken.
  std::function<void()> worker_initializer = {};
  /// Every event of every command's -json stream, as it arrives, tagged with the
  /// command's run id and module; in order for each command (see the back-pressure
  /// rule in docs/streaming.md).
  std::function<void(const PoolEvent&)> on_event = {};
  /// Each command's start: when its worker has started terraform. Called before any of
  /// its output reaches a callback, on the same threads as on_event; what it throws is
  /// ignored. Future::started_at and add_start_callback say the same per command.
  std::function<void(const PoolStart&)> on_start = {};
  /// How long a worker with work may leave the pool's ping unanswered (it was stopped
  /// with SIGSTOP, say) before the pool kills it and winds its terraform down itself,
  /// as for a worker that died; also how long a worker or the spawner may take to exit
  /// once shut down. Unset: wait for them forever. See docs/reliability.md.
  std::optional<std::chrono::milliseconds> worker_response_timeout = std::chrono::seconds{10};
  /// A provider cache shared by every init of the pool, safe with many at once (and
  /// with other pools and processes using the same directory), unlike terraform's own
  /// plugin_cache_dir: a filesystem mirror that inits only read, filled once per
  /// package under a file lock. Created if missing; empty: none. See
  /// docs/plugin-cache.md.
  std::filesystem::path plugin_cache_dir = {};
  /// Workers started through launchers (ssh, srun), besides the local ones: the pool
  /// runs up to max_workers plus each launcher's `workers` commands at once. A launcher
  /// whose workers keep failing to start is taken out of rotation; the pool goes on with
  /// the others. See docs/remote-workers.md.
  std::vector<WorkerLauncher> launchers = {};
};

/// How TerraformPool::shutdown winds the pool down. Shutting down always stops new
/// submissions (they throw Error(pool_shut_down)); running tasks run to completion
/// unless interrupted, and an interrupted terraform still ends its run cleanly (state
/// kept).
struct ShutdownOptions {
  /// Return once every task has completed and every worker has exited.
  bool wait = true;
  /// Cancel the tasks still queued: their futures end in errc::cancelled.
  bool cancel_queued = false;
  /// Interrupt each running terraform once (SIGINT), as Future::cancel does.
  bool interrupt_running = false;
};

/// A module directory bound to a pool: every command method of TerraformCommand,
/// each returning a Future instead of blocking, and its *_stream methods, each an
/// EventStream over a pool task.
/// \code
///   auto f = pool.command(dir).apply({.auto_approve = true, .input = false});
///   for (const Event& event : pool.command(dir).plan_stream()) show(event);
/// \endcode
class LIBTERRAFORM_EXPORT PoolCommand : public CommandMethods<PoolCommand>,
                                        public StreamMethods<PoolCommand> {
 public:
  /// The module directory, as given to TerraformPool::command.
  const std::filesystem::path& working_dir() const noexcept { return working_dir_; }

 private:
  friend class TerraformPool;
  friend struct detail::Access;
  Future<CommandResult> execute(detail::CommandSpec spec) const;
  /// An EventStream over the task: its events as the pool delivers them, pulled on the
  /// calling thread; destroying it interrupts the task and waits for it.
  EventStream stream(detail::CommandSpec spec) const;
  detail::FlagDefaults flag_defaults() const noexcept;

  PoolCommand(std::shared_ptr<pool::PoolCore> core, std::filesystem::path working_dir)
      : core_(std::move(core)), working_dir_(std::move(working_dir)) {}

  std::shared_ptr<pool::PoolCore> core_;
  std::filesystem::path working_dir_;
};

/// One module's outcome in map_outcomes(): done, with a result or an error.
struct LIBTERRAFORM_EXPORT ModuleOutcome {
  std::filesystem::path module;  ///< the module directory, as given to map_outcomes()
  Future<CommandResult> future;  ///< its command's future, done

  /// The command succeeded: no error.
  bool ok() const { return !error(); }
  /// The result; for an error that carries one (TerraformCommandError, timeouts) too.
  const CommandResult* result() const;
  /// The error the command failed with, or null.
  std::exception_ptr error() const { return detail::Access::state(future)->error(); }
};

/// The futures of a map(), consumed in input order: each step waits for the next one.
template <class Project>
class InOrder {
 public:
  /// The modules and their futures, in input order; TerraformPool makes them.
  InOrder(std::vector<std::filesystem::path> modules, std::vector<Future<CommandResult>> futures)
      : modules_(std::move(modules)), futures_(std::move(futures)) {}

  /// The modules in input order, for range-for: dereferencing waits for the module's
  /// future and yields what MapResults or MapOutcomes say.
  class iterator {
   public:
    /// What an iterator over the modules needs.
    ///@{
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(const InOrder* owner, std::size_t index) : owner_(owner), index_(index) {}
    decltype(auto) operator*() const {
      return Project{}(owner_->modules_[index_], owner_->futures_[index_]);
    }
    iterator& operator++() {
      ++index_;
      return *this;
    }
    void operator++(int) { ++index_; }
    friend bool operator==(const iterator& a, const iterator& b) { return a.index_ == b.index_; }
    ///@}

   private:
    const InOrder* owner_ = nullptr;
    std::size_t index_ = 0;
  };

  /// The first module.
  iterator begin() const { return {this, 0}; }
  /// Past the last module.
  iterator end() const { return {this, futures_.size()}; }
  /// How many modules.
  std::size_t size() const { return futures_.size(); }
  /// The futures, in input order, to wait on or cancel as a whole.
  const std::vector<Future<CommandResult>>& futures() const { return futures_; }

 private:
  std::vector<std::filesystem::path> modules_;
  std::vector<Future<CommandResult>> futures_;
};

namespace detail {
struct ResultOf {
  const CommandResult& operator()(const std::filesystem::path&,
                                  const Future<CommandResult>& f) const {
    return f.get();
  }
};
struct OutcomeOf {
  ModuleOutcome operator()(const std::filesystem::path& module,
                           const Future<CommandResult>& f) const {
    f.wait();
    return {module, f};
  }
};
}  // namespace detail

/// Yields each module's CommandResult in input order; rethrows the first error reached.
using MapResults = InOrder<detail::ResultOf>;
/// Yields each module's ModuleOutcome in input order; never throws.
using MapOutcomes = InOrder<detail::OutcomeOf>;

/// Runs terraform commands across module directories in forked worker processes.
///
/// \code
///   TerraformPool pool{{.max_workers = 4}};
///   for (auto& r : pool.map("validate", modules, {.check = true})) { ... }
///   auto f = pool.command(modules[0]).apply();
///   f.cancel();            // running: terraform gets SIGINT through its worker
///   auto result = f.get();  // what terraform produced while winding down
/// \endcode
///
/// Two commands on the same module directory (by real path) never run at once; other
/// modules run in parallel up to max_workers. A worker that dies fails only its own
/// task (errc::worker_died; its terraform is interrupted and waited for) and is
/// replaced. If this process dies, each worker interrupts its terraform, waits for it
/// and exits. Every member is thread-safe; futures complete on the pool's own
/// threads.
class LIBTERRAFORM_EXPORT TerraformPool {
 public:
  /// Throws Error(binary_not_found) when the terraform binary cannot be found.
  explicit TerraformPool(PoolOptions options = PoolOptions());
  /// shutdown() with the default options: waits for every task.
  ~TerraformPool();
  TerraformPool(const TerraformPool&) = delete;
  TerraformPool& operator=(const TerraformPool&) = delete;

  /// The module directory `working_dir` bound to this pool, for its typed command
  /// methods.
  PoolCommand command(std::filesystem::path working_dir) const;

  /// A command method named at run time, with its default flags and these common
  /// options; `arguments` are its positional arguments (workspace name, address...).
  /// Throws Error(unknown_command) for a name that is no command method.
  ///@{
  Future<CommandResult> submit(std::filesystem::path working_dir, std::string_view method,
                               CommonOptions options = CommonOptions()) const;
  Future<CommandResult> submit(std::filesystem::path working_dir, std::string_view method,
                               Arguments arguments, CommonOptions options = CommonOptions()) const;
  ///@}
  /// `submit(dir, "workspace_new", {"staging"})`: a braced list of strings is always
  /// the positional arguments (not, by its first string, the options' `check`).
  Future<CommandResult> submit(std::filesystem::path working_dir, std::string_view method,
                               std::initializer_list<std::string> arguments,
                               CommonOptions options = CommonOptions()) const;

  /// Mirrors TerraformCommand::run: resolves to {retcode, output, error}.
  Future<RunResult> run(Arguments args, RunOptions options = RunOptions()) const;

  /// Runs `method` in every directory at once (up to max_workers) and yields the
  /// results in input order; iterating rethrows the first error reached.
  MapResults map(std::string_view method, std::vector<std::filesystem::path> working_dirs,
                 CommonOptions options = CommonOptions()) const;
  /// The same, yielding each module's result or error without throwing.
  MapOutcomes map_outcomes(std::string_view method, std::vector<std::filesystem::path> working_dirs,
                           CommonOptions options = CommonOptions()) const;

  /// Stops accepting work, as `options` say:
  /// \code
  ///   pool.shutdown();                                        // wait for every task
  ///   pool.shutdown({.wait = false});                         // return at once
  ///   pool.shutdown({.cancel_queued = true, .interrupt_running = true});  // a service stop
  /// \endcode
  /// Calling it again is harmless. From one of the pool's own callbacks, `wait` throws
  /// Error(would_deadlock).
  void shutdown(ShutdownOptions options = ShutdownOptions());

  /// How many worker processes run commands at once (PoolOptions::max_workers, or the
  /// hardware's concurrency for 0).
  unsigned max_workers() const noexcept;

 private:
  std::shared_ptr<pool::PoolCore> core_;
};

}  // namespace libterraform
