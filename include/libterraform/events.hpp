#pragma once

/// \file
/// terraform's machine-readable UI (-json on plan, apply, destroy, refresh, init, test):
/// one event per line, parsed into typed fields. Every event keeps its raw JSON, and
/// types this library does not know pass through as generic events.

#include "libterraform/command_result.hpp"
#include "libterraform/export.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace libterraform {

/// The type of an event, as terraform names it.
enum class EventType {
  version,             ///< the first event: terraform's version and the UI's
  log,                 ///< a message terraform logs
  diagnostic,          ///< an error or a warning: Event::diagnostic
  planned_change,      ///< a change the plan makes: Event::change
  resource_drift,      ///< a change made outside terraform: Event::change
  change_summary,      ///< what a plan, apply or destroy changes: Event::summary
  outputs,             ///< the module's outputs: Event::outputs
  apply_start,         ///< a resource's change starts: Event::hook
  apply_progress,      ///< a resource's change still runs: Event::hook
  apply_complete,      ///< a resource's change completed: Event::hook
  apply_errored,       ///< a resource's change failed: Event::hook
  provision_start,     ///< a provisioner starts on a resource: Event::hook
  provision_progress,  ///< a line a provisioner printed: Event::hook
  provision_complete,  ///< a provisioner completed: Event::hook
  provision_errored,   ///< a provisioner failed: Event::hook
  refresh_start,       ///< a resource's refresh starts: Event::hook
  refresh_complete,    ///< a resource's refresh completed: Event::hook
  init_output,         ///< a message of init: Event::message_code
  test_abstract,       ///< the test files and run blocks a test will run
  test_file,           ///< a test file's progress: Event::test
  test_run,            ///< a run block's progress: Event::test
  test_plan,           ///< a run block's plan
  test_state,          ///< a run block's state
  test_cleanup,        ///< the resources a test's cleanup could not destroy
  test_summary,        ///< a test's totals: Event::test_summary
  test_interrupt,      ///< a test was interrupted
  unknown,             ///< any other type: see Event::type_name and Event::raw
};

/// The resource an event is about.
struct ResourceAddress {
  std::string addr;      ///< "module.child.terraform_data.x[0]"
  std::string module;    ///< "module.child"; empty for the root module
  std::string resource;  ///< "terraform_data.x[0]"
  std::string type;      ///< "terraform_data"
  std::string name;      ///< "x"
  nlohmann::json key;    ///< null, a number (count) or a string (for_each)
  std::string provider;  ///< the implied provider, "terraform"

  /// Equal when every field is.
  friend bool operator==(const ResourceAddress&, const ResourceAddress&) = default;
};

/// What terraform does, or plans to do, to one resource. The words in quotes are
/// terraform's (to_string, parse_change_action).
enum class ChangeAction {
  noop,     ///< "noop": nothing changes
  create,   ///< "create"
  read,     ///< "read": a data source is read
  update,   ///< "update": changed in place
  replace,  ///< "replace": destroyed and created again
  destroy,  ///< "delete"
  move,     ///< "move": only its address changes
  import,   ///< "import"
  forget,   ///< "remove": dropped from the state, not destroyed
  unknown   ///< any other word
};

/// A planned_change or resource_drift event: one resource and what happens to it.
struct ResourceChange {
  ResourceAddress resource;                          ///< the resource changed
  std::optional<ResourceAddress> previous_resource;  ///< where a moved resource was
  ChangeAction action = ChangeAction::unknown;       ///< what happens to it
  std::string reason;                       ///< of a replace: "cannot_update", "tainted", ...
  std::optional<std::string> importing_id;  ///< the id of a resource being imported
};

/// A "Plan: 1 to add, 2 to change, ..." or "Apply complete!" line.
struct ChangeSummary {
  int add = 0;            ///< resources to add, or added
  int change = 0;         ///< resources to change in place, or changed
  int import = 0;         ///< resources to import, or imported
  int remove = 0;         ///< resources to destroy, or destroyed
  std::string operation;  ///< "plan", "apply" or "destroy"

  /// Equal when every field is.
  friend bool operator==(const ChangeSummary&, const ChangeSummary&) = default;
};

/// One output of a module. Sensitive values never appear in
/// to_string(const OutputValue&).
struct OutputValue {
  bool sensitive = false;               ///< declared sensitive
  nlohmann::json type;                  ///< the value's type as terraform prints it, when known
  std::optional<nlohmann::json> value;  ///< absent when terraform leaves it out
  std::optional<ChangeAction> action;   ///< in a plan: what happens to the output
};

