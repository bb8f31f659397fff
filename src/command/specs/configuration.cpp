// fmt, test.

#include "command/argv_builder.hpp"

namespace libterraform::detail::specs {

CommandSpec fmt(const FmtOptions& o, const FlagDefaults& d) {
  ArgvBuilder builder("fmt");
  builder.no_color(o.no_color, d)
      .flag("-check", o.check_input)
      .flag("-diff", o.diff)
      .unless_off("-list", o.list)
      .flag("-recursive", o.recursive)
      .unless_off("-write", o.write);
  if (o.source) {
    builder.optional("-").stdin_data(*o.source);
  } else {
    builder.positionals(o.targets);
  }
  return builder.finish(o);
}

CommandSpec test(const TestOptions& o, const FlagDefaults& d) {
  return ArgvBuilder("test")
      .no_color(o.no_color, d)
      .json(o.json, OutputFormat::json_lines)
      .value("-cloud-run", o.cloud_run)
      .values("-filter", o.filters)
      .value("-test-directory", o.test_directory)
      .variables(o)
      .flag("-verbose", o.verbose)
      .finish(o);
}

}  // namespace libterraform::detail::specs
