// The exceptions of a command that ran (failed, timed out, interrupted), whose
// messages come from its result, and throw_error, which picks among them.

#include "libterraform/errors.hpp"

#include "command/output_parser.hpp"
#include "libterraform/command_result.hpp"

namespace libterraform {
namespace {

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

// The result is read again in the same call (and by diagnostics_), so it is copied, not
// moved; the public header takes it by value.
// NOLINTBEGIN(performance-unnecessary-value-param)
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
// NOLINTEND(performance-unnecessary-value-param)

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
