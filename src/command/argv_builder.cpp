#include "command/argv_builder.hpp"

#include "libterraform/errors.hpp"
#include "process/launch.hpp"

namespace libterraform::detail {
namespace {

[[noreturn]] void invalid(const std::string& message) {
  throw Error(errc::invalid_option, message);
}

std::string format_duration(Duration duration) {
  if (duration.count() % 1000 == 0) return std::to_string(duration.count() / 1000) + "s";
  return std::to_string(duration.count()) + "ms";
}

void require_no_nul(std::string_view what, std::string_view argument) {
  if (argument.find('\0') != std::string_view::npos) {
    invalid(std::string(what) + " contains a NUL byte, which cannot be passed to terraform");
  }
}

// execve refuses (E2BIG) an argument longer than this; say so before terraform starts.
void require_passable(std::string_view what, const std::string& argument) {
  const std::size_t limit = process::max_argument_size();
  if (argument.size() + 1 > limit) {
    invalid(std::string(what) + " is " + std::to_string(argument.size()) +
            " bytes as an argument; Linux passes at most " + std::to_string(limit - 1) +
            " bytes in one: put the value in a -var-file (var_files)");
  }
}

}  // namespace

ArgvBuilder::ArgvBuilder(std::string_view words, OutputFormat format) {
  spec_.name = std::string(words);
  spec_.format = format;
  std::string_view rest = words;
  while (!rest.empty()) {
    auto space = rest.find(' ');
    spec_.args.emplace_back(rest.substr(0, space));
    rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
  }
}

ArgvBuilder& ArgvBuilder::no_color(const std::optional<bool>& requested,
                                   const FlagDefaults& defaults) {
  return flag("-no-color", requested.value_or(defaults.no_color));
}

ArgvBuilder& ArgvBuilder::input(const std::optional<bool>& requested,
                                const FlagDefaults& defaults) {
  spec_.args.push_back(requested.value_or(defaults.input) ? "-input=true" : "-input=false");
  return *this;
}

ArgvBuilder& ArgvBuilder::json(bool on, OutputFormat format) {
  if (on) spec_.format = format;
  return flag("-json", on);
}

ArgvBuilder& ArgvBuilder::flag(std::string_view name, bool on) {
  if (on) spec_.args.emplace_back(name);
  return *this;
}

ArgvBuilder& ArgvBuilder::unless_off(std::string_view name, bool on) {
  if (!on) spec_.args.push_back(std::string(name) + "=false");
  return *this;
}

ArgvBuilder& ArgvBuilder::value(std::string_view name, const std::string& value) {
  if (value.empty()) return *this;
  require_no_nul(name, value);
  spec_.args.push_back(std::string(name) + "=" + value);
  require_passable(name, spec_.args.back());
  return *this;
}

ArgvBuilder& ArgvBuilder::number(std::string_view name, const std::optional<int>& value,
                                 int minimum) {
  if (!value) return *this;
  if (*value < minimum) {
    invalid(std::string(name) + " must be at least " + std::to_string(minimum) + ", got " +
            std::to_string(*value));
  }
  spec_.args.push_back(std::string(name) + "=" + std::to_string(*value));
  return *this;
}

ArgvBuilder& ArgvBuilder::duration(std::string_view name, const std::optional<Duration>& value) {
  if (!value) return *this;
  if (value->count() < 0) invalid(std::string(name) + " must not be negative");
  spec_.args.push_back(std::string(name) + "=" + format_duration(*value));
  return *this;
}

ArgvBuilder& ArgvBuilder::values(std::string_view name, const Strings& values) {
  for (const auto& v : values) {
    if (v.empty()) invalid(std::string(name) + " given an empty value");
    value(name, v);
  }
  return *this;
}

ArgvBuilder& ArgvBuilder::pairs(std::string_view name, const Variables& pairs) {
  for (const auto& [key, value] : pairs) {
    if (key.empty()) invalid(std::string(name) + " given an empty name");
    // What follows '=' in a name is a value typed in the wrong place: never shown.
    const std::string shown = key.substr(0, key.find_first_of(std::string_view("=\0", 2)));
    if (key.find('=') != std::string::npos) {
      invalid(std::string(name) + " name \"" + shown +
              "\" is followed by '=': the value belongs in the map's value");
    }
    require_no_nul(std::string(name) + " " + shown, key + value);
    spec_.args.push_back(std::string(name) + "=" + key + "=" + value);
    require_passable(std::string(name) + " " + key, spec_.args.back());
  }
  return *this;
}

ArgvBuilder& ArgvBuilder::required(std::string_view what, const std::string& argument) {
  if (argument.empty()) invalid(spec_.name + ": " + std::string(what) + " must not be empty");
  return optional(argument);
}

ArgvBuilder& ArgvBuilder::optional(const std::string& argument) {
  if (argument.empty()) return *this;
  require_no_nul(spec_.name + " argument", argument);
  positionals_.push_back(argument);
  return *this;
}

ArgvBuilder& ArgvBuilder::positionals(const Strings& arguments) {
  for (const auto& argument : arguments)
    required("argument", argument);
  return *this;
}

ArgvBuilder& ArgvBuilder::stdin_data(std::string data) {
  spec_.stdin_data = std::move(data);
  return *this;
}

ArgvBuilder& ArgvBuilder::detailed_exitcode(bool on) {
  spec_.detailed_exitcode = on;
  return flag("-detailed-exitcode", on);
}

CommandSpec ArgvBuilder::finish(const CommonOptions& common) {
  for (const auto& argument : common.extra_args) {
    require_no_nul("extra argument", argument);
    spec_.args.push_back(argument);
    // Given raw, the flag still means what it means: exit code 2 is changes, not failure.
    if (argument == "-detailed-exitcode") spec_.detailed_exitcode = true;
  }
  spec_.args.insert(spec_.args.end(), positionals_.begin(), positionals_.end());
  spec_.common = common;
  return std::move(spec_);
}

}  // namespace libterraform::detail
