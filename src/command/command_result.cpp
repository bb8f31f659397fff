#include "libterraform/command_result.hpp"

#include "command/output_parser.hpp"

namespace libterraform {
namespace {

// "name=value" shows as "name=***"; a value without a name is masked whole.
std::string mask_pair(std::string_view pair) {
  auto equals = pair.find('=');
  return equals == std::string_view::npos ? "***" : std::string(pair.substr(0, equals + 1)) + "***";
}

// Flags whose values may hold secrets.
constexpr std::string_view kSecretFlags[] = {"-var", "-backend-config"};

std::string shell_quoted(const std::string& argument) {
  if (!argument.empty() && argument.find_first_of(" \t\n'\"\\$`") == std::string::npos) {
    return argument;
  }
  std::string out = "'";
  for (char c : argument)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::vector<Diagnostic> CommandResult::diagnostics() const {
  return value ? detail::find_diagnostics(*value) : std::vector<Diagnostic>{};
}

std::string CommandResult::command_line() const {
  std::string line;
  bool mask_next = false;  // "-var" "name=value" given as two arguments
  for (std::string argument : argv) {
    if (mask_next) {
      argument = mask_pair(argument);
      mask_next = false;
    } else {
      for (std::string_view flag : kSecretFlags) {
        if (argument == flag) {
          mask_next = true;
        } else if (argument.starts_with(flag) && argument[flag.size()] == '=') {
          argument = std::string(flag) + "=" + mask_pair(argument.substr(flag.size() + 1));
        }
      }
    }
    if (!line.empty()) line += ' ';
    line += shell_quoted(argument);
  }
  return line;
}

}  // namespace libterraform
