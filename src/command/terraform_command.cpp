#include "libterraform/terraform_command.hpp"

#include "command/blocking_run.hpp"
#include "command/event_stream_state.hpp"
#include "command/stream_format.hpp"

namespace libterraform {
TerraformCommand::TerraformCommand(std::filesystem::path working_dir, TerraformOptions options)
    : working_dir_(std::move(working_dir)),
      options_(std::move(options)),
      executable_(detail::resolve_terraform(options_)) {}

// NOLINTNEXTLINE(performance-unnecessary-value-param): by value in the public header
RunResult TerraformCommand::run(Arguments args, RunOptions options) const {
  CommandResult result = execute(detail::run_spec(std::move(args.items), options));
  return {result.retcode, std::move(result.output), std::move(result.error)};
}

CommandResult TerraformCommand::execute(detail::CommandSpec spec) const {
  auto invocation =
      detail::prepare(spec, options_, executable_, detail::working_dir_of(spec, working_dir_));
  detail::BlockingRun run(std::move(spec), std::move(invocation));
  while (run.step()) {
  }
  return run.finish().get();
}

EventStream TerraformCommand::stream(detail::CommandSpec spec) const {
  detail::require_event_output(spec);
  auto invocation =
      detail::prepare(spec, options_, executable_, detail::working_dir_of(spec, working_dir_));
  return EventStream(detail::open_event_stream(std::move(spec), std::move(invocation)));
}

}  // namespace libterraform
