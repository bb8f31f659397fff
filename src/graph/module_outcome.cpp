#include "graph/module_outcome.hpp"

#include <algorithm>

namespace libterraform {

std::string_view to_string(ModuleResult result) noexcept {
  switch (result) {
    case ModuleResult::pending:
      return "pending";
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

bool ran_with_detailed_exitcode(const CommandResult& result) {
  return std::find(result.argv.begin(), result.argv.end(), "-detailed-exitcode") !=
         result.argv.end();
}

std::optional<ChangeSummary> last_summary(const CommandResult& result) {
  std::optional<ChangeSummary> summary;
  if (!result.value || !result.value->is_array()) return summary;
  for (const auto& event : events_of(result))
    if (event.summary) summary = event.summary;
  return summary;
}

std::string failure_reason(const CommandResult& result,
                           const std::vector<Diagnostic>& diagnostics) {
  for (const auto& d : diagnostics)
    if (d.severity == "error") return d.summary;
  return "terraform exited with code " + std::to_string(result.retcode);
}

}  // namespace

void conclude(ModuleReport& outcome, const CommandResult* result, const std::string& error,
              bool run_cancelled) {
  if (result) {
    outcome.exit_code = result->retcode;
    outcome.summary = last_summary(*result);
    outcome.diagnostics = result->diagnostics();
  }
  if (result && result->interrupted && run_cancelled) {
    outcome.result = ModuleResult::cancelled;
    outcome.reason = "interrupted: the run was cancelled";
  } else if (!error.empty() || !result) {
    outcome.result = ModuleResult::failed;
    outcome.reason = error.empty() ? "the task ended without a result" : error;
  } else if (result->retcode == 0) {
    outcome.result = ModuleResult::succeeded;
  } else if (result->retcode == 2 && ran_with_detailed_exitcode(*result)) {
    outcome.result = ModuleResult::succeeded;
    outcome.changes = true;
  } else {
    outcome.result = ModuleResult::failed;
    outcome.reason = failure_reason(*result, outcome.diagnostics);
  }
}

}  // namespace graph
}  // namespace libterraform
