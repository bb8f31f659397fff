#include "graph/module_outcome.hpp"

#include <algorithm>

namespace libterraform {

std::string_view to_string(ModuleResult result) noexcept {
  switch (result) {
    case ModuleResult::pending:
      return "pending";
    case ModuleResult::queued:
      return "queued";
    case ModuleResult::running:
      return "running";
    case ModuleResult::succeeded:
      return "succeeded";
    case ModuleResult::failed:
      return "failed";
    case ModuleResult::skipped:
      return "skipped";
    case ModuleResult::cancelled:
      return "cancelled";
    case ModuleResult::excluded:
      return "excluded";
  }
  return "unknown";
}

std::string_view to_string(StoppedBy stopped_by) noexcept {
  switch (stopped_by) {
    case StoppedBy::nothing:
      return "nothing";
    case StoppedBy::dependency_failed:
      return "dependency_failed";
    case StoppedBy::fail_fast:
      return "fail_fast";
    case StoppedBy::run_cancelled:
      return "run_cancelled";
    case StoppedBy::dependency_cancelled:
      return "dependency_cancelled";
    case StoppedBy::pool:
      return "pool";
    case StoppedBy::interrupt:
      return "interrupt";
  }
  return "unknown";
}

int combined_exit_code(const std::vector<ModuleReport>& modules) noexcept {
  auto any = [&](auto predicate) { return std::any_of(modules.begin(), modules.end(), predicate); };
  if (any([](const ModuleReport& m) {
        return m.result == ModuleResult::failed || m.result == ModuleResult::cancelled;
      })) {
    return 1;
  }
  return any([](const ModuleReport& m) { return m.changes; }) ? 2 : 0;
}

namespace graph {
namespace {

std::string failure_reason(const CommandResult& result,
                           const std::vector<Diagnostic>& diagnostics) {
  for (const auto& d : diagnostics)
    if (d.severity == "error") return d.summary;
  return "terraform exited with code " + std::to_string(result.retcode);
}

}  // namespace

std::string message_of(const std::exception_ptr& error) {
  if (!error) return "the task failed";
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

void conclude(ModuleReport& outcome, const CommandResult* result, const TaskError* failure,
              bool run_cancelled) {
  if (result) {
    outcome.exit_code = result->retcode;
    // The summary and a stream's diagnostics come from the events as they came (the
    // run's on_event); a document's diagnostics (validate) only from the result.
    if (outcome.diagnostics.empty()) outcome.diagnostics = result->diagnostics();
  }
  if (failure) outcome.exception = failure->exception;
  // Stopped short by an interrupt: the run's cancel, or one from outside (a service
  // stop's SIGTERM reaches terraform itself). Not a timeout, nor a worker that died, nor
  // a callback that threw: those failed. Done all the same (exit 0: the interrupt came as
  // it ended): it succeeded.
  const bool stopped_short = result && result->interrupted && !result->timed_out &&
                             result->retcode != 0 &&
                             (!failure || failure->code == errc::interrupted);
  if (stopped_short) {
    outcome.result = ModuleResult::cancelled;
    outcome.reason = run_cancelled ? "interrupted: the run was cancelled"
                                   : "interrupted from outside the run (a service stop?)";
    outcome.stopped_by = run_cancelled ? StoppedBy::run_cancelled : StoppedBy::interrupt;
    outcome.error = make_error_code(errc::interrupted);
  } else if (failure || !result) {
    outcome.result = ModuleResult::failed;
    outcome.reason = failure ? message_of(failure->exception) : "the task ended without a result";
    outcome.error = failure ? failure->code : make_error_code(errc::command_failed);
  } else if (result->retcode == 0) {
    outcome.result = ModuleResult::succeeded;
  } else if (result->changes_present) {
    outcome.result = ModuleResult::succeeded;
    outcome.changes = true;
  } else {
    outcome.result = ModuleResult::failed;
    outcome.reason = failure_reason(*result, outcome.diagnostics);
    outcome.error = make_error_code(errc::command_failed);
  }
}

}  // namespace graph
}  // namespace libterraform
