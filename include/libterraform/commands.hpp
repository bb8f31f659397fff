#pragma once

#include "libterraform/export.hpp"

/// \file
/// What each command method is, for programs that take a command by name
/// (TerraformPool::submit, a run over a graph, a command line of their own).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace libterraform {

/// What a command prints on stdout with its default options.
enum class CommandOutput {
  text,      ///< nothing to parse
  document,  ///< one JSON document (validate, show, output, version...): CommandResult::value
  events,    ///< a -json event stream (init, plan, apply, destroy, refresh, test)
};

/// One command method, as command_methods() lists it.
struct CommandInfo {
  std::string method;     ///< the command method: "state_list"
  std::string command;    ///< terraform's words for it: "state list"
  std::size_t arguments;  ///< positional arguments it requires (state_rm: at least one)
  CommandOutput output;   ///< with its default options
};

/// Every command method, in the order of docs/commands.md.
LIBTERRAFORM_EXPORT const std::vector<CommandInfo>& command_methods();
/// The command method named `method`, or null.
LIBTERRAFORM_EXPORT const CommandInfo* find_command(std::string_view method);

}  // namespace libterraform
