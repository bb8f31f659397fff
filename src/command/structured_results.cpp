#include "libterraform/structured_results.hpp"

#include "command/json_fields.hpp"
#include "command/outputs_json.hpp"

#include <algorithm>

namespace libterraform {
namespace {

using detail::bool_field;
using detail::field;
using detail::json_field;
using detail::object_field;
using detail::string_field;

AppliedChange applied_of(const Hook& hook) {
  return {hook.resource, hook.action, hook.id_key, hook.id_value, hook.elapsed_seconds};
}

std::vector<ChangeAction> actions_of(const nlohmann::json& change) {
  std::vector<ChangeAction> actions;
  if (const auto* list = field(change, "actions"); list && list->is_array()) {
    for (const auto& action : *list) {
      actions.push_back(parse_change_action(action.is_string() ? action.get<std::string>() : ""));
    }
  }
  return actions;
}

std::vector<PlannedResourceChange> resource_changes_of(const nlohmann::json& list) {
  std::vector<PlannedResourceChange> changes;
  if (!list.is_array()) return changes;
  for (const auto& r : list) {
    const auto& change = object_field(r, "change");
    PlannedResourceChange c;
    c.address = string_field(r, "address");
    c.previous_address = string_field(r, "previous_address");
    c.module_address = string_field(r, "module_address");
    c.mode = string_field(r, "mode");
    c.type = string_field(r, "type");
    c.name = string_field(r, "name");
    c.index = json_field(r, "index");
    c.provider_name = string_field(r, "provider_name");
    c.actions = actions_of(change);
    c.action_reason = string_field(r, "action_reason");
    c.before = json_field(change, "before");
    c.after = json_field(change, "after");
    c.after_unknown = json_field(change, "after_unknown");
    c.before_sensitive = json_field(change, "before_sensitive");
    c.after_sensitive = json_field(change, "after_sensitive");
    if (const auto* importing = field(change, "importing"); importing && importing->is_object()) {
      c.importing_id = string_field(*importing, "id");
    }
    changes.push_back(std::move(c));
  }
  return changes;
}

}  // namespace

bool PlanResult::has_changes() const {
  if (summary && summary->add + summary->change + summary->import + summary->remove > 0) {
    return true;
  }
  // Moves and forgets are changes too, though the summary does not count them.
  return std::ranges::any_of(changes, [](const ResourceChange& change) {
    return change.action != ChangeAction::noop && change.action != ChangeAction::read;
  });
}

PlanResult PlanResult::from(const CommandResult& plan) {
  return from(events_of(plan));
}

PlanResult PlanResult::from(const std::vector<Event>& events) {
  PlanResult plan;
  for (const auto& event : events) {
    switch (event.type) {
      case EventType::planned_change:
        plan.changes.push_back(*event.change);
        break;
      case EventType::resource_drift:
        plan.drift.push_back(*event.change);
        break;
      case EventType::change_summary:
        plan.summary = event.summary;
        break;
      case EventType::outputs:
        plan.outputs = *event.outputs;
        break;
      case EventType::diagnostic:
        plan.diagnostics.push_back(*event.diagnostic);
        break;
      default:
        break;
    }
  }
  return plan;
}

ApplyResult ApplyResult::from(const CommandResult& apply) {
  return from(events_of(apply));
}

ApplyResult ApplyResult::from(const std::vector<Event>& events) {
  ApplyResult apply;
  for (const auto& event : events) {
    switch (event.type) {
      case EventType::planned_change:
        apply.planned.push_back(*event.change);
        break;
      case EventType::resource_drift:
        apply.drift.push_back(*event.change);
        break;
      case EventType::apply_complete:
        apply.applied.push_back(applied_of(*event.hook));
        break;
      case EventType::apply_errored:
        apply.errored.push_back(applied_of(*event.hook));
        break;
      case EventType::change_summary:
        // An apply first repeats its plan's summary; the one that counts comes last.
        if (event.summary->operation != "plan") apply.summary = event.summary;
        break;
      case EventType::outputs:
        apply.outputs = *event.outputs;
        break;  // the last: values
      case EventType::diagnostic:
        apply.diagnostics.push_back(*event.diagnostic);
        break;
      default:
        break;
    }
  }
  return apply;
}

PlanDocument PlanDocument::from(const CommandResult& show) {
  return from(show.value ? *show.value : nlohmann::json::object());
}

PlanDocument PlanDocument::from(const nlohmann::json& d) {
  PlanDocument plan;
  plan.format_version = string_field(d, "format_version");
  plan.terraform_version = string_field(d, "terraform_version");
  plan.resource_changes = resource_changes_of(json_field(d, "resource_changes"));
  plan.resource_drift = resource_changes_of(json_field(d, "resource_drift"));
  const auto& outputs = object_field(d, "output_changes");
  for (const auto& [name, o] : outputs.items()) {
    plan.output_changes[name] = {
        actions_of(o), json_field(o, "before"), json_field(o, "after"),
        bool_field(o, "after_sensitive") || bool_field(o, "before_sensitive")};
  }
  plan.variables = json_field(d, "variables");
  plan.planned_values = json_field(d, "planned_values");
  plan.prior_state = json_field(d, "prior_state");
  plan.configuration = json_field(d, "configuration");
  plan.errored = bool_field(d, "errored");
  plan.raw = d;
  return plan;
}

Outputs outputs_of(const CommandResult& output) {
  return output.value ? detail::outputs_from(*output.value) : Outputs();
}

}  // namespace libterraform
