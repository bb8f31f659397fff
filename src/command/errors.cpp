#include "libterraform/errors.hpp"

#include "command/output_parser.hpp"
#include "libterraform/command_result.hpp"

namespace libterraform {
namespace {

class Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "libterraform"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::command_failed:
        return "terraform exited with a failing code";
      case errc::interrupted:
        return "the command was interrupted";
      case errc::timed_out:
        return "the command timed out";
      case errc::binary_not_found:
        return "terraform binary not found";
      case errc::directory_not_found:
        return "module directory not found";
      case errc::spawn_failed:
        return "terraform could not be started";
      case errc::invalid_option:
        return "invalid option value";
      case errc::invalid_json:
        return "terraform printed JSON that could not be parsed";
      case errc::unsupported_ui_version:
        return "unsupported terraform UI version";
      case errc::unknown_command:
        return "unknown command";
      case errc::cancelled:
        return "the task was cancelled before it started";
      case errc::worker_died:
        return "the pool worker running the task died";
      case errc::worker_start_failed:
        return "a pool worker failed to start";
      case errc::pool_shut_down:
        return "the pool is shut down";
      case errc::protocol_error:
        return "malformed frame on a pool worker's channel";
      case errc::pool_broken:
        return "the pool can no longer start workers";
      case errc::exit_status_lost:
        return "terraform's exit status was taken by another waiter";
      case errc::would_deadlock:
        return "the call would wait for itself";
      case errc::callback_failed:
        return "a line or event callback threw";
      case errc::dependency_cycle:
        return "the module dependencies form a cycle";
      case errc::unknown_module:
        return "no such module in the graph";
      case errc::plugin_cache_failed:
        return "the shared plugin cache could not be used";
      case errc::read_failed:
        return "a directory or file of the module tree could not be read";
      case errc::git_failed:
        return "git could not say what changed";
    }
    return "unknown libterraform error";
  }
};

// "plan", "state mv": the leading words of argv before the first flag.
std::string subcommand(const CommandResult& result) {
  std::string words;
  for (std::size_t i = 1; i < result.argv.size() && !result.argv[i].starts_with('-'); ++i) {
    words += (words.empty() ? "" : " ") + result.argv[i];
  }
  return words.empty() ? "command" : words;
}

// Text without terminal escape sequences (terraform colours its output unless told
// -no-color): CSI sequences, ESC [ parameters final-byte, and lone ESC pairs.
std::string without_escapes(std::string_view text) {
  std::string plain;
  plain.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\x1b') {
      plain += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '[') {
      i += 2;
      while (i < text.size() && !(text[i] >= 0x40 && text[i] <= 0x7e))
        ++i;
    } else {
      ++i;
    }
  }
  return plain;
}

// The summary of terraform's first error: from -json diagnostics, else the first
// "Error: " line of stderr. Summaries name the problem, never variable values.
std::string first_error(const std::vector<Diagnostic>& diagnostics,
                        const std::string& stderr_text) {
  for (const auto& d : diagnostics) {
    if (d.severity == "error" && !d.summary.empty()) return without_escapes(d.summary);
  }
  const std::string plain = without_escapes(stderr_text);
  auto at = plain.find("Error: ");
  if (at == std::string::npos) return {};
  auto end = plain.find('\n', at);
  return plain.substr(at + 7, end == std::string::npos ? std::string::npos : end - at - 7);
}

std::string describe(const CommandResult& result, const std::string& what,
                     const std::vector<Diagnostic>& diagnostics) {
  std::string message = "terraform " + subcommand(result) + " " + what;
  if (!result.working_dir.empty()) message += " in " + result.working_dir.string();
  std::string error = first_error(diagnostics, result.error);
  if (!error.empty()) message += ": " + error;
  return message;
}

std::string exit_description(int retcode) {
  return retcode < 0 ? "was ended by signal " + std::to_string(-retcode)
                     : "exited with code " + std::to_string(retcode);
}

