#pragma once

#include "libterraform/detail/access.hpp"
#include "libterraform/detail/command_spec.hpp"

#include <utility>

namespace libterraform {

// The terraform command methods, written once for every front end. `Derived`
// provides, to detail::Access, `flag_defaults()` and `execute(spec, extra...)`:
// TerraformCommand runs the
// spec and returns a CommandResult, a pool's proxy returns a future, and
// AsyncTerraformCommand takes a completion token as the trailing argument.
//
// Method names are terraform's command names in snake_case; options structs hold the
// flags (see docs/commands.md); required positional arguments come first.
//
// The defaults are `Options()`, not `{}`: g++ 12 miscompiles aggregate-initialized
// temporaries that live across a co_await (they are destroyed twice), and a default
// argument is such a temporary in `co_await cli.validate()`. See docs/async.md.
template <class Derived>
class CommandMethods {
 public:
  // --- main workflow ---
  template <class... Extra>
  decltype(auto) init(InitOptions options = InitOptions(), Extra&&... extra) const {
    return dispatch(detail::specs::init(options, defaults()), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) validate(ValidateOptions options = ValidateOptions(), Extra&&... extra) const {
    return dispatch(detail::specs::validate(options, defaults()), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) plan(PlanOptions options = PlanOptions(), Extra&&... extra) const {
    return dispatch(detail::specs::plan(options, defaults()), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) apply(ApplyOptions options = ApplyOptions(), Extra&&... extra) const {
    return dispatch(detail::specs::apply(options, defaults()), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) destroy(DestroyOptions options = DestroyOptions(), Extra&&... extra) const {
    return dispatch(detail::specs::destroy(options, defaults()), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) refresh(RefreshOptions options = RefreshOptions(), Extra&&... extra) const {
    return dispatch(detail::specs::refresh(options, defaults()), std::forward<Extra>(extra)...);
  }

  // --- inspection ---
  template <class... Extra>
  decltype(auto) show(ShowOptions options = ShowOptions(), Extra&&... extra) const {
    return dispatch(detail::specs::show(options, defaults()), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) output(OutputOptions options = OutputOptions(), Extra&&... extra) const {
    return dispatch(detail::specs::output(options, defaults()), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) graph(GraphOptions options = GraphOptions(), Extra&&... extra) const {
    return dispatch(detail::specs::graph(options, defaults()), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) modules(ModulesOptions options = ModulesOptions(), Extra&&... extra) const {
    return dispatch(detail::specs::modules(options, defaults()), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) version(VersionOptions options = VersionOptions(), Extra&&... extra) const {
    return dispatch(detail::specs::version(options, defaults()), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) metadata_functions(MetadataFunctionsOptions options = MetadataFunctionsOptions(),
                                    Extra&&... extra) const {
    return dispatch(detail::specs::metadata_functions(options, defaults()),
                    std::forward<Extra>(extra)...);
  }
  // Evaluates one expression, given on terraform console's stdin; the result's output
  // is terraform's rendering of its value. (From a pipe, console prints only the last
  // line's result and rejects multi-line input, so it takes one single-line expression.)
  template <class... Extra>
  decltype(auto) console(std::string expression, ConsoleOptions options = ConsoleOptions(),
                         Extra&&... extra) const {
    return dispatch(detail::specs::console(options, defaults(), expression),
                    std::forward<Extra>(extra)...);
  }

  // --- dependencies ---
  template <class... Extra>
  decltype(auto) get(GetOptions options = GetOptions(), Extra&&... extra) const {
    return dispatch(detail::specs::get(options, defaults()), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) providers(ProvidersOptions options = ProvidersOptions(), Extra&&... extra) const {
    return dispatch(detail::specs::providers(options, defaults()), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) providers_lock(ProvidersLockOptions options = ProvidersLockOptions(),
                                Extra&&... extra) const {
    return dispatch(detail::specs::providers_lock(options, defaults()),
                    std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) providers_mirror(std::string target_dir,
                                  ProvidersMirrorOptions options = ProvidersMirrorOptions(),
                                  Extra&&... extra) const {
    return dispatch(detail::specs::providers_mirror(options, defaults(), target_dir),
                    std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) providers_schema(ProvidersSchemaOptions options = ProvidersSchemaOptions(),
                                  Extra&&... extra) const {
    return dispatch(detail::specs::providers_schema(options, defaults()),
                    std::forward<Extra>(extra)...);
  }

  // --- configuration files ---
  template <class... Extra>
  decltype(auto) fmt(FmtOptions options = FmtOptions(), Extra&&... extra) const {
    return dispatch(detail::specs::fmt(options, defaults()), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) test(TestOptions options = TestOptions(), Extra&&... extra) const {
    return dispatch(detail::specs::test(options, defaults()), std::forward<Extra>(extra)...);
  }

  // --- state ---
  template <class... Extra>
  decltype(auto) state_list(StateListOptions options = StateListOptions(), Extra&&... extra) const {
    return dispatch(detail::specs::state_list(options, defaults()), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) state_show(std::string address, StateShowOptions options = StateShowOptions(),
                            Extra&&... extra) const {
    return dispatch(detail::specs::state_show(options, defaults(), address),
                    std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) state_mv(std::string source, std::string destination,
                          StateMvOptions options = StateMvOptions(), Extra&&... extra) const {
    return dispatch(detail::specs::state_mv(options, defaults(), source, destination),
                    std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) state_rm(Strings addresses, StateRmOptions options = StateRmOptions(),
                          Extra&&... extra) const {
    return dispatch(detail::specs::state_rm(options, defaults(), addresses),
                    std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) state_pull(StatePullOptions options = StatePullOptions(), Extra&&... extra) const {
    return dispatch(detail::specs::state_pull(options, defaults()), std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) state_push(std::string path, StatePushOptions options = StatePushOptions(),
                            Extra&&... extra) const {
    return dispatch(detail::specs::state_push(options, defaults(), path),
                    std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) state_replace_provider(
      std::string from, std::string to,
      StateReplaceProviderOptions options = StateReplaceProviderOptions(), Extra&&... extra) const {
    return dispatch(detail::specs::state_replace_provider(options, defaults(), from, to),
                    std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) taint(std::string address, TaintOptions options = TaintOptions(),
                       Extra&&... extra) const {
    return dispatch(detail::specs::taint(options, defaults(), address),
                    std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) untaint(std::string address, UntaintOptions options = UntaintOptions(),
                         Extra&&... extra) const {
    return dispatch(detail::specs::untaint(options, defaults(), address),
                    std::forward<Extra>(extra)...);
  }
  // `terraform import ADDRESS ID` (`import` is a C++ keyword).
  template <class... Extra>
  decltype(auto) import_resource(std::string address, std::string id,
                                 ImportOptions options = ImportOptions(), Extra&&... extra) const {
    return dispatch(detail::specs::import_resource(options, defaults(), address, id),
                    std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) force_unlock(std::string lock_id,
                              ForceUnlockOptions options = ForceUnlockOptions(),
                              Extra&&... extra) const {
    return dispatch(detail::specs::force_unlock(options, defaults(), lock_id),
                    std::forward<Extra>(extra)...);
  }

  // --- workspaces ---
  template <class... Extra>
  decltype(auto) workspace_list(WorkspaceListOptions options = WorkspaceListOptions(),
                                Extra&&... extra) const {
    return dispatch(detail::specs::workspace_list(options, defaults()),
                    std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) workspace_show(WorkspaceShowOptions options = WorkspaceShowOptions(),
                                Extra&&... extra) const {
    return dispatch(detail::specs::workspace_show(options, defaults()),
                    std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) workspace_new(std::string name,
                               WorkspaceNewOptions options = WorkspaceNewOptions(),
                               Extra&&... extra) const {
    return dispatch(detail::specs::workspace_new(options, defaults(), name),
                    std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) workspace_select(std::string name,
                                  WorkspaceSelectOptions options = WorkspaceSelectOptions(),
                                  Extra&&... extra) const {
    return dispatch(detail::specs::workspace_select(options, defaults(), name),
                    std::forward<Extra>(extra)...);
  }
  template <class... Extra>
  decltype(auto) workspace_delete(std::string name,
                                  WorkspaceDeleteOptions options = WorkspaceDeleteOptions(),
                                  Extra&&... extra) const {
    return dispatch(detail::specs::workspace_delete(options, defaults(), name),
                    std::forward<Extra>(extra)...);
  }

 private:
  const Derived& self() const { return static_cast<const Derived&>(*this); }
  detail::FlagDefaults defaults() const { return detail::Access::flag_defaults(self()); }
  template <class... Extra>
  decltype(auto) dispatch(detail::CommandSpec spec, Extra&&... extra) const {
    return detail::Access::execute(self(), std::move(spec), std::forward<Extra>(extra)...);
  }
};

}  // namespace libterraform
