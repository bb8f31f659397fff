#pragma once

// tfrun's command line, parsed into one struct.

#include <libterraform/stop_policy.hpp>
#include <libterraform/terraform_pool.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tfrun {

enum class Progress { automatic, live, lines };

// tfrun's exit codes besides a run's own (0, 1, 2: combined_exit_code): bad usage, as
// sysexits.h's EX_USAGE.
inline constexpr int kUsage = 64;

struct Options {
  std::string command;                         // a command method: plan, apply, init...
  std::vector<std::string> terraform_args;     // after `--`: passed to terraform
  std::filesystem::path root = ".";            // the module tree
  std::vector<std::filesystem::path> modules;  // --module: these directories instead
  unsigned parallelism = 0;  // local workers; 0: the hardware's concurrency, none beside --worker
  // --worker, --slurm, --worker-program, --path-map: workers on other hosts
  std::vector<libterraform::WorkerLauncher> launchers;
  std::vector<std::string> include, exclude;
  bool include_dependencies = false;  // add what the selected modules depend on
  bool include_dependents = false;    // add what depends on them
  std::string changed_since;          // --changed-since REF: modules a git change touches
  std::filesystem::path retry;        // --retry REPORT.json: what did not succeed there
  bool fail_fast = false;
  bool ignore_errors = false;
  bool dry_run = false;
  std::filesystem::path report;        // --report FILE.json
  std::filesystem::path html;          // --html FILE.html
  std::filesystem::path log_dir;       // --log-dir DIR
  std::filesystem::path plugin_cache;  // --plugin-cache DIR
  std::optional<std::chrono::milliseconds> timeout;
  // A stop (Ctrl-C, --timeout) interrupts terraform once; the escalation waits for a
  // second Ctrl-C unless --stop-grace is given. The default escalation is a second
  // SIGINT: what terraform does on a terminal's second Ctrl-C.
  libterraform::StopPolicy stop_policy{.grace_period = std::chrono::milliseconds::max(),
                                       .escalation = libterraform::Escalation::interrupt_again};
  Progress progress = Progress::automatic;
  // Off a terminal: a line naming the running modules after this long with nothing
  // printed; zero for none.
  std::chrono::milliseconds heartbeat = std::chrono::seconds(30);
  std::string binary;          // --binary, else $TFRUN_BINARY; empty: terraform, else tofu
  bool yes = false;            // --yes: a command that changes state goes ahead unasked
  bool version = false;        // --version: print the versions and exit
  bool report_schema = false;  // --report-schema: print the report's JSON Schema and exit
  bool commands = false;       // --commands: print the commands tfrun runs and exit
};

// What parsing asks of main: run, or exit at once with this code (0 for help, 64 for
// bad usage), after printing `message`.
struct Parsed {
  std::optional<Options> options;
  int exit_code = 0;
  std::string message;
};

Parsed parse(int argc, const char* const* argv);

// "90s", "10m", "1h", "250ms", or a number of seconds. Empty when it is none of them.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);

}  // namespace tfrun
