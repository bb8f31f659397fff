#pragma once

#include "libterraform/export.hpp"

#include <boost/system/error_code.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace libterraform {

struct CommandResult;
struct Diagnostic;

/// Every failure the library reports has one of these codes, so a caller can tell
/// them apart without reading messages. The async API hands them out as
/// boost::system::error_code; the sync API throws an Error carrying one.
enum class errc {
  /// terraform ran and exited with a failing code while `check` was set.
  command_failed = 1,
  /// The command was interrupted (stop token, cancel) while `check` was set.
  interrupted,
  /// The command ran past its timeout and was stopped.
  timed_out,
  /// The terraform binary does not exist or is not executable.
  binary_not_found,
  /// The module directory does not exist or is not a directory.
  directory_not_found,
  /// The child process could not be started for another reason.
  spawn_failed,
  /// An option value terraform would misread (empty name, NUL byte, bad number).
  invalid_option,
  /// terraform printed output the library could not parse as JSON.
  invalid_json,
  /// terraform's machine-readable UI reported a major version this library does not
  /// know.
  unsupported_ui_version,
  /// A command name given as a string is not a known command.
  unknown_command,
  /// A pool task was cancelled before it started.
  cancelled,
  /// The pool worker running the task died (the error message names its signal).
  worker_died,
  /// A pool worker failed while starting (its initializer threw or it died at once).
  worker_start_failed,
  /// The pool was shut down before the task could run.
  pool_shut_down,
  /// A malformed or truncated frame on a pool worker's channel.
  protocol_error,
  /// The pool can no longer start workers (its spawner process died): queued and new
  /// tasks fail; running ones finish.
  pool_broken,
  /// terraform ran, but its exit status was taken by another waiter of this process
  /// (SIGCHLD ignored, or a handler reaping every child) on a kernel before Linux 6.15,
  /// which keeps no copy for the library.
  exit_status_lost,
  /// A blocking call from one of the pool's own callbacks, which it would wait for
  /// forever (shutdown({.wait = true}) from a done-callback).
  would_deadlock,
  /// A line or event callback threw; terraform was interrupted and has exited. The
  /// sync API, use_awaitable and use_future raise the callback's own exception; a
  /// plain completion handler gets this code.
  callback_failed,
  /// A module graph whose dependencies form a cycle (DependencyCycleError names it).
  dependency_cycle,
  /// A module graph names a module it does not hold (a dependency, an include).
  unknown_module,
  /// The shared plugin cache (PoolOptions::plugin_cache_dir) could not be used for an
  /// init: its directory, a package lock or the init's CLI configuration file.
  /// terraform did not start.
  plugin_cache_failed,
  /// A module tree's directory, or a file discovery reads in it (a dependency file, a
  /// configuration file), could not be read: the tree cannot be known whole.
  read_failed,
  /// git could not say which files changed (ModuleGraph::changed_since): the
  /// directory is not in a git work tree, the revision is unknown, or git is missing
  /// or failed.
  git_failed,
  /// A remote pool worker speaks another version of the pool's protocol (the message
  /// names both): install the same libterraform version on every host.
  worker_version_mismatch,
  /// Every worker the pool may start is out of rotation: each launcher kept failing
  /// (the message carries each one's last error and stderr), and no local worker is
  /// allowed. Queued and new tasks fail.
  workers_unavailable,
};

/// The category of the library's error codes, named "libterraform".
LIBTERRAFORM_EXPORT const boost::system::error_category& error_category() noexcept;

/// The code's name as written above ("timed_out"), for reports and logs.
LIBTERRAFORM_EXPORT std::string_view to_string(errc code) noexcept;

/// `e` as a boost::system::error_code of error_category(): what lets an errc convert
/// to one implicitly.
inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

/// Base of every exception the library throws. `code()` says what went wrong;
/// `result()` is what terraform produced when it ran at all (exit code, output,
/// argv), null otherwise. Messages never contain -var values or command output.
class LIBTERRAFORM_EXPORT Error : public std::runtime_error {
 public:
  /// An error with this code and message, and what terraform produced if it ran.
  ///@{
  Error(boost::system::error_code code, const std::string& message,
        std::shared_ptr<const CommandResult> result = nullptr);
  Error(errc code, const std::string& message,
        std::shared_ptr<const CommandResult> result = nullptr)
      : Error(make_error_code(code), message, std::move(result)) {}
  ///@}

  /// What went wrong.
  const boost::system::error_code& code() const noexcept { return code_; }
  /// What terraform produced, or null when it did not run.
  const CommandResult* result() const noexcept { return result_.get(); }
  /// The same result, as the shared pointer the error holds.
  const std::shared_ptr<const CommandResult>& shared_result() const noexcept { return result_; }

 private:
  boost::system::error_code code_;
  std::shared_ptr<const CommandResult> result_;
};

/// terraform exited with a code `check` treats as failure. Carries the whole result
/// and the diagnostics terraform printed with -json.
class LIBTERRAFORM_EXPORT TerraformCommandError : public Error {
 public:
  /// The error of this result (not null); the message names the command, its exit,
  /// its directory and terraform's first error.
  explicit TerraformCommandError(std::shared_ptr<const CommandResult> result);

  /// The whole result.
  const CommandResult& command_result() const noexcept { return *result(); }
  /// The result's retcode, argv, output and error.
  ///@{
  int retcode() const noexcept;
  const std::vector<std::string>& argv() const noexcept;
  const std::string& output() const noexcept;
  const std::string& error() const noexcept;
  ///@}
  /// The result's diagnostics (CommandResult::diagnostics()), read once.
  const std::vector<Diagnostic>& diagnostics() const noexcept { return *diagnostics_; }

 private:
  std::shared_ptr<const std::vector<Diagnostic>> diagnostics_;
};

/// The command ran past its timeout; terraform was interrupted and has exited.
/// `result()` holds what it printed until then.
class LIBTERRAFORM_EXPORT CommandTimeoutError : public Error {
 public:
  /// The error of this result (not null); the message gives the timeout and how long
  /// terraform took to stop.
  explicit CommandTimeoutError(std::shared_ptr<const CommandResult> result);
};

/// The command was interrupted on request while `check` was set.
class LIBTERRAFORM_EXPORT CommandInterruptedError : public Error {
 public:
  /// The error of this result (not null).
  explicit CommandInterruptedError(std::shared_ptr<const CommandResult> result);
};

/// The dependencies of a module graph form a cycle: `cycle()` lists its modules in
/// order, the first one repeated at the end ("a", "b", "a").
class LIBTERRAFORM_EXPORT DependencyCycleError : public Error {
 public:
  /// The error of this cycle, listed as `cycle()` returns it.
  explicit DependencyCycleError(std::vector<std::string> cycle);
  /// The cycle's modules in order, the first one repeated at the end.
  const std::vector<std::string>& cycle() const noexcept { return cycle_; }

 private:
  std::vector<std::string> cycle_;
};

/// Rethrows the exception that matches `code`, with `result` attached: the inverse of
/// Error::code(), used where errors travel as codes (async handlers, pool frames).
[[noreturn]] LIBTERRAFORM_EXPORT void throw_error(
    boost::system::error_code code, const std::string& message,
    std::shared_ptr<const CommandResult> result = nullptr);

}  // namespace libterraform

/// \cond
template <>
struct boost::system::is_error_code_enum<libterraform::errc> : std::true_type {};
/// \endcond
