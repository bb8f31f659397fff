#pragma once

#include "command/outcome.hpp"
#include "libterraform/detail/command_spec.hpp"
#include "libterraform/terraform_options.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace libterraform::detail {

// Where and with what a command runs: the binary, resolved once, and the options.
struct RunTarget {
  TerraformOptions options;
  std::string executable;
  std::filesystem::path module_dir;  // empty: the caller's directory
};

// The Asio driver of a RunCore: one command supervised on an executor, without a
// thread of its own (AsyncTerraformCommand's default backend).
class AsyncRun {
 public:
  using Handler = std::function<void(Outcome)>;

  // Starts terraform. `done` runs once, on `executor` and never inside this call, with
  // the outcome; a command that cannot start completes with its error too. The spec's
  // stop token asks terraform to stop, as stop() does, and its escalation token
  // escalates, as escalate() does. If the executor's context is destroyed first,
  // terraform is interrupted and waited for, and `done` never runs.
  static std::shared_ptr<AsyncRun> start(boost::asio::any_io_executor executor,
                                         const RunTarget& target, CommandSpec spec, Handler done);

  // Asks terraform to stop (SIGINT, then the stop policy). Thread-safe; once the run
  // has ended it does nothing.
  virtual void stop() = 0;
  // stop(), then the policy's escalation at once (a second cancellation).
  virtual void escalate() = 0;
  virtual ~AsyncRun() = default;
};

}  // namespace libterraform::detail
