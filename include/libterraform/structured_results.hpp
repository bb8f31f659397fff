#pragma once

// What a plan, an apply, a saved plan or `output -json` says, as typed objects rather
// than JSON: derived from the command's result, tolerant of missing fields.

#include "libterraform/command_result.hpp"
#include "libterraform/events.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace libterraform {

using Outputs = std::map<std::string, OutputValue>;

// A plan, from the events of `plan` (-json, the default).
struct PlanResult {
  std::vector<ResourceChange> changes;  // planned_change events
  std::vector<ResourceChange> drift;    // resource_drift: changes made outside terraform
  std::optional<ChangeSummary> summary;
  Outputs outputs;  // what happens to each output (action, sensitive); no values yet
  std::vector<Diagnostic> diagnostics;

  // Something to add, change, import, remove, move or forget.
  bool has_changes() const;

  static PlanResult from(const CommandResult& plan);
  static PlanResult from(const std::vector<Event>& events);
};

// One resource an apply (or destroy) worked on.
struct AppliedChange {
  ResourceAddress resource;
  ChangeAction action = ChangeAction::unknown;
  std::string id_key;
  std::string id_value;
  long long elapsed_seconds = 0;
};

// An apply, destroy or refresh, from its events.
struct ApplyResult {
  std::vector<ResourceChange> planned;  // the plan it carried out
  std::vector<ResourceChange> drift;
  std::vector<AppliedChange> applied;    // apply_complete events
  std::vector<AppliedChange> errored;    // apply_errored events
  std::optional<ChangeSummary> summary;  // "Apply complete!" (operation apply or destroy)
  Outputs outputs;  // the outputs after the run; sensitive ones without their value
  std::vector<Diagnostic> diagnostics;

  static ApplyResult from(const CommandResult& apply);
  static ApplyResult from(const std::vector<Event>& events);
};

// One resource in a saved plan.
struct PlannedResourceChange {
  std::string address;
  std::string previous_address;  // for a move
  std::string module_address;
  std::string mode;  // "managed" or "data"
  std::string type;
  std::string name;
  nlohmann::json index;  // count or for_each key
  std::string provider_name;
  std::vector<ChangeAction> actions;  // ["create"], ["delete", "create"] for a replace
  std::string action_reason;
  nlohmann::json before;  // sensitive values included, as terraform stores them
  nlohmann::json after;
  nlohmann::json after_unknown;
  nlohmann::json before_sensitive;
  nlohmann::json after_sensitive;
  std::optional<std::string> importing_id;
};

struct PlannedOutputChange {
  std::vector<ChangeAction> actions;
  nlohmann::json before;
  nlohmann::json after;
  bool sensitive = false;
};

// A saved plan, from `show -json PLANFILE`: the whole JSON plan, typed where it matters.
struct PlanDocument {
  std::string format_version;
  std::string terraform_version;
  std::vector<PlannedResourceChange> resource_changes;
  std::vector<PlannedResourceChange> resource_drift;
  std::map<std::string, PlannedOutputChange> output_changes;
  nlohmann::json variables;
  nlohmann::json planned_values;
  nlohmann::json prior_state;
  nlohmann::json configuration;
  bool errored = false;
  nlohmann::json raw;

  static PlanDocument from(const CommandResult& show);
  static PlanDocument from(const nlohmann::json& document);
};

// The outputs `output -json` printed: name to {sensitive, type, value}.
Outputs outputs_of(const CommandResult& output);

}  // namespace libterraform
