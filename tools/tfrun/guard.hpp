#pragma once

// What tfrun may run across a whole tree: commands that only read or prepare run as
// asked, those that change state need a yes first, and those that only make sense in
// one module are refused by name.

#include <iosfwd>
#include <string>
#include <vector>

namespace tfrun {

enum class Guard {
  run,      // init, validate, plan, show, output...: as asked
  confirm,  // apply, destroy, refresh: asked on a terminal, --yes elsewhere
  refuse,   // import, taint, state mv, console...: `reason` says why
  unknown,  // no such command
};

struct CommandGuard {
  Guard guard = Guard::unknown;
  std::string method;  // the command method it names: "apply", "force_unlock"
  std::string reason;  // refuse, unknown: what to tell the user
};

// `command` as given: a command method ("state_list") or terraform's spelling of one
// ("force-unlock", "import"). Pure: unit-tested.
CommandGuard guard_of(const std::string& command);

// The command methods tfrun runs across a tree (those it neither refuses nor knows
// not), in the library's order: what a shell completes.
std::vector<std::string> runnable_commands();

// Asks `question` on `out` and reads one line from `in`: true for "y" or "yes" (any
// case); anything else, an empty line and end of input are a no.
bool confirmed(std::istream& in, std::ostream& out, const std::string& question);

}  // namespace tfrun
