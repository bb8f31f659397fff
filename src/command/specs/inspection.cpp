// show, output, graph, modules, version, metadata functions, console.

#include "command/argv_builder.hpp"

#include "libterraform/errors.hpp"

namespace libterraform::detail::specs {

CommandSpec show(const ShowOptions& o, const FlagDefaults& d) {
  return ArgvBuilder("show")
      .no_color(o.no_color, d)
      .json(o.json, OutputFormat::json)
      .optional(o.path)
      .finish(o);
}

CommandSpec output(const OutputOptions& o, const FlagDefaults& d) {
  // terraform rejects -raw together with -json; raw asks for plain text.
  return ArgvBuilder("output")
      .no_color(o.no_color, d)
      .json(o.json && !o.raw, OutputFormat::json)
      .flag("-raw", o.raw)
      .value("-state", o.state)
      .optional(o.name)
      .finish(o);
}

CommandSpec graph(const GraphOptions& o, const FlagDefaults& d) {
  return ArgvBuilder("graph")
      .no_color(o.no_color, d)
      .flag("-draw-cycles", o.draw_cycles)
      .number("-module-depth", o.module_depth, -1)
      .value("-plan", o.plan)
      .value("-type", o.type)
      .finish(o);
}

CommandSpec modules(const ModulesOptions& o, const FlagDefaults& d) {
  return ArgvBuilder("modules").no_color(o.no_color, d).json(o.json, OutputFormat::json).finish(o);
}

CommandSpec version(const VersionOptions& o, const FlagDefaults& d) {
  return ArgvBuilder("version").no_color(o.no_color, d).json(o.json, OutputFormat::json).finish(o);
}

CommandSpec metadata_functions(const MetadataFunctionsOptions& o, const FlagDefaults& d) {
  return ArgvBuilder("metadata functions")
      .no_color(o.no_color, d)
      .json(true, OutputFormat::json)
      .finish(o);
}

CommandSpec console(const ConsoleOptions& o, const FlagDefaults& d, const std::string& expression) {
  if (expression.empty()) throw Error(errc::invalid_option, "console: the expression is empty");
  if (expression.find('\n') != std::string::npos) {
    throw Error(errc::invalid_option,
                "console: the expression spans several lines, which terraform console "
                "does not accept from a pipe");
  }
  return ArgvBuilder("console")
      .no_color(o.no_color, d)
      .flag("-plan", o.plan)
      .value("-state", o.state)
      .variables(o)
      .stdin_data(expression + "\n")
      .finish(o);
}

}  // namespace libterraform::detail::specs
