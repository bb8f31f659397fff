#pragma once

// How each command method becomes a terraform invocation: pure functions from
// (options, defaults, positional arguments) to a CommandSpec. Shared by
// TerraformCommand, the pool's proxies and the async facade; unit-tested for every
// command with defaults and with every option set.

#include "libterraform/options/common.hpp"
#include "libterraform/options/configuration.hpp"
#include "libterraform/options/dependencies.hpp"
#include "libterraform/options/inspection.hpp"
#include "libterraform/options/state.hpp"
#include "libterraform/options/workflow.hpp"
#include "libterraform/options/workspace.hpp"
#include "libterraform/terraform_options.hpp"

namespace libterraform::detail {

// What stdout holds.
enum class OutputFormat {
  text,        // nothing to parse
  json,        // one JSON document
  json_lines,  // one JSON event per line
};

struct CommandSpec {
  std::string name;  // "plan", "state mv": for messages
  Strings args;      // everything after the binary
  OutputFormat format = OutputFormat::text;
  bool detailed_exitcode = false;  // exit code 2 means success with changes
  std::optional<std::string> stdin_data = {};
  std::filesystem::path cwd = {};  // overrides the module directory (generic run)
  CommonOptions common = {};
};

// The flag defaults a command falls back on (TerraformOptions::no_color, ::input).
struct FlagDefaults {
  bool no_color = true;
  bool input = false;
};

namespace specs {
CommandSpec init(const InitOptions&, const FlagDefaults&);
CommandSpec validate(const ValidateOptions&, const FlagDefaults&);
CommandSpec plan(const PlanOptions&, const FlagDefaults&);
CommandSpec apply(const ApplyOptions&, const FlagDefaults&);
CommandSpec destroy(const DestroyOptions&, const FlagDefaults&);
CommandSpec refresh(const RefreshOptions&, const FlagDefaults&);

CommandSpec show(const ShowOptions&, const FlagDefaults&);
CommandSpec output(const OutputOptions&, const FlagDefaults&);
CommandSpec graph(const GraphOptions&, const FlagDefaults&);
CommandSpec modules(const ModulesOptions&, const FlagDefaults&);
CommandSpec version(const VersionOptions&, const FlagDefaults&);
CommandSpec metadata_functions(const MetadataFunctionsOptions&, const FlagDefaults&);
CommandSpec console(const ConsoleOptions&, const FlagDefaults&, const std::string& expression);

CommandSpec get(const GetOptions&, const FlagDefaults&);
CommandSpec providers(const ProvidersOptions&, const FlagDefaults&);
CommandSpec providers_lock(const ProvidersLockOptions&, const FlagDefaults&);
CommandSpec providers_mirror(const ProvidersMirrorOptions&, const FlagDefaults&,
                             const std::string& target_dir);
CommandSpec providers_schema(const ProvidersSchemaOptions&, const FlagDefaults&);

CommandSpec fmt(const FmtOptions&, const FlagDefaults&);
CommandSpec test(const TestOptions&, const FlagDefaults&);

CommandSpec state_list(const StateListOptions&, const FlagDefaults&);
CommandSpec state_show(const StateShowOptions&, const FlagDefaults&, const std::string& address);
CommandSpec state_mv(const StateMvOptions&, const FlagDefaults&, const std::string& source,
                     const std::string& destination);
CommandSpec state_rm(const StateRmOptions&, const FlagDefaults&, const Strings& addresses);
CommandSpec state_pull(const StatePullOptions&, const FlagDefaults&);
CommandSpec state_push(const StatePushOptions&, const FlagDefaults&, const std::string& path);
CommandSpec state_replace_provider(const StateReplaceProviderOptions&, const FlagDefaults&,
                                   const std::string& from, const std::string& to);
CommandSpec taint(const TaintOptions&, const FlagDefaults&, const std::string& address);
CommandSpec untaint(const UntaintOptions&, const FlagDefaults&, const std::string& address);
CommandSpec import_resource(const ImportOptions&, const FlagDefaults&, const std::string& address,
                            const std::string& id);
CommandSpec force_unlock(const ForceUnlockOptions&, const FlagDefaults&,
                         const std::string& lock_id);

CommandSpec workspace_list(const WorkspaceListOptions&, const FlagDefaults&);
CommandSpec workspace_show(const WorkspaceShowOptions&, const FlagDefaults&);
CommandSpec workspace_new(const WorkspaceNewOptions&, const FlagDefaults&, const std::string& name);
CommandSpec workspace_select(const WorkspaceSelectOptions&, const FlagDefaults&,
                             const std::string& name);
CommandSpec workspace_delete(const WorkspaceDeleteOptions&, const FlagDefaults&,
                             const std::string& name);
}  // namespace specs

// A command named at run time (TerraformPool::submit): its default options, the
// positional arguments it needs, and `common`. Throws Error(unknown_command) for a
// name that is no command method, Error(invalid_option) for a wrong argument count.
CommandSpec spec_by_name(std::string_view method, const Strings& arguments,
                         const CommonOptions& common, const FlagDefaults& defaults);

// The spec of the generic run().
CommandSpec run_spec(Strings args, const RunOptions& options);

}  // namespace libterraform::detail
