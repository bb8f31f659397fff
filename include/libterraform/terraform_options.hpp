#pragma once

#include "libterraform/options/common.hpp"
#include "libterraform/stop_policy.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace libterraform {

/// How a TerraformCommand (or every worker of a TerraformPool) runs terraform.
struct TerraformOptions {
  /// The binary: a name looked up on PATH (of the command's environment) or a path.
  /// Interrupts go to this process alone (it stops its provisioners), so a wrapper
  /// script must exec terraform rather than run it as a child.
  std::string terraform = "terraform";
  /// Environment variables on top of this process's environment, or instead of it
  /// when replace_env is set. TF_IN_AUTOMATION=1 is added unless set here.
  Environment env = {};
  /// `env` replaces this process's environment rather than adding to it.
  bool replace_env = false;
  /// Defaults of the per-command `no_color` and `input` fields.
  ///@{
  bool no_color = true;
  bool input = false;
  ///@}
  /// Default per-command timeout; unset: none.
  std::optional<Duration> timeout = {};
  /// How an interrupted or timed-out command is stopped.
  StopPolicy stop_policy = {};
};

/// Options of the generic run(): the arguments are passed to terraform as they are.
struct RunOptions {
  /// Working directory; empty: the command's module directory (TerraformCommand) or the
  /// caller's current directory at submission (TerraformPool).
  std::filesystem::path cwd = {};
  /// Text passed on terraform's standard input.
  std::optional<std::string> input = {};
  /// Throw TerraformCommandError when terraform fails.
  bool check = false;
  /// Interrupt terraform after this long; unset: the TerraformOptions::timeout default.
  std::optional<Duration> timeout = std::nullopt;
  /// Environment variables for this run, on top of the command's own.
  Environment env = {};
  /// Each stdout line as it arrives.
  LineCallback on_output = {};
  /// Each stderr line as it arrives.
  LineCallback on_error = {};
  /// A stop request interrupts terraform (SIGINT), like a timeout does.
  std::stop_token stop_token = {};
};

/// Arguments of the generic run(), after the binary: `run("version")` or
/// `run({"state", "list"})`. One string is one argument: nothing is split.
struct Arguments {
  Strings items;  ///< the arguments, in order
  /// One argument, or several in order.
  ///@{
  Arguments(const char* argument) : items{argument} {}
  Arguments(std::string argument) : items{std::move(argument)} {}
  Arguments(std::initializer_list<std::string> arguments) : items(arguments) {}
  Arguments(Strings arguments) : items(std::move(arguments)) {}
  ///@}
};

}  // namespace libterraform