/// The resource an apply_*, provision_* or refresh_* event is about, and its progress.
struct Hook {
  ResourceAddress resource;                     ///< the resource worked on
  ChangeAction action = ChangeAction::unknown;  ///< apply_* events
  std::string id_key;                           ///< "id", when the object has one
  std::string id_value;                         ///< the object's value of `id_key`
  /// How long the work has run.
  long long elapsed_seconds = 0;
  std::string provisioner;  ///< provision_* events: "local-exec", ...
  std::string output;       ///< provision_progress: a line the provisioner printed
};

/// A test_file or test_run event.
struct TestProgress {
  std::string path;          ///< the test file
  std::string run;           ///< the run block (test_run)
  std::string progress;      ///< "starting", "running", "teardown", "complete"
  std::string status;        ///< when complete: "pass", "fail", "error", "skip"
  long long elapsed_ms = 0;  ///< how long it has run, in milliseconds
};

/// A test_summary event: the result of a whole test.
struct TestSummary {
  std::string status;  ///< "pass", "fail", "error"
  int passed = 0;      ///< run blocks that passed
  int failed = 0;      ///< run blocks that failed
  int errored = 0;     ///< run blocks that errored
  int skipped = 0;     ///< run blocks skipped
};

/// One event of a -json stream: the fields every event has, then those of its type.
struct Event {
  /// `type_name` as a value.
  EventType type = EventType::unknown;
  std::string type_name;  ///< as terraform names it
  std::string level;      ///< "@level": "info", "warn", "error"
  std::string message;    ///< "@message": the human-readable line
  std::string module;     ///< "@module": "terraform.ui", or "tofu.ui" from OpenTofu
  std::string timestamp;  ///< "@timestamp", RFC 3339
  nlohmann::json raw;     ///< the whole line

  /// \name Set according to the type; anything a line lacks stays empty.
  ///@{
  std::optional<Diagnostic> diagnostic;                       ///< diagnostic
  std::optional<ResourceChange> change;                       ///< planned_change, resource_drift
  std::optional<ChangeSummary> summary;                       ///< change_summary
  std::optional<std::map<std::string, OutputValue>> outputs;  ///< outputs
  std::optional<Hook> hook;                                   ///< apply_*, provision_*, refresh_*
  std::optional<TestProgress> test;                           ///< test_file, test_run
  std::optional<TestSummary> test_summary;                    ///< test_summary
  std::string terraform_version;                              ///< version (terraform's or tofu's)
  std::string ui_version;                                     ///< version: "1.2"
  std::string message_code;                                   ///< init_output
  ///@}
};

/// The major version of the machine-readable UI this library reads.
inline constexpr int kUiMajorVersion = 1;

/// Parses one line of -json output. Empty for a line that is not a JSON object (init
/// prints a few plain-text lines among its events). Throws Error(invalid_json) for an
/// object that does not parse, Error(unsupported_ui_version) for a version event of
/// another major version.
LIBTERRAFORM_EXPORT std::optional<Event> parse_event(std::string_view line);
/// The event of an already parsed object; tolerant of missing fields.
LIBTERRAFORM_EXPORT Event to_event(const nlohmann::json& object);
/// Throws Error(unsupported_ui_version) unless `version` (a version event) announces a
/// machine-readable UI of major version kUiMajorVersion.
LIBTERRAFORM_EXPORT void check_ui_version(const Event& version);
/// The events of a streaming command's result (its `value`).
LIBTERRAFORM_EXPORT std::vector<Event> events_of(const CommandResult& result);

/// The type's name as terraform writes it ("planned_change"); "unknown" for unknown.
LIBTERRAFORM_EXPORT const char* to_string(EventType type);
/// The action as terraform writes it ("delete" for destroy, "remove" for forget).
LIBTERRAFORM_EXPORT const char* to_string(ChangeAction action);
/// The action terraform's word names; ChangeAction::unknown for any other word.
LIBTERRAFORM_EXPORT ChangeAction parse_change_action(std::string_view action);
/// The output's value as JSON text, "(sensitive value)", or "(known after apply)" when
/// it has no value yet.
LIBTERRAFORM_EXPORT std::string to_string(const OutputValue& output);

}  // namespace libterraform
