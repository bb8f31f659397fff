#include "graph/graph_run_state.hpp"

#include "graph/module_outcome.hpp"

namespace libterraform::detail {
namespace {

std::vector<std::vector<std::size_t>> waits_for(const ModuleGraph& graph, bool reverse) {
  std::vector<std::vector<std::size_t>> waits(graph.size());
  for (std::size_t m = 0; m < graph.size(); ++m)
    waits[m] = reverse ? graph.dependents(m) : graph.modules()[m].after;
  return waits;
}

// What a submission that threw counts as: the library's code, or the module command's
// own exception (a ModuleCommand of the user's).
boost::system::error_code code_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    return e.code();
  } catch (...) {
    return make_error_code(errc::callback_failed);
  }
}

// A task that failed before it reached the pool.
Future<CommandResult> refused(std::exception_ptr error) {
  auto state = std::make_shared<FutureState<CommandResult>>(0);
  state->set_error({code_of(error), std::move(error), nullptr});
  return Future<CommandResult>(std::move(state));
}

bool is_final(ModuleResult result) {
  return result != ModuleResult::pending && result != ModuleResult::queued &&
         result != ModuleResult::running;
}

// Per module: it runs (nothing left it out).
std::vector<bool> selected(const std::vector<std::optional<std::string>>& left_out) {
  std::vector<bool> selected;
  selected.reserve(left_out.size());
  for (const auto& reason : left_out)
    selected.push_back(!reason);
  return selected;
}

// A callback that runs `first`, then `second`, either of which may be empty.
template <class Callback>
Callback chain(Callback first, Callback second) {
  if (!first) return second;
  return [first = std::move(first), second = std::move(second)](const auto& value) {
    first(value);
    second(value);
  };
}

}  // namespace

GraphRunState::GraphRunState(ModuleGraph graph, ModuleRunner runner, GraphRunOptions options,
                             bool reverse, std::vector<std::optional<std::string>> left_out,
                             std::vector<std::vector<std::string>> order)
    : graph_(std::move(graph)),
      runner_(std::move(runner)),
      options_(std::move(options)),
      schedule_(waits_for(graph_, reverse), selected(left_out),
                {.fail_fast = options_.fail_fast, .ignore_errors = options_.ignore_errors}),
      tasks_(graph_.size()),
      run_(std::make_shared<FutureState<GraphRunReport>>(0)),
      // NOLINTNEXTLINE(bugprone-throw-keyword-missing): a member's initializer, not a throw
      callback_errors_(graph_.size()) {
  report_.order = std::move(order);
  report_.dry_run = options_.dry_run;
  for (std::size_t m = 0; m < graph_.size(); ++m) {
    const auto& module = graph_.modules()[m];
    ModuleReport outcome{.module = module.name, .directory = module.directory};
    if (left_out[m]) {
      outcome.result = ModuleResult::excluded;
      outcome.reason = std::move(*left_out[m]);
    }
    report_.modules.push_back(std::move(outcome));
    modules_.push_back(std::make_shared<FutureState<ModuleReport>>(m));
  }
}

std::shared_ptr<FutureState<ModuleReport>> GraphRunState::module_state(
    std::string_view name) const {
  auto found = graph_.find(name);
  if (!found) {
    throw Error(errc::unknown_module,
                "the run's graph holds no module named \"" + std::string(name) + "\"");
  }
  return modules_[*found];
}

void GraphRunState::start() {
  {
    std::lock_guard lock(mutex_);
    report_.started = std::chrono::system_clock::now();
  }
  const auto& stop_token = options_.common.stop_token;
  if (stop_token.stop_possible() && !options_.dry_run) {
    // Asked already, it cancels the run right here.
    on_stop_.emplace(stop_token, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->cancel();
    });
  }
  Changes changes;
  changes.finished = options_.dry_run;
  apply(std::move(changes));  // takes what is ready
}

void GraphRunState::take_ready(Changes& changes) {
  for (std::size_t m : schedule_.take_ready()) {
    report_.modules[m].result = ModuleResult::queued;
    report_.modules[m].submitted = std::chrono::system_clock::now();
    changes.changed.push_back(m);
    changes.to_start.push_back(m);
  }
  if (schedule_.done()) changes.finished = true;
}

