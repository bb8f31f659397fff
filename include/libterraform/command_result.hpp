#pragma once

#include "libterraform/export.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace libterraform {

/// One diagnostic terraform reported with -json (validate's document, or a
/// "diagnostic" event of plan/apply/...).
struct Diagnostic {
  std::string severity;  ///< "error" or "warning"
  std::string summary;   ///< the short statement of the problem
  std::string detail;    ///< the longer explanation, when terraform gives one
  std::string address;   ///< the resource address, when terraform names one
  std::string filename;  ///< where in the configuration, when known
  int line = 0;          ///< the line in `filename` where it starts; 0 when unknown

  /// Equal when every field is.
  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

/// What one terraform command produced.
struct LIBTERRAFORM_EXPORT CommandResult {
  /// Exit code; -N when terraform was ended by signal N; -1 also when its exit status
  /// is unknown (errc::exit_status_lost, or a command abandoned before it ended).
  int retcode = 0;
  /// Parsed stdout: one JSON document for commands that print one (validate -json,
  /// show -json, output -json, version -json, ...), an array of event objects for
  /// streaming commands (plan/apply/destroy/refresh/init/test -json), empty for text.
  std::optional<nlohmann::json> value;
  /// stdout and stderr, whole. (Named after the Python library: `stdout` and
  /// `stderr` are macros in C.)
  ///@{
  std::string output;
  std::string error;
  ///@}
  /// The full argv, starting with the terraform binary. Holds -var values: use
  /// command_line() for anything that gets logged.
  std::vector<std::string> argv;
  /// Where terraform ran, as module_path() gives it (the real path), on every backend.
  std::filesystem::path working_dir;
  /// How long terraform ran, from its start to its exit.
  std::chrono::milliseconds duration{0};
  /// An interrupt was sent (stop token, cancel, timeout, pool shutdown).
  bool interrupted = false;
  /// The interrupt came from the command's timeout.
  bool timed_out = false;
  /// The timeout it ran under, if any.
  std::optional<std::chrono::milliseconds> timeout;
  /// Run with -detailed-exitcode (PlanOptions::detailed_exitcode, or in extra_args), and
  /// terraform exited 2: the plan succeeded and holds changes.
  bool changes_present = false;

  /// Diagnostics found in `value`, errors and warnings, in terraform's order.
  std::vector<Diagnostic> diagnostics() const;
  /// argv as one line with the value of every -var and -backend-config masked.
  std::string command_line() const;
};

/// What the generic run() resolves to, shaped for structured bindings:
/// `auto [retcode, output, error] = cli.run({"version"});`
struct RunResult {
  int retcode = 0;     ///< exit code; -N when terraform was ended by signal N
  std::string output;  ///< stdout, whole
  std::string error;   ///< stderr, whole
};

}  // namespace libterraform
