#include "command/run_core.hpp"

namespace libterraform::detail {

RunCore::RunCore(CommandSpec spec, const Invocation& invocation, EventCallback also_on_event)
    : spec_(std::move(spec)),
      argv_(invocation.launch.argv),
      working_dir_(invocation.launch.working_dir),
      timeout_(invocation.supervision.timeout),
      collector_(spec_.common, spec_.format, std::move(also_on_event)) {}

bool RunCore::on_output(process::OutputStream stream, std::string_view chunk) {
  return collector_.add(stream, chunk);
}

Outcome RunCore::finish(const process::ChildExit& exit) {
  collector_.finish();
  Outcome outcome = conclude(
      spec_, {std::move(argv_), std::move(working_dir_), timeout_, exit,
              std::move(collector_.output()), std::move(collector_.error()), collector_.parsed()});
  // A failed callback or an unreadable stream is what stopped terraform: it comes first.
  if (Outcome failure = collector_.failure(outcome.result); failure.failed()) return failure;
  return outcome;
}

Outcome RunCore::abandon(errc code, std::string message,
                         std::optional<std::chrono::milliseconds> ran_for) {
  collector_.finish();
  auto partial = std::make_shared<CommandResult>();
  partial->retcode = -1;
  partial->argv = std::move(argv_);
  partial->working_dir = std::move(working_dir_);
  partial->interrupted = true;
  partial->timed_out = code == errc::timed_out;
  partial->timeout = timeout_;
  if (ran_for) partial->duration = *ran_for;
  partial->output = std::move(collector_.output());
  partial->error = std::move(collector_.error());
  return Outcome::failure(code, std::move(message), std::move(partial));
}

}  // namespace libterraform::detail