void GraphRunState::mark(const std::vector<std::size_t>& modules, const std::string& reason,
                         StoppedBy stopped_by, Changes& changes) {
  for (std::size_t m : modules) {
    auto& outcome = report_.modules[m];
    if (schedule_.state(m) == graph::ModuleState::skipped) {
      outcome.result = ModuleResult::skipped;
    } else {
      outcome.result = ModuleResult::cancelled;
      if (!outcome.error) outcome.error = make_error_code(errc::cancelled);
    }
    outcome.reason = reason;
    outcome.stopped_by = stopped_by;
    if (auto cause = schedule_.cause(m)) outcome.cause = graph_.modules()[*cause].name;
    changes.changed.push_back(m);
  }
}

CommonOptions GraphRunState::options_for(std::size_t m) {
  CommonOptions common = options_.common;
  common.stop_token = {};  // the run watches it: its cancel is the one interrupt
  const GraphModule* module = &graph_.modules()[m];
  std::weak_ptr<GraphRunState> weak = weak_from_this();
  if (options_.on_output) {
    auto line_callback = [weak, module](bool from_stderr) -> LineCallback {
      return [weak, module, from_stderr](std::string_view line) {
        if (auto self = weak.lock()) self->options_.on_output({*module, line, from_stderr});
      };
    };
    common.on_output = chain(std::move(common.on_output), line_callback(false));
    common.on_error = chain(std::move(common.on_error), line_callback(true));
  }
  // Before anything it prints: on the task's own delivery thread (a start callback
  // registered on its future could come too late, or on another thread).
  common.on_start = chain(std::move(common.on_start),
                          StartCallback([weak, m](std::chrono::system_clock::time_point time) {
                            if (auto self = weak.lock()) self->started(m, time);
                          }));
  // Its change summary and diagnostics, as the events come: the report has them also
  // when the result keeps no output (keep_output off).
  common.on_event = chain(std::move(common.on_event), EventCallback([weak, m](const Event& e) {
                            if (auto self = weak.lock()) self->observe(m, e);
                          }));
  if (options_.on_event) {
    common.on_event =
        chain(std::move(common.on_event), EventCallback([weak, module](const Event& e) {
                if (auto self = weak.lock()) self->options_.on_event({*module, e});
              }));
  }
  return common;
}

void GraphRunState::launch(std::size_t m) {
  Future<CommandResult> task;
  try {
    task = runner_(graph_.modules()[m], options_for(m));
    if (!task.valid()) {
      throw Error(errc::invalid_option, "the run's module command returned no future");
    }
  } catch (...) {
    // Refused before it ran (a bad option, a pool shut down): the module failed.
    task = refused(std::current_exception());
  }
  bool cancelled = false;
  bool stopped = false;
  {
    std::lock_guard lock(mutex_);
    tasks_[m] = task;
    // A callback that threw at its start, before the task was stored here.
    cancelled = cancelled_ || callback_errors_[m];
    stopped = schedule_.stopped();
  }
  // The run stopped while this one was being submitted: cancelled, it is interrupted;
  // stopped by fail-fast, it is withdrawn unless its terraform runs.
  if (cancelled) {
    task.cancel();
  } else if (stopped) {
    task.withdraw();
  }
  task.add_done_callback(
      [self = shared_from_this(), m](const Future<CommandResult>& done) { self->ended(m, done); });
}

void GraphRunState::observe(std::size_t m, const Event& event) {
  if (!event.summary && !event.diagnostic) return;
  std::lock_guard lock(mutex_);
  auto& outcome = report_.modules[m];
  if (event.summary) outcome.summary = event.summary;
  if (event.diagnostic) outcome.diagnostics.push_back(*event.diagnostic);
}

void GraphRunState::started(std::size_t m, ModuleReport::TimePoint time) {
  Changes changes;
  {
    std::lock_guard lock(mutex_);
    auto& outcome = report_.modules[m];
    if (outcome.result != ModuleResult::queued) return;
    outcome.result = ModuleResult::running;
    outcome.started = time;
    changes.changed.push_back(m);
  }
  apply(std::move(changes));
}

