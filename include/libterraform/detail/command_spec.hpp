#pragma once

// How each command method becomes a terraform invocation: pure functions from
// (options, defaults, positional arguments) to a CommandSpec. Shared by
// TerraformCommand, the pool's proxies and the async facade; unit-tested for every
// command with defaults and with every option set.

#include "libterraform/detail/command_list.hpp"
#include "libterraform/export.hpp"
#include "libterraform/options/common.hpp"
#include "libterraform/options/configuration.hpp"
#include "libterraform/options/dependencies.hpp"
#include "libterraform/options/inspection.hpp"
#include "libterraform/options/state.hpp"
#include "libterraform/options/workflow.hpp"
#include "libterraform/options/workspace.hpp"
#include "libterraform/terraform_options.hpp"

#include <stop_token>

namespace libterraform::detail {

/// What stdout holds.
enum class OutputFormat {
  text,        ///< nothing to parse
  json,        ///< one JSON document
  json_lines,  ///< one JSON event per line
};

struct CommandSpec {
  std::string name;  ///< "plan", "state mv": for messages
  Strings args;      ///< everything after the binary
  OutputFormat format = OutputFormat::text;
  bool detailed_exitcode = false;  ///< exit code 2 means success with changes
  std::optional<std::string> stdin_data = {};
  std::filesystem::path cwd = {};  ///< overrides the module directory (generic run)
  CommonOptions common = {};
  /// Asks terraform to stop and escalates its stop at once, per the stop policy, as
  /// Future::escalate does (an AsyncEventStream's escalate()). Set by the library only;
  /// common.stop_token is the caller's.
  std::stop_token escalation = {};
};

/// The flag defaults a command falls back on (TerraformOptions::no_color, ::input).
struct FlagDefaults {
  bool no_color = true;
  bool input = false;
};

namespace specs {
#define LIBTERRAFORM_DECLARE_SPEC(method, Options, parameters, names) \
  LIBTERRAFORM_EXPORT CommandSpec method(const Options&,              \
                                         const FlagDefaults& LIBTERRAFORM_TRAILING parameters);
LIBTERRAFORM_FOR_EACH_COMMAND(LIBTERRAFORM_DECLARE_SPEC)
#undef LIBTERRAFORM_DECLARE_SPEC
}  // namespace specs

/// A command named at run time (TerraformPool::submit): its default options, the
/// positional arguments it needs, and `common`. Throws Error(unknown_command) for a
/// name that is no command method, Error(invalid_option) for a wrong argument count.
LIBTERRAFORM_EXPORT CommandSpec spec_by_name(std::string_view method, const Strings& arguments,
                                             const CommonOptions& common,
                                             const FlagDefaults& defaults);

/// The spec of the generic run().
LIBTERRAFORM_EXPORT CommandSpec run_spec(Strings args, const RunOptions& options);

}  // namespace libterraform::detail
