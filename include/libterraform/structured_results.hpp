#pragma once

/// \file
/// What a plan, an apply, a saved plan or `output -json` says, as typed objects rather
/// than JSON: derived from the command's result, tolerant of missing fields.

#include "libterraform/command_result.hpp"
#include "libterraform/events.hpp"
#include "libterraform/export.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace libterraform {

/// A module's outputs, by name.
using Outputs = std::map<std::string, OutputValue>;

/// A plan, from the events of `plan` (-json, the default).
struct LIBTERRAFORM_EXPORT PlanResult {
  std::vector<ResourceChange> changes;  ///< planned_change events
  std::vector<ResourceChange> drift;    ///< resource_drift: changes made outside terraform
  /// The change_summary event.
  std::optional<ChangeSummary> summary;
  Outputs outputs;  ///< what happens to each output (action, sensitive); no values yet
  /// The diagnostic events, in order.
  std::vector<Diagnostic> diagnostics;

  /// Something to add, change, import, remove, move or forget.
  bool has_changes() const;

  /// The plan of a `plan` result (its `value`: the events), or of these events.
  ///@{
  static PlanResult from(const CommandResult& plan);
  static PlanResult from(const std::vector<Event>& events);
  ///@}
};

/// One resource an apply (or destroy) worked on.
struct AppliedChange {
  ResourceAddress resource;                     ///< the resource
  ChangeAction action = ChangeAction::unknown;  ///< what was done to it
  std::string id_key;                           ///< "id", when the object has one
  std::string id_value;                         ///< the object's value of `id_key`
  long long elapsed_seconds = 0;                ///< how long it took
};

/// An apply, destroy or refresh, from its events.
struct LIBTERRAFORM_EXPORT ApplyResult {
  std::vector<ResourceChange> planned;  ///< the plan it carried out
  /// resource_drift events: changes made outside terraform.
  std::vector<ResourceChange> drift;
  std::vector<AppliedChange> applied;    ///< apply_complete events
  std::vector<AppliedChange> errored;    ///< apply_errored events
  std::optional<ChangeSummary> summary;  ///< "Apply complete!" (operation apply or destroy)
  Outputs outputs;  ///< the outputs after the run; sensitive ones without their value
  /// The diagnostic events, in order.
  std::vector<Diagnostic> diagnostics;

  /// The run of an apply, destroy or refresh result (its `value`: the events), or of
  /// these events.
  ///@{
  static ApplyResult from(const CommandResult& apply);
  static ApplyResult from(const std::vector<Event>& events);
  ///@}
};

/// One resource in a saved plan.
struct PlannedResourceChange {
  /// "module.child.terraform_data.x[0]"
  std::string address;
  std::string previous_address;  ///< for a move
  /// "module.child"; empty for the root module.
  std::string module_address;
  std::string mode;  ///< "managed" or "data"
  /// "terraform_data"
  std::string type;
  /// "x"
  std::string name;
  nlohmann::json index;  ///< count or for_each key
  /// "registry.terraform.io/hashicorp/aws", ...
  std::string provider_name;
  std::vector<ChangeAction> actions;  ///< ["create"], ["delete", "create"] for a replace
  /// "replace_because_tainted", ...
  std::string action_reason;
  nlohmann::json before;  ///< sensitive values included, as terraform stores them
  /// The object after the change, as terraform stores it.
  nlohmann::json after;
  /// The values of `after` known only after apply.
  nlohmann::json after_unknown;
  /// Which values of `before` are sensitive.
  nlohmann::json before_sensitive;
  /// Which values of `after` are sensitive.
  nlohmann::json after_sensitive;
  /// The id of a resource being imported.
  std::optional<std::string> importing_id;
};

/// One output in a saved plan.
struct PlannedOutputChange {
  std::vector<ChangeAction> actions;  ///< what happens to it
  nlohmann::json before;              ///< its value before
  nlohmann::json after;               ///< its value after, when known
  bool sensitive = false;             ///< sensitive before or after
};

/// A saved plan, from `show -json PLANFILE`: the whole JSON plan, typed where it
/// matters.
struct LIBTERRAFORM_EXPORT PlanDocument {
  std::string format_version;     ///< the version of the plan's JSON format
  std::string terraform_version;  ///< the terraform that made the plan
  /// What happens to each resource.
  std::vector<PlannedResourceChange> resource_changes;
  /// Changes made outside terraform.
  std::vector<PlannedResourceChange> resource_drift;
  /// What happens to each output, by name.
  std::map<std::string, PlannedOutputChange> output_changes;
  nlohmann::json variables;       ///< the input variables' values, as in the plan
  nlohmann::json planned_values;  ///< the values the plan leads to, as in the plan
  nlohmann::json prior_state;     ///< the state the plan started from, as in the plan
  nlohmann::json configuration;   ///< the configuration, as in the plan
  bool errored = false;           ///< planning failed: the plan is incomplete
  nlohmann::json raw;             ///< the whole document

  /// The plan a `show -json PLANFILE` result printed (its `value`), or this document.
  ///@{
  static PlanDocument from(const CommandResult& show);
  static PlanDocument from(const nlohmann::json& document);
  ///@}
};

/// The outputs `output -json` printed: name to {sensitive, type, value}.
LIBTERRAFORM_EXPORT Outputs outputs_of(const CommandResult& output);

}  // namespace libterraform