void GraphRunState::ended(std::size_t m, const Future<CommandResult>& task) {
  Changes changes;
  {
    std::lock_guard lock(mutex_);
    auto& outcome = report_.modules[m];
    if (is_final(outcome.result)) return;
    if (task.cancelled()) {
      // Withdrawn from the pool's queue: by fail-fast, by the run's cancel or by a
      // pool that shut down. terraform never started.
      if (options_.fail_fast && first_failure_ && !cancelled_) {
        schedule_.skipped(m, *first_failure_);
        mark({m}, "fail-fast: " + graph_.modules()[*first_failure_].name + " failed",
             StoppedBy::fail_fast, changes);
      } else {
        const auto dependents = schedule_.cancelled(m);
        mark({m}, cancelled_ ? "the run was cancelled" : "the pool cancelled it",
             cancelled_ ? StoppedBy::run_cancelled : StoppedBy::pool, changes);
        mark(dependents, "cancelled: " + outcome.module + " was cancelled",
             StoppedBy::dependency_cancelled, changes);
      }
    } else {
      const auto failure = task.failure();
      std::shared_ptr<const CommandResult> result =
          failure ? failure->result : std::make_shared<CommandResult>(task.get());
      graph::conclude(outcome, result.get(), failure ? &*failure : nullptr, cancelled_);
      if (auto error = callback_errors_[m]) {
        // A callback of the run threw while it ran: terraform was interrupted for it.
        outcome.result = ModuleResult::failed;
        outcome.error = make_error_code(errc::callback_failed);
        outcome.exception = error;
        outcome.reason = "a callback of the run threw: " + graph::message_of(error);
        outcome.stopped_by = StoppedBy::nothing;
      }
      // terraform's own start and end, as the pool saw them.
      if (!outcome.started) outcome.started = task.started_at();
      if (outcome.started)
        outcome.ended = task.ended_at().value_or(std::chrono::system_clock::now());
      outcome.command_result = result;
      changes.changed.push_back(m);
      changes.concluded.push_back(m);  // the schedule hears of it once on_change has
    }
  }
  apply(std::move(changes));
}

void GraphRunState::settle_locked(std::size_t m, Changes& changes) {
  const auto& outcome = report_.modules[m];
  if (outcome.result == ModuleResult::succeeded) {
    schedule_.succeeded(m);
  } else if (outcome.result == ModuleResult::cancelled) {
    mark(schedule_.cancelled(m), "cancelled: " + outcome.module + " was interrupted",
         StoppedBy::dependency_cancelled, changes);
  } else {
    failed_locked(m, changes);
  }
}

void GraphRunState::failed_locked(std::size_t m, Changes& changes) {
  if (!first_failure_) first_failure_ = m;
  const auto skipped = schedule_.failed(m);
  const std::string& name = graph_.modules()[m].name;
  if (options_.fail_fast) {
    mark(skipped, "fail-fast: " + name + " failed", StoppedBy::fail_fast, changes);
    for (std::size_t other = 0; other < tasks_.size(); ++other)
      if (other != m && tasks_[other].valid()) changes.withdraw.push_back(tasks_[other]);
  } else {
    mark(skipped, "dependency " + name + " failed", StoppedBy::dependency_failed, changes);
  }
}

void GraphRunState::callback_threw_locked(std::size_t m, std::exception_ptr error, bool settling,
                                          Changes& changes) {
  auto& outcome = report_.modules[m];
  switch (outcome.result) {
    case ModuleResult::running:
      // It fails once its terraform, interrupted now, has ended (ended()); a task not
      // stored yet is interrupted as launch() stores it.
      if (!callback_errors_[m]) {
        callback_errors_[m] = std::move(error);
        if (tasks_[m].valid()) changes.interrupt.push_back(tasks_[m]);
      }
      return;
    case ModuleResult::failed:
      if (!outcome.exception) outcome.exception = std::move(error);
      return;
    case ModuleResult::queued:  // not submitted yet: it never will be
    case ModuleResult::succeeded:
    case ModuleResult::skipped:
    case ModuleResult::cancelled:
      break;
    case ModuleResult::pending:
    case ModuleResult::excluded:
      return;
  }
  outcome.result = ModuleResult::failed;
  outcome.error = make_error_code(errc::callback_failed);
  outcome.reason = "a callback of the run threw: " + graph::message_of(error);
  outcome.exception = std::move(error);
  outcome.stopped_by = StoppedBy::nothing;
  changes.changed.push_back(m);
  if (!settling) failed_locked(m, changes);  // else settle_locked() does, as for any failure
}

