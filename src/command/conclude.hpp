#pragma once

#include "libterraform/command_result.hpp"
#include "libterraform/detail/command_spec.hpp"
#include "process/child_exit.hpp"

#include <memory>

namespace libterraform::detail {

// What a finished child left behind, before any interpretation.
struct RawRun {
  std::vector<std::string> argv;
  std::filesystem::path working_dir;
  process::ChildExit exit;
  std::string output;
  std::string error;
};

// A finished run, interpreted: the result, and the error it counts as, if any.
struct Outcome {
  std::shared_ptr<const CommandResult> result;
  std::exception_ptr error;

  // The result, or the error thrown.
  CommandResult get() const;
};

// Turns a finished run into what every front end reports. The error is:
// CommandTimeoutError after a timeout; with `check`, TerraformCommandError, or
// CommandInterruptedError when an interrupt caused the failing exit code;
// Error(invalid_json) when a successful run printed JSON that does not parse.
// Each error carries the result.
Outcome conclude(const CommandSpec& spec, RawRun raw);

}  // namespace libterraform::detail
