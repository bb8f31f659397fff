#pragma once

// terraform's machine-readable UI (-json on plan, apply, destroy, refresh, init, test):
// one event per line, parsed into typed fields. Every event keeps its raw JSON, and
// types this library does not know pass through as generic events.

#include "libterraform/command_result.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace libterraform {

enum class EventType {
  version,
  log,
  diagnostic,
  planned_change,
  resource_drift,
  change_summary,
  outputs,
  apply_start,
  apply_progress,
  apply_complete,
  apply_errored,
  provision_start,
  provision_progress,
  provision_complete,
  provision_errored,
  refresh_start,
  refresh_complete,
  init_output,
  test_abstract,
  test_file,
  test_run,
  test_plan,
  test_state,
  test_cleanup,
  test_summary,
  test_interrupt,
  unknown,  // any other type: see Event::type_name and Event::raw
};

// The resource an event is about.
struct ResourceAddress {
  std::string addr;      // "module.child.terraform_data.x[0]"
  std::string module;    // "module.child"; empty for the root module
  std::string resource;  // "terraform_data.x[0]"
  std::string type;      // "terraform_data"
  std::string name;      // "x"
  nlohmann::json key;    // null, a number (count) or a string (for_each)
  std::string provider;  // the implied provider, "terraform"

  friend bool operator==(const ResourceAddress&, const ResourceAddress&) = default;
};

// What terraform does, or plans to do, to one resource.
enum class ChangeAction {
  noop,
  create,
  read,
  update,
  replace,
  destroy,
  move,
  import,
  forget,
  unknown
};

struct ResourceChange {
  ResourceAddress resource;
  std::optional<ResourceAddress> previous_resource;  // where a moved resource was
  ChangeAction action = ChangeAction::unknown;
  std::string reason;                       // of a replace: "cannot_update", "tainted", ...
  std::optional<std::string> importing_id;  // the id of a resource being imported
};

// A "Plan: 1 to add, 2 to change, ..." or "Apply complete!" line.
struct ChangeSummary {
  int add = 0;
  int change = 0;
  int import = 0;
  int remove = 0;
  std::string operation;  // "plan", "apply" or "destroy"

  friend bool operator==(const ChangeSummary&, const ChangeSummary&) = default;
};

// One output of a module. Sensitive values never appear in to_string().
struct OutputValue {
  bool sensitive = false;
  nlohmann::json type;                  // the value's type as terraform prints it, when known
  std::optional<nlohmann::json> value;  // absent when terraform leaves it out
  std::optional<ChangeAction> action;   // in a plan: what happens to the output
};

// The resource an apply_*, provision_* or refresh_* event is about, and its progress.
struct Hook {
  ResourceAddress resource;
  ChangeAction action = ChangeAction::unknown;  // apply_* events
  std::string id_key;                           // "id", when the object has one
  std::string id_value;
  long long elapsed_seconds = 0;
  std::string provisioner;  // provision_* events: "local-exec", ...
  std::string output;       // provision_progress: a line the provisioner printed
};

// A test_file or test_run event.
struct TestProgress {
  std::string path;      // the test file
  std::string run;       // the run block (test_run)
  std::string progress;  // "starting", "running", "teardown", "complete"
  std::string status;    // when complete: "pass", "fail", "error", "skip"
  long long elapsed_ms = 0;
};

struct TestSummary {
  std::string status;  // "pass", "fail", "error"
  int passed = 0;
  int failed = 0;
  int errored = 0;
  int skipped = 0;
};

struct Event {
  EventType type = EventType::unknown;
  std::string type_name;  // as terraform names it
  std::string level;      // "@level": "info", "warn", "error"
  std::string message;    // "@message": the human-readable line
  std::string module;     // "@module": "terraform.ui", or "tofu.ui" from OpenTofu
  std::string timestamp;  // "@timestamp", RFC 3339
  nlohmann::json raw;     // the whole line

  // Set according to the type; anything a line lacks stays empty.
  std::optional<Diagnostic> diagnostic;                       // diagnostic
  std::optional<ResourceChange> change;                       // planned_change, resource_drift
  std::optional<ChangeSummary> summary;                       // change_summary
  std::optional<std::map<std::string, OutputValue>> outputs;  // outputs
  std::optional<Hook> hook;                                   // apply_*, provision_*, refresh_*
  std::optional<TestProgress> test;                           // test_file, test_run
  std::optional<TestSummary> test_summary;                    // test_summary
  std::string terraform_version;                              // version (terraform's or tofu's)
  std::string ui_version;                                     // version: "1.2"
  std::string message_code;                                   // init_output
};

// The major version of the machine-readable UI this library reads.
inline constexpr int kUiMajorVersion = 1;

// Parses one line of -json output. Empty for a line that is not a JSON object (init
// prints a few plain-text lines among its events). Throws Error(invalid_json) for an
// object that does not parse, Error(unsupported_ui_version) for a version event of
// another major version.
std::optional<Event> parse_event(std::string_view line);
// The event of an already parsed object; tolerant of missing fields.
Event to_event(const nlohmann::json& object);
// Throws Error(unsupported_ui_version) unless `version` (a version event) announces a
// machine-readable UI of major version kUiMajorVersion.
void check_ui_version(const Event& version);
// The events of a streaming command's result (its `value`).
std::vector<Event> events_of(const CommandResult& result);

const char* to_string(EventType type);
const char* to_string(ChangeAction action);
ChangeAction parse_change_action(std::string_view action);
// The output's value as JSON text, or "(sensitive value)".
std::string to_string(const OutputValue& output);

}  // namespace libterraform
