// get, providers, providers lock, providers mirror, providers schema.

#include "command/argv_builder.hpp"

namespace libterraform::detail::specs {

CommandSpec get(const GetOptions& o, const FlagDefaults& d) {
  return ArgvBuilder("get")
      .no_color(o.no_color, d)
      .value("-test-directory", o.test_directory)
      .flag("-update", o.update)
      .finish(o);
}

CommandSpec providers(const ProvidersOptions& o, const FlagDefaults& d) {
  return ArgvBuilder("providers")
      .no_color(o.no_color, d)
      .value("-test-directory", o.test_directory)
      .finish(o);
}

CommandSpec providers_lock(const ProvidersLockOptions& o, const FlagDefaults& d) {
  return ArgvBuilder("providers lock")
      .no_color(o.no_color, d)
      .flag("-enable-plugin-cache", o.enable_plugin_cache)
      .value("-fs-mirror", o.fs_mirror)
      .value("-net-mirror", o.net_mirror)
      .values("-platform", o.platforms)
      .positionals(o.providers)
      .finish(o);
}

CommandSpec providers_mirror(const ProvidersMirrorOptions& o, const FlagDefaults& d,
                             const std::string& target_dir) {
  return ArgvBuilder("providers mirror")
      .no_color(o.no_color, d)
      .unless_off("-lock-file", o.lock_file)
      .values("-platform", o.platforms)
      .required("target directory", target_dir)
      .finish(o);
}

CommandSpec providers_schema(const ProvidersSchemaOptions& o, const FlagDefaults& d) {
  return ArgvBuilder("providers schema")
      .no_color(o.no_color, d)
      .json(true, OutputFormat::json)
      .finish(o);
}

}  // namespace libterraform::detail::specs