// "timed out: its timeout of 4000 ms ran out; interrupted, terraform took 3011 ms more to
// stop (7011 ms in all)": the timeout and the wind-down apart.
std::string timeout_description(const CommandResult& result) {
  const auto ran = result.duration.count();
  if (!result.timeout) return "timed out after " + std::to_string(ran) + " ms and was interrupted";
  const auto timeout = result.timeout->count();
  return "timed out: its timeout of " + std::to_string(timeout) +
         " ms ran out; interrupted, terraform took " +
         std::to_string(std::max<long long>(ran - timeout, 0)) + " ms more to stop (" +
         std::to_string(ran) + " ms in all)";
}

}  // namespace

std::string_view to_string(errc code) noexcept {
  switch (code) {
    case errc::command_failed:
      return "command_failed";
    case errc::interrupted:
      return "interrupted";
    case errc::timed_out:
      return "timed_out";
    case errc::binary_not_found:
      return "binary_not_found";
    case errc::directory_not_found:
      return "directory_not_found";
    case errc::spawn_failed:
      return "spawn_failed";
    case errc::invalid_option:
      return "invalid_option";
    case errc::invalid_json:
      return "invalid_json";
    case errc::unsupported_ui_version:
      return "unsupported_ui_version";
    case errc::unknown_command:
      return "unknown_command";
    case errc::cancelled:
      return "cancelled";
    case errc::worker_died:
      return "worker_died";
    case errc::worker_start_failed:
      return "worker_start_failed";
    case errc::pool_shut_down:
      return "pool_shut_down";
    case errc::protocol_error:
      return "protocol_error";
    case errc::pool_broken:
      return "pool_broken";
    case errc::exit_status_lost:
      return "exit_status_lost";
    case errc::would_deadlock:
      return "would_deadlock";
    case errc::callback_failed:
      return "callback_failed";
    case errc::dependency_cycle:
      return "dependency_cycle";
    case errc::unknown_module:
      return "unknown_module";
    case errc::plugin_cache_failed:
      return "plugin_cache_failed";
    case errc::read_failed:
      return "read_failed";
    case errc::git_failed:
      return "git_failed";
  }
  return "unknown";
}

const boost::system::error_category& error_category() noexcept {
  static const Category category;
  return category;
}

Error::Error(boost::system::error_code code, const std::string& message,
             std::shared_ptr<const CommandResult> result)
    : std::runtime_error(message), code_(code), result_(std::move(result)) {}

TerraformCommandError::TerraformCommandError(std::shared_ptr<const CommandResult> result)
    : Error(errc::command_failed,
            describe(*result, exit_description(result->retcode), result->diagnostics()), result),
      diagnostics_(std::make_shared<const std::vector<Diagnostic>>(result->diagnostics())) {}

int TerraformCommandError::retcode() const noexcept {
  return result()->retcode;
}
const std::vector<std::string>& TerraformCommandError::argv() const noexcept {
  return result()->argv;
}
const std::string& TerraformCommandError::output() const noexcept {
  return result()->output;
}
const std::string& TerraformCommandError::error() const noexcept {
  return result()->error;
}

CommandTimeoutError::CommandTimeoutError(std::shared_ptr<const CommandResult> result)
    : Error(errc::timed_out, describe(*result, timeout_description(*result), {}), result) {}

CommandInterruptedError::CommandInterruptedError(std::shared_ptr<const CommandResult> result)
    : Error(errc::interrupted,
            describe(*result, "was interrupted and " + exit_description(result->retcode), {}),
            result) {}

namespace {
std::string cycle_message(const std::vector<std::string>& cycle) {
  std::string path;
  for (const auto& module : cycle)
    path += (path.empty() ? "" : " -> ") + module;
  return "the module dependencies form a cycle: " + path;
}
}  // namespace

DependencyCycleError::DependencyCycleError(std::vector<std::string> cycle)
    : Error(errc::dependency_cycle, cycle_message(cycle)), cycle_(std::move(cycle)) {}

void throw_error(boost::system::error_code code, const std::string& message,
                 std::shared_ptr<const CommandResult> result) {
  if (code.category() == error_category() && result) {
    switch (static_cast<errc>(code.value())) {
      case errc::command_failed:
        throw TerraformCommandError(std::move(result));
      case errc::timed_out:
        throw CommandTimeoutError(std::move(result));
      case errc::interrupted:
        throw CommandInterruptedError(std::move(result));
      default:
        break;
    }
  }
  throw Error(code, message, std::move(result));
}

}  // namespace libterraform
