#include "guard.hpp"

#include <libterraform/commands.hpp>

#include <algorithm>
#include <cctype>
#include <istream>
#include <map>
#include <ostream>

namespace tfrun {
namespace {

// The commands that act on one resource, one lock or one person at the keyboard.
const std::map<std::string, std::string>& refused() {
  static const std::map<std::string, std::string> reasons = {
      {"import_resource",
       "imports one resource into one module's state: run terraform import in that module"},
      {"taint", "marks one resource of one module for replacement: run it in that module"},
      {"untaint", "marks one resource of one module: run it in that module"},
      {"state_mv", "moves one resource within one module's state: run it in that module"},
      {"state_rm", "removes resources from one module's state: run it in that module"},
      {"state_push", "overwrites one module's state with a file: run it in that module"},
      {"state_replace_provider",
       "rewrites provider addresses in one module's state: run it in that module"},
      {"force_unlock", "releases one lock by its ID, which belongs to one module's state"},
      {"console", "is interactive: run terraform console in one module"},
  };
  return reasons;
}

}  // namespace

CommandGuard guard_of(const std::string& command) {
  std::string method = command;
  std::replace(method.begin(), method.end(), '-', '_');
  if (method == "import") method = "import_resource";
  CommandGuard guard{Guard::unknown, method, ""};
  if (auto found = refused().find(method); found != refused().end()) {
    guard.guard = Guard::refuse;
    guard.reason = command + " " + found->second;
    return guard;
  }
  const auto* info = libterraform::find_command(method);
  if (!info) {
    guard.reason = "unknown command \"" + command +
                   "\": give a terraform command (init, validate, plan, apply, destroy, ...)";
    return guard;
  }
  if (info->arguments > 0) {
    guard.guard = Guard::refuse;
    guard.reason = command + " takes " + std::to_string(info->arguments) +
                   " positional argument(s), which tfrun cannot give every module";
    return guard;
  }
  guard.guard =
      method == "apply" || method == "destroy" || method == "refresh" ? Guard::confirm : Guard::run;
  return guard;
}

std::vector<std::string> runnable_commands() {
  std::vector<std::string> runnable;
  for (const auto& info : libterraform::command_methods()) {
    const Guard guard = guard_of(info.method).guard;
    if (guard == Guard::run || guard == Guard::confirm) runnable.push_back(info.method);
  }
  return runnable;
}

bool confirmed(std::istream& in, std::ostream& out, const std::string& question) {
  out << question << " [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(in, answer)) {
    out << "\n";
    return false;
  }
  const auto first = answer.find_first_not_of(" \t");
  const auto last = answer.find_last_not_of(" \t\r");
  answer = first == std::string::npos ? "" : answer.substr(first, last - first + 1);
  std::transform(answer.begin(), answer.end(), answer.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return answer == "y" || answer == "yes";
}

}  // namespace tfrun
