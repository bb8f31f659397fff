#include "libterraform/events.hpp"

#include "command/json_fields.hpp"
#include "command/output_parser.hpp"
#include "command/outputs_json.hpp"
#include "libterraform/errors.hpp"

#include <array>
#include <utility>

namespace libterraform {
namespace {

using detail::field;
using detail::int_field;
using detail::json_field;
using detail::object_field;
using detail::string_field;

constexpr std::array<std::pair<EventType, std::string_view>, 26> kTypes{{
    {EventType::version, "version"},
    {EventType::log, "log"},
    {EventType::diagnostic, "diagnostic"},
    {EventType::planned_change, "planned_change"},
    {EventType::resource_drift, "resource_drift"},
    {EventType::change_summary, "change_summary"},
    {EventType::outputs, "outputs"},
    {EventType::apply_start, "apply_start"},
    {EventType::apply_progress, "apply_progress"},
    {EventType::apply_complete, "apply_complete"},
    {EventType::apply_errored, "apply_errored"},
    {EventType::provision_start, "provision_start"},
    {EventType::provision_progress, "provision_progress"},
    {EventType::provision_complete, "provision_complete"},
    {EventType::provision_errored, "provision_errored"},
    {EventType::refresh_start, "refresh_start"},
    {EventType::refresh_complete, "refresh_complete"},
    {EventType::init_output, "init_output"},
    {EventType::test_abstract, "test_abstract"},
    {EventType::test_file, "test_file"},
    {EventType::test_run, "test_run"},
    {EventType::test_plan, "test_plan"},
    {EventType::test_state, "test_state"},
    {EventType::test_cleanup, "test_cleanup"},
    {EventType::test_summary, "test_summary"},
    {EventType::test_interrupt, "test_interrupt"},
}};

constexpr std::array<std::pair<ChangeAction, std::string_view>, 9> kActions{{
    {ChangeAction::noop, "noop"},
    {ChangeAction::create, "create"},
    {ChangeAction::read, "read"},
    {ChangeAction::update, "update"},
    {ChangeAction::replace, "replace"},
    {ChangeAction::destroy, "delete"},
    {ChangeAction::move, "move"},
    {ChangeAction::import, "import"},
    {ChangeAction::forget, "remove"},
}};

EventType type_of(std::string_view name) {
  for (const auto& [type, text] : kTypes) {
    if (text == name) return type;
  }
  return EventType::unknown;
}

ResourceAddress address_of(const nlohmann::json& r) {
  return {string_field(r, "addr"),
          string_field(r, "module"),
          string_field(r, "resource"),
          string_field(r, "resource_type"),
          string_field(r, "resource_name"),
          json_field(r, "resource_key"),
          string_field(r, "implied_provider")};
}

ResourceChange change_of(const nlohmann::json& c) {
  ResourceChange change;
  change.resource = address_of(object_field(c, "resource"));
  if (const auto* previous = field(c, "previous_resource"); previous && previous->is_object()) {
    change.previous_resource = address_of(*previous);
  }
  change.action = parse_change_action(string_field(c, "action"));
  change.reason = string_field(c, "reason");
  if (const auto* importing = field(c, "importing"); importing && importing->is_object()) {
    change.importing_id = string_field(*importing, "id");
  }
  return change;
}

Hook hook_of(const nlohmann::json& h) {
  Hook hook;
  hook.resource = address_of(object_field(h, "resource"));
  if (field(h, "action")) hook.action = parse_change_action(string_field(h, "action"));
  hook.id_key = string_field(h, "id_key");
  hook.id_value = string_field(h, "id_value");
  hook.elapsed_seconds = int_field(h, "elapsed_seconds");
  hook.provisioner = string_field(h, "provisioner");
  hook.output = string_field(h, "output");
  return hook;
}

TestProgress test_progress_of(const nlohmann::json& t) {
  return {string_field(t, "path"), string_field(t, "run"), string_field(t, "progress"),
          string_field(t, "status"), int_field(t, "elapsed")};
}

}  // namespace

Event to_event(const nlohmann::json& o) {
  Event event;
  event.type_name = string_field(o, "type");
  event.type = type_of(event.type_name);
  event.level = string_field(o, "@level");
  event.message = string_field(o, "@message");
  event.module = string_field(o, "@module");
  event.timestamp = string_field(o, "@timestamp");
  switch (event.type) {
    case EventType::version:
      // OpenTofu names the key after itself ("tofu").
      event.terraform_version = string_field(o, o.contains("tofu") ? "tofu" : "terraform");
      event.ui_version = string_field(o, "ui");
      break;
    case EventType::diagnostic:
      event.diagnostic = detail::to_diagnostic(object_field(o, "diagnostic"));
      break;
    case EventType::planned_change:
    case EventType::resource_drift:
      event.change = change_of(object_field(o, "change"));
      break;
    case EventType::change_summary: {
      const auto& c = object_field(o, "changes");
      event.summary = ChangeSummary{
          static_cast<int>(int_field(c, "add")), static_cast<int>(int_field(c, "change")),
          static_cast<int>(int_field(c, "import")), static_cast<int>(int_field(c, "remove")),
          string_field(c, "operation")};
      break;
    }
    case EventType::outputs:
      event.outputs = detail::outputs_from(object_field(o, "outputs"));
      break;
    case EventType::apply_start:
    case EventType::apply_progress:
    case EventType::apply_complete:
    case EventType::apply_errored:
    case EventType::provision_start:
    case EventType::provision_progress:
    case EventType::provision_complete:
    case EventType::provision_errored:
    case EventType::refresh_start:
    case EventType::refresh_complete:
      event.hook = hook_of(object_field(o, "hook"));
      break;
    case EventType::init_output:
      event.message_code = string_field(o, "message_code");
      break;
    case EventType::test_file:
      event.test = test_progress_of(object_field(o, "test_file"));
      break;
    case EventType::test_run:
      event.test = test_progress_of(object_field(o, "test_run"));
      break;
    case EventType::test_summary: {
      const auto& s = object_field(o, "test_summary");
      event.test_summary = TestSummary{
          string_field(s, "status"), static_cast<int>(int_field(s, "passed")),
          static_cast<int>(int_field(s, "failed")), static_cast<int>(int_field(s, "errored")),
          static_cast<int>(int_field(s, "skipped"))};
      break;
    }
    default:
      break;
  }
  event.raw = o;
  return event;
}

void check_ui_version(const Event& version) {
  const std::string& ui = version.ui_version;
  int major = 0;
  std::size_t i = 0;
  for (; i < ui.size() && ui[i] >= '0' && ui[i] <= '9'; ++i)
    major = major * 10 + (ui[i] - '0');
  if (i == 0 || major != kUiMajorVersion) {
    throw Error(errc::unsupported_ui_version,
                "terraform's machine-readable UI is version " + (ui.empty() ? "?" : ui) +
                    "; this library reads version " + std::to_string(kUiMajorVersion) + ".x");
  }
}

std::optional<Event> parse_event(std::string_view line) {
  detail::EventLineParser lines(false);
  const nlohmann::json* object = nullptr;
  try {
    object = lines.line(line);
  } catch (const nlohmann::json::parse_error& e) {
    throw detail::invalid_event_line(e);
  }
  if (!object) return std::nullopt;
  return detail::checked_event(*object);
}

std::vector<Event> events_of(const CommandResult& result) {
  std::vector<Event> events;
  if (!result.value || !result.value->is_array()) return events;
  for (const auto& object : *result.value)
    events.push_back(to_event(object));
  return events;
}

const char* to_string(EventType type) {
  for (const auto& [t, text] : kTypes) {
    if (t == type) return text.data();
  }
  return "unknown";
}

const char* to_string(ChangeAction action) {
  for (const auto& [a, text] : kActions) {
    if (a == action) return text.data();
  }
  return "unknown";
}

ChangeAction parse_change_action(std::string_view action) {
  for (const auto& [a, text] : kActions) {
    if (text == action) return a;
  }
  return ChangeAction::unknown;
}

std::string to_string(const OutputValue& output) {
  if (output.sensitive) return "(sensitive value)";
  return output.value ? output.value->dump() : "(known after apply)";
}

namespace detail {

std::map<std::string, OutputValue> outputs_from(const nlohmann::json& outputs) {
  std::map<std::string, OutputValue> result;
  if (!outputs.is_object()) return result;
  for (const auto& [name, o] : outputs.items()) {
    OutputValue value;
    value.sensitive = bool_field(o, "sensitive");
    value.type = json_field(o, "type");
    if (const auto* v = field(o, "value")) value.value = *v;
    if (const auto* action = field(o, "action"); action && action->is_string()) {
      value.action = parse_change_action(action->get<std::string>());
    }
    result.emplace(name, std::move(value));
  }
  return result;
}

}  // namespace detail
}  // namespace libterraform
