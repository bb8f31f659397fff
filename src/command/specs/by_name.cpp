// Commands named at run time (TerraformPool::submit) and the generic run().

#include "command/argv_builder.hpp"

#include "libterraform/errors.hpp"

#include <functional>
#include <map>

namespace libterraform::detail {
namespace {

// Default options of the method's own type, with the common fields set.
template <class Options>
Options with_common(const CommonOptions& c) {
  Options o{};
  o.check = c.check;
  o.timeout = c.timeout;
  o.env = c.env;
  o.extra_args = c.extra_args;
  o.on_output = c.on_output;
  o.on_error = c.on_error;
  o.on_event = c.on_event;
  o.stop_token = c.stop_token;
  return o;
}

struct Method {
  std::size_t arguments;  // positional arguments it takes
  bool or_more;           // at least that many (state rm's addresses)
  std::function<CommandSpec(const Strings&, const CommonOptions&, const FlagDefaults&)> build;
};

template <class Options>
Method plain(CommandSpec (*build)(const Options&, const FlagDefaults&)) {
  return {0, false, [build](const Strings&, const CommonOptions& c, const FlagDefaults& d) {
            return build(with_common<Options>(c), d);
          }};
}

template <class Options>
Method one(CommandSpec (*build)(const Options&, const FlagDefaults&, const std::string&)) {
  return {1, false, [build](const Strings& a, const CommonOptions& c, const FlagDefaults& d) {
            return build(with_common<Options>(c), d, a[0]);
          }};
}

template <class Options>
Method two(CommandSpec (*build)(const Options&, const FlagDefaults&, const std::string&,
                                const std::string&)) {
  return {2, false, [build](const Strings& a, const CommonOptions& c, const FlagDefaults& d) {
            return build(with_common<Options>(c), d, a[0], a[1]);
          }};
}

const std::map<std::string_view, Method>& methods() {
  static const std::map<std::string_view, Method> table = {
      {"init", plain(&specs::init)},
      {"validate", plain(&specs::validate)},
      {"plan", plain(&specs::plan)},
      {"apply", plain(&specs::apply)},
      {"destroy", plain(&specs::destroy)},
      {"refresh", plain(&specs::refresh)},
      {"show", plain(&specs::show)},
      {"output", plain(&specs::output)},
      {"graph", plain(&specs::graph)},
      {"modules", plain(&specs::modules)},
      {"version", plain(&specs::version)},
      {"metadata_functions", plain(&specs::metadata_functions)},
      {"console", one(&specs::console)},
      {"get", plain(&specs::get)},
      {"providers", plain(&specs::providers)},
      {"providers_lock", plain(&specs::providers_lock)},
      {"providers_mirror", one(&specs::providers_mirror)},
      {"providers_schema", plain(&specs::providers_schema)},
      {"fmt", plain(&specs::fmt)},
      {"test", plain(&specs::test)},
      {"state_list", plain(&specs::state_list)},
      {"state_show", one(&specs::state_show)},
      {"state_mv", two(&specs::state_mv)},
      {"state_rm",
       {1, true,
        [](const Strings& a, const CommonOptions& c, const FlagDefaults& d) {
          return specs::state_rm(with_common<StateRmOptions>(c), d, a);
        }}},
      {"state_pull", plain(&specs::state_pull)},
      {"state_push", one(&specs::state_push)},
      {"state_replace_provider", two(&specs::state_replace_provider)},
      {"taint", one(&specs::taint)},
      {"untaint", one(&specs::untaint)},
      {"import_resource", two(&specs::import_resource)},
      {"force_unlock", one(&specs::force_unlock)},
      {"workspace_list", plain(&specs::workspace_list)},
      {"workspace_show", plain(&specs::workspace_show)},
      {"workspace_new", one(&specs::workspace_new)},
      {"workspace_select", one(&specs::workspace_select)},
      {"workspace_delete", one(&specs::workspace_delete)},
  };
  return table;
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
  spec.common = {options.check,     options.timeout,  options.env, {},
                 options.on_output, options.on_error, {},          options.stop_token};
  return spec;
}

}  // namespace libterraform::detail
