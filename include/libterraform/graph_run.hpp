#pragma once

/// \file
/// Runs over a graph of modules (run_graph): each module starts once everything it
/// depends on has succeeded and a worker is free. The graph sits above the pool and
/// uses only its public API: a run hands each module to a ModuleRunner, which
/// run_graph(pool, ...) makes from a TerraformPool. See docs/orchestration.md.

#include "libterraform/command_result.hpp"
#include "libterraform/events.hpp"
#include "libterraform/export.hpp"
#include "libterraform/future.hpp"
#include "libterraform/module_graph.hpp"
#include "libterraform/options/common.hpp"
#include "libterraform/terraform_pool.hpp"

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace libterraform {

/// Where a module is in a run, or how it ended there.
enum class ModuleResult {
  pending,    ///< waiting for the modules it depends on (or forever: a dry run)
  queued,     ///< handed to the pool, waiting for a worker: terraform has not started
  running,    ///< terraform runs
  succeeded,  ///< terraform exited 0 (or 2 with -detailed-exitcode: changes present)
  failed,     ///< terraform failed, or the library could not run it
  skipped,    ///< not run: a module it depends on failed (`cause`), or fail-fast stopped
  cancelled,  ///< the run was cancelled before it ended; a running one was interrupted
  excluded,   ///< left out by include/exclude globs; dependents do not wait for it
};
/// The result's name as written above ("succeeded").
LIBTERRAFORM_EXPORT std::string_view to_string(ModuleResult result) noexcept;

/// Why a module was skipped or cancelled, as a value (`reason` says it in words).
enum class StoppedBy {
  nothing,               ///< it was not: it ran to its end, or was excluded
  dependency_failed,     ///< skipped: `cause` failed, a module it depends on (maybe
                         ///< through others)
  fail_fast,             ///< skipped: fail-fast stopped the run after `cause` failed
  run_cancelled,         ///< cancelled: GraphRun::cancel or escalate, or the stop token
  dependency_cancelled,  ///< cancelled: `cause`, a module it depends on, was cancelled
  pool,                  ///< cancelled: the pool cancelled its queued task (a shutdown)
  interrupt,             ///< cancelled: terraform was interrupted from outside the run
                         ///< (a service stop's SIGTERM to every process)
};
/// The value's name as written above ("fail_fast").
LIBTERRAFORM_EXPORT std::string_view to_string(StoppedBy stopped_by) noexcept;

/// One module's part in a run. Times are terraform's own: a module that never ran has
/// no `started` nor `ended`.
struct ModuleReport {
  /// The clock of `submitted`, `started` and `ended`.
  using TimePoint = std::chrono::system_clock::time_point;

  std::string module = {};  ///< its name in the graph
  /// Its directory, as the graph holds it.
  std::filesystem::path directory = {};
  /// Where it is, or how it ended.
  ModuleResult result = ModuleResult::pending;
  std::string reason = {};  ///< why it failed, was skipped or was cancelled
  std::string cause = {};   ///< skipped or cancelled: the module that led to it
  /// `reason` as a value.
  StoppedBy stopped_by = StoppedBy::nothing;
  /// Failed or cancelled: the error's code (errc::command_failed for terraform's own
  /// failing exit, errc::cancelled for a module that never started, errc::interrupted
  /// for one interrupted by the run, or the library's code: timed_out, worker_died,
  /// pool_shut_down...), and the exception the module's future failed with, if any.
  ///@{
  boost::system::error_code error = {};
  std::exception_ptr exception = {};
  ///@}
  /// When it was handed to the pool (its dependencies let it go), when terraform
  /// started (a worker took it) and when terraform ended. started - submitted: time
  /// queued.
  ///@{
  std::optional<TimePoint> submitted = {}, started = {}, ended = {};
  ///@}
  /// \name What terraform did, when it ran.
  ///@{
  std::optional<int> exit_code = {};          ///< its exit code
  bool changes = false;                       ///< -detailed-exitcode said changes are present
  std::optional<ChangeSummary> summary = {};  ///< the last change_summary event
  std::vector<Diagnostic> diagnostics = {};   ///< from its events, or its document
  std::shared_ptr<const CommandResult> command_result = {};  ///< its whole result, if any
  ///@}
};

/// The combined exit code of a run: 1 if any module failed or was cancelled; otherwise
/// 2 if any reported changes (-detailed-exitcode); otherwise 0.
LIBTERRAFORM_EXPORT int combined_exit_code(const std::vector<ModuleReport>& modules) noexcept;

/// What a run reports once it has ended (GraphRun::get).
struct GraphRunReport {
  std::vector<ModuleReport> modules = {};  ///< in the graph's order
  /// run_order(): the selected modules by level.
  std::vector<std::vector<std::string>> order = {};
  /// When the run started and ended.
  ///@{
  std::chrono::system_clock::time_point started = {}, ended = {};
  ///@}
  /// The run was cancelled (GraphRun::cancel or escalate, or the stop token).
  bool cancelled = false;
  /// A dry run: the order listed, nothing run (GraphRunOptions::dry_run).
  bool dry_run = false;
  int exit_code = 0;  ///< combined_exit_code(modules)
};

/// What a run's callbacks receive; references valid during the call only.
struct ModuleEvent {
  const GraphModule& module;  ///< the module whose command printed it
  const Event& event;         ///< the event
};
/// One line of a module's output, for GraphRunOptions::on_output; references valid
/// during the call only.
struct ModuleLine {
  const GraphModule& module;  ///< the module whose command printed it
  std::string_view line;      ///< the line, without its newline
  bool from_stderr;           ///< printed on stderr rather than stdout
};

/// The command each module runs: e.g.
/// \code
///   [](const PoolCommand& m, CommonOptions c) {
///     return m.plan(with_common_options(PlanOptions{.detailed_exitcode = true}, c));
///   }
/// \endcode
/// `common` carries the run's callbacks: pass it on.
using ModuleCommand =
    std::function<Future<CommandResult>(const PoolCommand& module, CommonOptions common)>;

/// What runs each module, whatever runs it: a Future of its result. run_graph(pool,
/// ...) makes one that submits to the pool; a runner of your own may run modules
/// elsewhere (or, in tests, nowhere). The run cancels a module through its future
/// (cancel, escalate, withdraw) and reads its end there (failure, started_at,
/// ended_at).
using ModuleRunner =
    std::function<Future<CommandResult>(const GraphModule& module, CommonOptions common)>;

/// A module a run leaves out by name, and why (the reason its report gives).
struct LeftOut {
  std::string module;  ///< its name in the graph
  std::string reason;  ///< the reason its report gives
};

/// How a run over a graph goes: its order, what stops it, which modules run, what each
/// module's command gets, and the run's callbacks.
struct GraphRunOptions {
  /// Dependents first. Unset: on for a method named "destroy".
  std::optional<bool> reverse = std::nullopt;
  /// After a failure, start no more modules (running ones finish; queued ones are
  /// skipped).
  bool fail_fast = false;
  /// A failed module's dependents run anyway.
  bool ignore_errors = false;
  /// \name Selection
  /// Which modules run, in four steps (run_order and selected_modules tell the
  /// result):
  /// 1. The modules matching an `include` glob (all when there is none) and, when
  ///    `modules` is set, named in it. fnmatch(3) globs on module names ('*' matches
  ///    '/' too); an include glob matching no module, or a name the graph does not
  ///    hold, is an Error(unknown_module).
  /// 2. With `include_dependencies`, everything they depend on; with
  ///    `include_dependents`, everything that depends on them (both transitive).
  /// 3. Less the modules matching an `exclude` glob: an exclude always wins.
  /// 4. Less the modules in `left_out`, reported with its reason (a retry).
  ///
  /// Modules not selected are reported `excluded`, and their dependents do not wait
  /// for them. A destroy selecting a module without its dependents would leave them
  /// reading a destroyed state: unselected_dependents names them, for a caller to
  /// refuse.
  ///@{
  Strings include = {};  ///< globs of the modules to run (step 1)
  /// Globs of the modules not to run (step 3).
  Strings exclude = {};
  /// The names of the modules to run (step 1).
  std::optional<Strings> modules = std::nullopt;
  /// Add everything the modules selected depend on (step 2).
  bool include_dependencies = false;
  /// Add everything that depends on the modules selected (step 2).
  bool include_dependents = false;
  /// Modules left out, each with the reason its report gives (step 4).
  std::vector<LeftOut> left_out = {};
  ///@}
  /// List the order in the report; run nothing.
  bool dry_run = false;
  /// Passed to every module's command (timeout, env, extra_args, ...); its line and
  /// event callbacks run before the run's own below. Its stop_token is the run's: a
  /// stop request cancels the run (GraphRun::cancel), and is not passed on.
  CommonOptions common = {};
  /// A module changed state (queued, running, ended, skipped...): a copy of its
  /// outcome.
  std::function<void(const ModuleReport&)> on_change = {};
  /// Each event of a module's -json stream, and each line of its output.
  ///@{
  std::function<void(const ModuleEvent&)> on_event = {};
  std::function<void(const ModuleLine&)> on_output = {};
  ///@}
};

/// The selected modules by level, as the run would start them: each level's modules
/// depend only on selected modules of earlier levels (a module excluded does not hold
/// its dependents back, so it does not order them either). Dependents first when
/// `options.reverse`. Throws DependencyCycleError.
LIBTERRAFORM_EXPORT std::vector<std::vector<std::string>> run_order(const ModuleGraph& graph,
                                                                    const GraphRunOptions& options);

/// The names of the modules `options` selects, in the graph's order. Throws
/// Error(unknown_module) as a run would.
LIBTERRAFORM_EXPORT std::vector<std::string> selected_modules(const ModuleGraph& graph,
                                                              const GraphRunOptions& options);

/// The modules not selected that depend on a selected one, directly or not, in the
/// graph's order: what a destroy with this selection would leave broken. Modules in
/// `left_out` count as selected (a retry's were dealt with by the run it retries).
LIBTERRAFORM_EXPORT std::vector<std::string> unselected_dependents(const ModuleGraph& graph,
                                                                   GraphRunOptions options);

/// A retry of `previous`: every module of `graph` that did not fail, skip or get
/// cancelled there, left out with why ("succeeded in the run retried", "excluded from
/// the run retried", "not in the run retried"). Set it as GraphRunOptions::left_out.
LIBTERRAFORM_EXPORT std::vector<LeftOut> retry_left_out(const ModuleGraph& graph,
                                                        const GraphRunReport& previous);

namespace detail {
class GraphRunState;
}

/// A run over a graph, returned by run_graph. A handle: copies share one run, and
/// every member is thread-safe. Callbacks run on the pool's threads, possibly at once
/// for different modules; each module's in order; the run completes after the last of
/// them has returned. The pool must outlive the run.
class LIBTERRAFORM_EXPORT GraphRun {
 public:
  /// Made by run_graph, not by programs.
  explicit GraphRun(std::shared_ptr<detail::GraphRunState> state) : state_(std::move(state)) {}

  /// Waits, then returns (a copy of) the report: `run_graph(pool, graph, "plan").get()`
  /// is safe.
  GraphRunReport get() const;
  /// Waits until the run has completed.
  void wait() const;
  /// The run has completed.
  bool done() const;
  /// The report, as a handle to wait on with others (cancel the run with cancel()).
  SharedResult<GraphRunReport> future() const;
  /// A module's outcome, once it is final. Throws Error(unknown_module).
  SharedResult<ModuleReport> module(std::string_view name) const;
  /// Starts no more modules and interrupts each running terraform once (SIGINT; the
  /// stop policy decides any escalation): state is written and unlocked. Harmless
  /// twice.
  void cancel() const;
  /// A second Ctrl-C: cancel(), then each running terraform's stop escalated at once,
  /// per its stop policy (Future::escalate; nothing more with Escalation::none). A
  /// module stopped that way may be left with its state unwritten and its lock held.
  void escalate() const;

 private:
  std::shared_ptr<detail::GraphRunState> state_;
};

/// Runs the graph, each module through `runner`: each module starts once every module
/// it depends on has succeeded. Returns at once. Throws DependencyCycleError,
/// Error(unknown_module) for a selection naming no module, Error(invalid_option)
/// without a runner.
LIBTERRAFORM_EXPORT GraphRun run_graph(const ModuleGraph& graph, ModuleRunner runner,
                                       GraphRunOptions options = GraphRunOptions());
/// Runs `method` (a command method's name) in each module, through the pool, once a
/// worker is free; reversed for "destroy" unless options.reverse says otherwise.
/// Throws Error(unknown_command), and Error(invalid_option) for a method that takes
/// arguments.
LIBTERRAFORM_EXPORT GraphRun run_graph(const TerraformPool& pool, const ModuleGraph& graph,
                                       std::string_view method,
                                       GraphRunOptions options = GraphRunOptions());
/// The same with a command of your own for each module (typed options).
LIBTERRAFORM_EXPORT GraphRun run_graph(const TerraformPool& pool, const ModuleGraph& graph,
                                       ModuleCommand command,
                                       GraphRunOptions options = GraphRunOptions());

}  // namespace libterraform
