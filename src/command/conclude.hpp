#pragma once

#include "command/outcome.hpp"
#include "command/output_parser.hpp"
#include "libterraform/detail/command_spec.hpp"
#include "process/child_exit.hpp"

namespace libterraform::detail {

// What a finished child left behind, before any interpretation.
struct RawRun {
  std::vector<std::string> argv;
  std::filesystem::path working_dir;
  std::optional<std::chrono::milliseconds> timeout;
  process::ChildExit exit;
  std::string output;
  std::string error;
  // stdout already parsed as it came (a -json stream); else conclude parses `output`.
  std::optional<ParsedOutput> parsed = std::nullopt;
};

// Turns a finished run into what every front end reports. The code is timed_out after
// a timeout; with `check`, command_failed, or interrupted when an interrupt caused the
// failing exit code; invalid_json when a successful run printed JSON that does not
// parse; unsupported_ui_version for an event stream of another UI major;
// exit_status_lost when someone else took terraform's exit status.
Outcome conclude(const CommandSpec& spec, RawRun raw);

}  // namespace libterraform::detail
