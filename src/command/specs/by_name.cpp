// Commands named at run time (TerraformPool::submit) and the generic run().

#include "command/argv_builder.hpp"

#include "libterraform/commands.hpp"
#include "libterraform/errors.hpp"

#include <functional>
#include <map>

namespace libterraform::detail {
namespace {

struct Method {
  std::size_t arguments;  // positional arguments it takes
  bool or_more;           // at least that many (state rm's addresses)
  std::function<CommandSpec(const Strings&, const CommonOptions&, const FlagDefaults&)> build;
};

// A method's entry, from its spec builder's signature: its default options with the
// common fields set, and its positional arguments from the strings given.
template <class Options>
Method entry(CommandSpec (*build)(const Options&, const FlagDefaults&)) {
  return {0, false, [build](const Strings&, const CommonOptions& c, const FlagDefaults& d) {
            return build(with_common_options(Options(), c), d);
          }};
}

template <class Options>
Method entry(CommandSpec (*build)(const Options&, const FlagDefaults&, const std::string&)) {
  return {1, false, [build](const Strings& a, const CommonOptions& c, const FlagDefaults& d) {
            return build(with_common_options(Options(), c), d, a[0]);
          }};
}

template <class Options>
Method entry(CommandSpec (*build)(const Options&, const FlagDefaults&, const std::string&,
                                  const std::string&)) {
  return {2, false, [build](const Strings& a, const CommonOptions& c, const FlagDefaults& d) {
            return build(with_common_options(Options(), c), d, a[0], a[1]);
          }};
}

template <class Options>
Method entry(CommandSpec (*build)(const Options&, const FlagDefaults&, const Strings&)) {
  return {1, true, [build](const Strings& a, const CommonOptions& c, const FlagDefaults& d) {
            return build(with_common_options(Options(), c), d, a);
          }};
}

const std::map<std::string_view, Method>& methods() {
#define LIBTERRAFORM_METHOD_ENTRY(method, Options, parameters, names) \
  {#method, entry(&specs::method)},
  static const std::map<std::string_view, Method> table = {
      LIBTERRAFORM_FOR_EACH_COMMAND(LIBTERRAFORM_METHOD_ENTRY)};
#undef LIBTERRAFORM_METHOD_ENTRY
  return table;
}

CommandOutput output_of(OutputFormat format) {
  switch (format) {
    case OutputFormat::json:
      return CommandOutput::document;
    case OutputFormat::json_lines:
      return CommandOutput::events;
    case OutputFormat::text:
      break;
  }
  return CommandOutput::text;
}

}  // namespace

CommandSpec spec_by_name(std::string_view method, const Strings& arguments,
                         const CommonOptions& common, const FlagDefaults& defaults) {
  auto found = methods().find(method);
  if (found == methods().end()) {
    throw Error(errc::unknown_command,
                "no terraform command method named \"" + std::string(method) + "\"");
  }
  const Method& m = found->second;
  if (m.or_more ? arguments.size() < m.arguments : arguments.size() != m.arguments) {
    throw Error(errc::invalid_option, std::string(method) + " takes " +
                                          std::to_string(m.arguments) +
                                          (m.or_more ? " or more" : "") + " argument(s), got " +
                                          std::to_string(arguments.size()));
  }
  return m.build(arguments, common, defaults);
}

CommandSpec run_spec(Strings args, const RunOptions& options) {
  if (args.empty()) throw Error(errc::invalid_option, "run: no arguments given");
  CommandSpec spec;
  spec.name = args.front();
  for (const auto& argument : args) {
    if (argument.find('\0') != std::string::npos) {
      throw Error(errc::invalid_option, "run: an argument contains a NUL byte");
    }
  }
  spec.args = std::move(args);
  spec.stdin_data = options.input;
  spec.cwd = options.cwd;
  spec.common = {.check = options.check,
                 .timeout = options.timeout,
                 .env = options.env,
                 .on_output = options.on_output,
                 .on_error = options.on_error,
                 .stop_token = options.stop_token};
  return spec;
}

}  // namespace libterraform::detail

namespace libterraform {

const std::vector<CommandInfo>& command_methods() {
  // Each method's facts, from the spec its default options build.
  static const std::vector<CommandInfo> commands = [] {
#define LIBTERRAFORM_METHOD_NAME(method, Options, parameters, names) #method,
    const std::string_view in_order[] = {LIBTERRAFORM_FOR_EACH_COMMAND(LIBTERRAFORM_METHOD_NAME)};
#undef LIBTERRAFORM_METHOD_NAME
    std::vector<CommandInfo> all;
    for (std::string_view method : in_order) {
      const detail::Method& m = detail::methods().at(method);
      const auto spec = m.build(Strings(m.arguments, "x"), CommonOptions(), detail::FlagDefaults());
      all.push_back({std::string(method), spec.name, m.arguments, detail::output_of(spec.format)});
    }
    return all;
  }();
  return commands;
}

const CommandInfo* find_command(std::string_view method) {
  for (const auto& command : command_methods())
    if (command.method == method) return &command;
  return nullptr;
}

}  // namespace libterraform
