#pragma once

/// Every terraform command method, written once. The methods (command_methods.hpp),
/// their spec builders (command_spec.hpp) and the table of commands named at run time
/// (TerraformPool::submit) are all made from this list.
///
/// \code
///   X(method, Options, (required positional parameters), (their names))
/// \endcode
///
/// Method names are terraform's command names in snake_case; the options structs hold
/// the flags (see docs/commands.md); required positional arguments come first.
#define LIBTERRAFORM_FOR_EACH_COMMAND(X)                                                     \
  /* main workflow */                                                                        \
  X(init, InitOptions, (), ())                                                               \
  X(validate, ValidateOptions, (), ())                                                       \
  X(plan, PlanOptions, (), ())                                                               \
  X(apply, ApplyOptions, (), ())                                                             \
  X(destroy, DestroyOptions, (), ())                                                         \
  X(refresh, RefreshOptions, (), ())                                                         \
  /* inspection */                                                                           \
  X(show, ShowOptions, (), ())                                                               \
  X(output, OutputOptions, (), ())                                                           \
  X(graph, GraphOptions, (), ())                                                             \
  X(modules, ModulesOptions, (), ())                                                         \
  X(version, VersionOptions, (), ())                                                         \
  X(metadata_functions, MetadataFunctionsOptions, (), ())                                    \
  /* Evaluates one expression, given on terraform console's stdin; the result's  */          \
  /* output is terraform's rendering of its value. (From a pipe, console prints  */          \
  /* only the last line's result and rejects multi-line input, so it takes one   */          \
  /* single-line expression.)                                                    */          \
  X(console, ConsoleOptions, (const std::string& expression), (expression))                  \
  /* dependencies */                                                                         \
  X(get, GetOptions, (), ())                                                                 \
  X(providers, ProvidersOptions, (), ())                                                     \
  X(providers_lock, ProvidersLockOptions, (), ())                                            \
  X(providers_mirror, ProvidersMirrorOptions, (const std::string& target_dir), (target_dir)) \
  X(providers_schema, ProvidersSchemaOptions, (), ())                                        \
  /* configuration files */                                                                  \
  X(fmt, FmtOptions, (), ())                                                                 \
  X(test, TestOptions, (), ())                                                               \
  /* state */                                                                                \
  X(state_list, StateListOptions, (), ())                                                    \
  X(state_show, StateShowOptions, (const std::string& address), (address))                   \
  X(state_mv, StateMvOptions, (const std::string& source, const std::string& destination),   \
    (source, destination))                                                                   \
  X(state_rm, StateRmOptions, (const Strings& addresses), (addresses))                       \
  X(state_pull, StatePullOptions, (), ())                                                    \
  X(state_push, StatePushOptions, (const std::string& path), (path))                         \
  X(state_replace_provider, StateReplaceProviderOptions,                                     \
    (const std::string& from, const std::string& to), (from, to))                            \
  X(taint, TaintOptions, (const std::string& address), (address))                            \
  X(untaint, UntaintOptions, (const std::string& address), (address))                        \
  /* `terraform import ADDRESS ID` (`import` is a C++ keyword). */                           \
  X(import_resource, ImportOptions, (const std::string& address, const std::string& id),     \
    (address, id))                                                                           \
  X(force_unlock, ForceUnlockOptions, (const std::string& lock_id), (lock_id))               \
  /* workspaces */                                                                           \
  X(workspace_list, WorkspaceListOptions, (), ())                                            \
  X(workspace_show, WorkspaceShowOptions, (), ())                                            \
  X(workspace_new, WorkspaceNewOptions, (const std::string& name), (name))                   \
  X(workspace_select, WorkspaceSelectOptions, (const std::string& name), (name))             \
  X(workspace_delete, WorkspaceDeleteOptions, (const std::string& name), (name))

/// `(a, b)` as "a, b," or ", a, b": parameters before or after others, or nothing.
#define LIBTERRAFORM_LEADING(...) __VA_OPT__(__VA_ARGS__, )
#define LIBTERRAFORM_TRAILING(...) __VA_OPT__(, __VA_ARGS__)
