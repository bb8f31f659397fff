#pragma once

#include "libterraform/command_methods.hpp"
#include "libterraform/command_result.hpp"
#include "libterraform/errors.hpp"
#include "libterraform/event_stream.hpp"
#include "libterraform/terraform_options.hpp"

#include <filesystem>
#include <string>

namespace libterraform {

// Runs terraform commands in one module directory, one child process per call.
//
//   TerraformCommand cli{"path/to/module"};
//   auto r = cli.validate({.check = true});
//   bool ok = r.value->at("valid");
//
// Every command method (see CommandMethods and docs/commands.md) blocks until
// terraform has exited and returns its CommandResult. Immutable after construction:
// calls from several threads run at the same time, each in its own child. The
// caller's working directory and environment are never changed.
class TerraformCommand : public CommandMethods<TerraformCommand> {
 public:
  // `working_dir` empty: the caller's current directory at each call. Throws
  // Error(binary_not_found) when the terraform binary cannot be found.
  explicit TerraformCommand(std::filesystem::path working_dir = {},
                            TerraformOptions options = TerraformOptions());

  const std::filesystem::path& working_dir() const noexcept { return working_dir_; }
  const TerraformOptions& options() const noexcept { return options_; }
  // The absolute path of the terraform binary the calls run.
  const std::string& executable() const noexcept { return executable_; }

  // Runs terraform with these arguments as they are, no flag added:
  //   auto [retcode, output, error] = cli.run({"version", "-json"});
  RunResult run(Arguments args, RunOptions options = RunOptions()) const;

  // The events of a command as they arrive, pulled on the calling thread (see
  // EventStream). The command's `json` option must be on (it is by default).
  EventStream plan_stream(PlanOptions options = PlanOptions()) const {
    return stream(detail::specs::plan(options, flag_defaults()));
  }
  EventStream apply_stream(ApplyOptions options = ApplyOptions()) const {
    return stream(detail::specs::apply(options, flag_defaults()));
  }
  EventStream destroy_stream(DestroyOptions options = DestroyOptions()) const {
    return stream(detail::specs::destroy(options, flag_defaults()));
  }
  EventStream refresh_stream(RefreshOptions options = RefreshOptions()) const {
    return stream(detail::specs::refresh(options, flag_defaults()));
  }
  EventStream init_stream(InitOptions options = InitOptions()) const {
    return stream(detail::specs::init(options, flag_defaults()));
  }
  EventStream test_stream(TestOptions options = TestOptions()) const {
    return stream(detail::specs::test(options, flag_defaults()));
  }

  // Runs a prepared command; the command methods call this.
  CommandResult execute(detail::CommandSpec spec) const;
  // Starts a prepared command and streams its events; the *_stream methods call this.
  EventStream stream(detail::CommandSpec spec) const;
  detail::FlagDefaults flag_defaults() const noexcept {
    return {options_.no_color, options_.input};
  }

 private:
  std::filesystem::path working_dir_;
  TerraformOptions options_;
  std::string executable_;
};

}  // namespace libterraform
