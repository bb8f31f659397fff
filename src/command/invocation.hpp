#pragma once

#include "command/resolve_terraform.hpp"
#include "libterraform/detail/command_spec.hpp"
#include "libterraform/terraform_options.hpp"
#include "process/launch.hpp"
#include "process/supervision_options.hpp"

#include <optional>
#include <string>

namespace libterraform::detail {

// A command ready to launch: what the process layer needs, and nothing of the
// command layer. Plain data, so a pool can send it to a worker.
struct Invocation {
  process::LaunchSpec launch;
  process::SupervisionOptions supervision;
};

// Where the spec runs: its own directory, else `module_dir`, else the caller's, as
// its real path (module_path), the same form on every backend. Throws
// Error(invalid_option) for a path with a NUL byte, Error(directory_not_found) for a
// missing directory.
std::filesystem::path working_dir_of(const CommandSpec& spec,
                                     const std::filesystem::path& module_dir);

// Everything about how the spec runs in `working_dir`: argv, the environment
// (TF_IN_AUTOMATION=1, then the options' env, then the spec's), timeout and stop
// policy. `environment`, if given, is the environment of specs without an env of their
// own (read once, shared).
Invocation prepare(const CommandSpec& spec, const TerraformOptions& options,
                   const std::string& executable, const std::filesystem::path& working_dir,
                   process::EnvironmentBlock environment = nullptr);

// Throws Error(invalid_option) for a directory path with a NUL byte, which the system
// calls would silently cut short (and so run somewhere else).
void require_valid_directory(std::string_view what, const std::filesystem::path& directory);

// The environment of commands without an env of their own, read now.
process::EnvironmentBlock base_environment(const TerraformOptions& options);

}  // namespace libterraform::detail
