// state list/show/mv/rm/pull/push/replace-provider, taint, untaint, import, force-unlock.

#include "command/argv_builder.hpp"

namespace libterraform::detail::specs {

CommandSpec state_list(const StateListOptions& o, const FlagDefaults& d) {
  return ArgvBuilder("state list")
      .no_color(o.no_color, d)
      .value("-id", o.id)
      .value("-state", o.state)
      .positionals(o.addresses)
      .finish(o);
}

CommandSpec state_show(const StateShowOptions& o, const FlagDefaults& d,
                       const std::string& address) {
  return ArgvBuilder("state show")
      .no_color(o.no_color, d)
      .value("-state", o.state)
      .required("address", address)
      .finish(o);
}

CommandSpec state_mv(const StateMvOptions& o, const FlagDefaults& d, const std::string& source,
                     const std::string& destination) {
  return ArgvBuilder("state mv")
      .no_color(o.no_color, d)
      .value("-backup", o.backup)
      .value("-backup-out", o.backup_out)
      .flag("-dry-run", o.dry_run)
      .flag("-ignore-remote-version", o.ignore_remote_version)
      .locking(o)
      .state_paths(o)
      .required("source address", source)
      .required("destination address", destination)
      .finish(o);
}

CommandSpec state_rm(const StateRmOptions& o, const FlagDefaults& d, const Strings& addresses) {
  ArgvBuilder builder("state rm");
  builder.no_color(o.no_color, d)
      .value("-backup", o.backup)
      .flag("-dry-run", o.dry_run)
      .flag("-ignore-remote-version", o.ignore_remote_version)
      .locking(o)
      .value("-state", o.state);
  if (addresses.empty()) builder.required("address", "");
  return builder.positionals(addresses).finish(o);
}

CommandSpec state_pull(const StatePullOptions& o, const FlagDefaults& d) {
  return ArgvBuilder("state pull", OutputFormat::json).no_color(o.no_color, d).finish(o);
}

CommandSpec state_push(const StatePushOptions& o, const FlagDefaults& d, const std::string& path) {
  return ArgvBuilder("state push")
      .no_color(o.no_color, d)
      .flag("-force", o.force)
      .locking(o)
      .required("state file path", path)
      .finish(o);
}

CommandSpec state_replace_provider(const StateReplaceProviderOptions& o, const FlagDefaults& d,
                                   const std::string& from, const std::string& to) {
  return ArgvBuilder("state replace-provider")
      .no_color(o.no_color, d)
      .flag("-auto-approve", o.auto_approve)
      .value("-backup", o.backup)
      .flag("-ignore-remote-version", o.ignore_remote_version)
      .locking(o)
      .state_paths(o)
      .required("source provider", from)
      .required("destination provider", to)
      .finish(o);
}

namespace {

CommandSpec taint_like(std::string_view words, const TaintOptions& o, const FlagDefaults& d,
                       const std::string& address) {
  return ArgvBuilder(words)
      .no_color(o.no_color, d)
      .flag("-allow-missing", o.allow_missing)
      .value("-backup", o.backup)
      .flag("-ignore-remote-version", o.ignore_remote_version)
      .locking(o)
      .state_paths(o)
      .required("address", address)
      .finish(o);
}

}  // namespace

CommandSpec taint(const TaintOptions& o, const FlagDefaults& d, const std::string& address) {
  return taint_like("taint", o, d, address);
}

CommandSpec untaint(const UntaintOptions& o, const FlagDefaults& d, const std::string& address) {
  return taint_like("untaint", o, d, address);
}

CommandSpec import_resource(const ImportOptions& o, const FlagDefaults& d,
                            const std::string& address, const std::string& id) {
  return ArgvBuilder("import")
      .no_color(o.no_color, d)
      .input(o.input, d)
      .value("-backup", o.backup)
      .value("-config", o.config)
      .flag("-ignore-remote-version", o.ignore_remote_version)
      .locking(o)
      .state_paths(o)
      .variables(o)
      .required("address", address)
      .required("id", id)
      .finish(o);
}

CommandSpec force_unlock(const ForceUnlockOptions& o, const FlagDefaults& d,
                         const std::string& lock_id) {
  return ArgvBuilder("force-unlock")
      .no_color(o.no_color, d)
      .flag("-force", o.force)
      .required("lock id", lock_id)
      .finish(o);
}

}  // namespace libterraform::detail::specs