void GraphRunState::cancel() {
  Changes changes;
  {
    std::lock_guard lock(mutex_);
    if (cancelled_ || finished_) return;
    cancelled_ = true;
    report_.cancelled = true;
    mark(schedule_.cancel(), "the run was cancelled", StoppedBy::run_cancelled, changes);
    changes.interrupt = unfinished_tasks_locked();
    if (schedule_.done()) changes.finished = true;
  }
  apply(std::move(changes));
}

void GraphRunState::escalate() {
  cancel();
  std::vector<Future<CommandResult>> unfinished;
  {
    std::lock_guard lock(mutex_);
    unfinished = unfinished_tasks_locked();
  }
  for (auto& task : unfinished)
    task.escalate();
}

std::vector<Future<CommandResult>> GraphRunState::unfinished_tasks_locked() const {
  std::vector<Future<CommandResult>> unfinished;
  for (std::size_t m = 0; m < tasks_.size(); ++m)
    if (tasks_[m].valid() && !is_final(report_.modules[m].result)) unfinished.push_back(tasks_[m]);
  return unfinished;
}

void GraphRunState::apply(Changes changes) {
  {
    std::lock_guard lock(mutex_);
    ++notifying_;
  }
  do {  // once at least: what is ready is taken in there
    // The changes as they stand now, told without the lock; a callback that throws fails
    // its module (below), and never stops the run.
    std::vector<ModuleReport> reported;
    {
      std::lock_guard lock(mutex_);
      for (std::size_t m : changes.changed)
        reported.push_back(report_.modules[m]);
    }
    std::vector<std::pair<std::size_t, std::exception_ptr>> threw;
    if (options_.on_change) {
      for (std::size_t i = 0; i < reported.size(); ++i) {
        try {
          options_.on_change(reported[i]);
        } catch (...) {
          threw.emplace_back(changes.changed[i], std::current_exception());
        }
      }
    }
    Changes next;
    std::vector<std::pair<std::size_t, ModuleReport>> final_outcomes;
    {
      std::lock_guard lock(mutex_);
      auto settling = [&](std::size_t m) {
        return std::find(changes.concluded.begin(), changes.concluded.end(), m) !=
               changes.concluded.end();
      };
      for (auto& [m, error] : threw)
        callback_threw_locked(m, std::move(error), settling(m), next);
      // Only now, once on_change has taken (or failed) the ends it was told of, does
      // the schedule act on them: what depends on a module starts after it was told.
      for (std::size_t m : changes.concluded)
        settle_locked(m, next);
      std::erase_if(changes.to_start, [this](std::size_t m) {
        return report_.modules[m].result != ModuleResult::queued;  // failed by a callback
      });
      if (!options_.dry_run) take_ready(next);
      for (std::size_t m : changes.changed)
        if (is_final(report_.modules[m].result)) final_outcomes.emplace_back(m, report_.modules[m]);
      if ((changes.finished || next.finished) && !finished_) {
        finished_ = true;
        report_.ended = std::chrono::system_clock::now();
        report_.exit_code = combined_exit_code(report_.modules);
        finished_report_ = report_;
        // Every module's future completes with the run: a dry run's and excluded ones
        // too (a future completes once, so those already complete keep their value).
        for (std::size_t m = 0; m < report_.modules.size(); ++m)
          final_outcomes.emplace_back(m, report_.modules[m]);
      }
      next.finished = false;  // acted on here
    }
    for (auto& [m, outcome] : final_outcomes)
      modules_[m]->set_value(std::move(outcome));
    for (auto& task : changes.withdraw)
      task.withdraw();  // only one not started yet: running ones finish
    for (auto& task : changes.interrupt)
      task.cancel();  // queued: dropped; running: one SIGINT
    for (std::size_t m : changes.to_start)
      launch(m);
    changes = std::move(next);
  } while (!changes.empty());
  // The run completes once no other thread is still in a callback of it, so that
  // whatever the callbacks use may go once get() returns.
  std::optional<GraphRunReport> report;
  {
    std::lock_guard lock(mutex_);
    if (--notifying_ == 0 && finished_report_) {
      report = std::move(finished_report_);
      finished_report_.reset();
    }
  }
  if (report) run_->set_value(std::move(*report));
}

}  // namespace libterraform::detail
