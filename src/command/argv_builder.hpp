#pragma once

#include "libterraform/detail/command_spec.hpp"

#include <string>
#include <string_view>

namespace libterraform::detail {

// Builds a CommandSpec flag by flag. Flags that are off, empty or unset add nothing.
// Values are single argv elements ("-var=name=value"), so spaces, quotes, '=' and
// newlines reach terraform intact; values terraform would misread throw
// Error(invalid_option) without echoing the value.
class ArgvBuilder {
 public:
  // `words`: the subcommand, e.g. "state mv".
  ArgvBuilder(std::string_view words, OutputFormat format = OutputFormat::text);

  // The defaults every command shares.
  ArgvBuilder& no_color(const std::optional<bool>& requested, const FlagDefaults& defaults);
  ArgvBuilder& input(const std::optional<bool>& requested, const FlagDefaults& defaults);
  // -json, and the output format that goes with it.
  ArgvBuilder& json(bool on, OutputFormat format);

  // "-name" when on.
  ArgvBuilder& flag(std::string_view name, bool on);
  // "-name=false" when off: for flags terraform turns on by default.
  ArgvBuilder& unless_off(std::string_view name, bool on);
  // "-name=value" unless the value is empty.
  ArgvBuilder& value(std::string_view name, const std::string& value);
  ArgvBuilder& number(std::string_view name, const std::optional<int>& value, int minimum);
  ArgvBuilder& duration(std::string_view name, const std::optional<Duration>& value);
  // "-name=value" once per value.
  ArgvBuilder& values(std::string_view name, const Strings& values);
  // "-name=key=value" once per pair; keys must be non-empty and free of '='.
  ArgvBuilder& pairs(std::string_view name, const Variables& pairs);
  ArgvBuilder& vars(const Variables& vars) { return pairs("-var", vars); }

  // Positional arguments, after every flag and the extra arguments.
  ArgvBuilder& required(std::string_view what, const std::string& argument);
  ArgvBuilder& optional(const std::string& argument);
  ArgvBuilder& positionals(const Strings& arguments);

  // Flag groups several commands share, read from the options struct's fields.
  template <class Options>
  ArgvBuilder& locking(const Options& o) {  // -lock=false, -lock-timeout
    return unless_off("-lock", o.lock).duration("-lock-timeout", o.lock_timeout);
  }
  template <class Options>
  ArgvBuilder& variables(const Options& o) {  // -var-file, -var
    return values("-var-file", o.var_files).vars(o.vars);
  }
  template <class Options>
  ArgvBuilder& state_paths(const Options& o) {  // -state, -state-out (legacy)
    return value("-state", o.state).value("-state-out", o.state_out);
  }

  ArgvBuilder& stdin_data(std::string data);
  ArgvBuilder& detailed_exitcode(bool on);

  // Hands the spec out; the builder is spent.
  CommandSpec finish(const CommonOptions& common);
  template <class Options>
  CommandSpec finish(const Options& o) {
    return finish(common_options(o));
  }

 private:
  CommandSpec spec_;
  Strings positionals_;
};

}  // namespace libterraform::detail
