#pragma once

#include "libterraform/command_methods.hpp"
#include "libterraform/command_result.hpp"
#include "libterraform/errors.hpp"
#include "libterraform/event_stream.hpp"
#include "libterraform/export.hpp"
#include "libterraform/stream_methods.hpp"
#include "libterraform/terraform_options.hpp"

#include <filesystem>
#include <string>

namespace libterraform {

/// Runs terraform commands in one module directory, one child process per call.
///
/// \code
///   TerraformCommand cli{"path/to/module"};
///   auto r = cli.validate({.check = true});
///   bool ok = r.value->at("valid");
/// \endcode
///
/// Every command method (see CommandMethods and docs/commands.md) blocks until
/// terraform has exited and returns its CommandResult. Immutable after construction:
/// calls from several threads run at the same time, each in its own child. The
/// caller's working directory and environment are never changed. The *_stream methods
/// (StreamMethods) return an EventStream, pulled on the calling thread.
class LIBTERRAFORM_EXPORT TerraformCommand : public CommandMethods<TerraformCommand>,
                                             public StreamMethods<TerraformCommand> {
 public:
  /// `working_dir` empty: the caller's current directory at each call. Throws
  /// Error(binary_not_found) when the terraform binary cannot be found.
  explicit TerraformCommand(std::filesystem::path working_dir = {},
                            TerraformOptions options = TerraformOptions());

  /// The module directory, as given (empty: the caller's current directory).
  const std::filesystem::path& working_dir() const noexcept { return working_dir_; }
  /// How it runs terraform, as given.
  const TerraformOptions& options() const noexcept { return options_; }
  /// The absolute path of the terraform binary the calls run.
  const std::string& executable() const noexcept { return executable_; }

  /// Runs terraform with these arguments as they are, no flag added:
  /// \code
  ///   auto [retcode, output, error] = cli.run({"version", "-json"});
  /// \endcode
  RunResult run(Arguments args, RunOptions options = RunOptions()) const;

 private:
  friend struct detail::Access;
  /// Runs a prepared command; the command methods call this.
  CommandResult execute(detail::CommandSpec spec) const;
  /// Starts a prepared command and streams its events; the *_stream methods call this.
  EventStream stream(detail::CommandSpec spec) const;
  detail::FlagDefaults flag_defaults() const noexcept {
    return {options_.no_color, options_.input};
  }

  std::filesystem::path working_dir_;
  TerraformOptions options_;
  std::string executable_;
};

}  // namespace libterraform
