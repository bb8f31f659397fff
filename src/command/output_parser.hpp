#pragma once

#include "libterraform/command_result.hpp"
#include "libterraform/detail/command_spec.hpp"
#include "libterraform/errors.hpp"
#include "libterraform/events.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace libterraform::detail {

struct ParsedOutput {
  // The document, or the array of events; empty for text or blank output.
  std::optional<nlohmann::json> value;
  // Why (part of) the output could not be parsed, if it could not.
  std::optional<std::string> failure;
  // An event stream of a UI version this library cannot read: what its version event
  // says (the first version event decides).
  std::optional<std::string> unreadable;
};

// Parses stdout as `format` says. JSON lines that are not objects (terraform prints a
// few plain-text lines among init's events) are skipped; an object that does not
// parse is a failure, and the events around it are kept.
ParsedOutput parse_output(OutputFormat format, std::string_view text);

// The lines of a -json event stream, parsed one at a time as they come, into what
// parse_output gives for the whole stream. Each line is parsed once.
class EventLineParser {
 public:
  // `keep`: keep the objects, for the result's value.
  explicit EventLineParser(bool keep) : keep_(keep) {}

  // The next line (without its newline). Returns its object (valid until the next
  // call), or null for a line that is no JSON object; a line that does not parse is
  // recorded (failure) and rethrown as the parser's error. The first version event is
  // checked (unreadable).
  const nlohmann::json* line(std::string_view text);
  const std::optional<std::string>& unreadable() const { return parsed_.unreadable; }

  ParsedOutput finish();

 private:
  bool keep_;
  bool any_text_ = false;
  bool version_seen_ = false;
  std::size_t line_number_ = 0;
  nlohmann::json objects_ = nlohmann::json::array();
  nlohmann::json last_;  // the last object, when not kept
  ParsedOutput parsed_;
};

// "invalid JSON at byte B": the position only, since the parser's own message quotes
// the text, which may hold secrets.
std::string describe(const nlohmann::json::parse_error& e);

// What a listener of a stream is told of a line that does not parse: Error(invalid_json).
Error invalid_event_line(const nlohmann::json::parse_error& e);
// An event line's object as an Event; throws Error(unsupported_ui_version) for a version
// event this library cannot read.
Event checked_event(const nlohmann::json& object);

// One diagnostic object as terraform prints it.
Diagnostic to_diagnostic(const nlohmann::json& diagnostic);

// Diagnostics in a parsed value: validate's "diagnostics" array, or the "diagnostic"
// events of a stream.
std::vector<Diagnostic> find_diagnostics(const nlohmann::json& value);

}  // namespace libterraform::detail
