#include "command/conclude.hpp"

#include "command/output_parser.hpp"
#include "libterraform/errors.hpp"
#include "libterraform/events.hpp"

namespace libterraform::detail {
namespace {

bool failed(const CommandSpec& spec, int retcode) {
  return retcode != 0 && !(spec.detailed_exitcode && retcode == 2);
}

}  // namespace

Outcome conclude(const CommandSpec& spec, RawRun raw) {
  auto result = std::make_shared<CommandResult>();
  result->retcode = raw.exit.retcode;
  result->argv = std::move(raw.argv);
  result->working_dir = std::move(raw.working_dir);
  result->duration = raw.exit.duration;
  result->timeout = raw.timeout;
  result->interrupted = raw.exit.stop_reason != process::StopReason::none;
  result->timed_out = raw.exit.stop_reason == process::StopReason::timed_out;
  result->changes_present = spec.detailed_exitcode && result->retcode == 2;
  ParsedOutput parsed = raw.parsed ? std::move(*raw.parsed) : parse_output(spec.format, raw.output);
  result->value = std::move(parsed.value);
  result->output = std::move(raw.output);
  result->error = std::move(raw.error);

  if (raw.exit.status_lost()) {
    result->retcode = -1;
    return Outcome::failure(
        errc::exit_status_lost,
        "terraform " + spec.name +
            " ran, but its exit status was taken by another waiter in this process (SIGCHLD "
            "ignored, or a handler reaping every child); Linux 6.15 and later keep it "
            "(docs/reliability.md)",
        result);
  }
  const bool failing = failed(spec, result->retcode);
  if (result->timed_out) return Outcome::failure(errc::timed_out, {}, result);
  if (spec.common.check && failing) {
    return Outcome::failure(result->interrupted ? errc::interrupted : errc::command_failed, {},
                            result);
  }
  if (parsed.unreadable) {
    return Outcome::failure(errc::unsupported_ui_version, *parsed.unreadable, result);
  }
  if (parsed.failure && !failing) {
    return Outcome::failure(errc::invalid_json,
                            "terraform " + spec.name + " printed " + *parsed.failure, result);
  }
  return {result, {}, {}, nullptr};
}

}  // namespace libterraform::detail
