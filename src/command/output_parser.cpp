#include "command/output_parser.hpp"

#include "command/json_fields.hpp"

namespace libterraform::detail {
namespace {

std::string_view trim(std::string_view text) {
  const char* spaces = " \t\r\n";
  auto first = text.find_first_not_of(spaces);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(spaces) - first + 1);
}

}  // namespace

std::string describe(const nlohmann::json::parse_error& e) {
  return "invalid JSON at byte " + std::to_string(e.byte);
}

Error invalid_event_line(const nlohmann::json::parse_error& e) {
  return Error(errc::invalid_json, "terraform printed an event line that is not valid JSON (byte " +
                                       std::to_string(e.byte) + ")");
}

Event checked_event(const nlohmann::json& object) {
  Event event = to_event(object);
  if (event.type == EventType::version) check_ui_version(event);
  return event;
}

const nlohmann::json* EventLineParser::line(std::string_view text) {
  ++line_number_;
  std::string_view line = trim(text);
  if (line.empty()) return nullptr;
  any_text_ = true;
  if (line.front() != '{') return nullptr;
  nlohmann::json object;
  try {
    object = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    if (!parsed_.failure)
      parsed_.failure = "line " + std::to_string(line_number_) + ", " + describe(e);
    throw;
  }
  if (!version_seen_ && string_field(object, "type") == "version") {
    version_seen_ = true;
    try {
      checked_event(object);
    } catch (const Error& e) {
      parsed_.unreadable = e.what();
    }
  }
  if (!keep_) {
    last_ = std::move(object);
    return &last_;
  }
  objects_.push_back(std::move(object));
  return &objects_.back();
}

ParsedOutput EventLineParser::finish() {
  if (keep_ && any_text_) parsed_.value = std::move(objects_);
  return std::move(parsed_);
}

Diagnostic to_diagnostic(const nlohmann::json& d) {
  const auto& range = object_field(d, "range");
  return {string_field(d, "severity"),
          string_field(d, "summary"),
          string_field(d, "detail"),
          string_field(d, "address"),
          string_field(range, "filename"),
          static_cast<int>(int_field(object_field(range, "start"), "line"))};
}

ParsedOutput parse_output(OutputFormat format, std::string_view text) {
  ParsedOutput parsed;
  if (format == OutputFormat::text || trim(text).empty()) return parsed;

  if (format == OutputFormat::json) {
    try {
      parsed.value = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      parsed.failure = describe(e);
    }
    return parsed;
  }

  EventLineParser lines(true);
  while (!text.empty()) {
    auto newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    try {
      lines.line(line);
    } catch (const nlohmann::json::parse_error&) {
      // recorded; the events around it are kept
    }
  }
  return lines.finish();
}

std::vector<Diagnostic> find_diagnostics(const nlohmann::json& value) {
  std::vector<Diagnostic> diagnostics;
  if (value.is_object()) {
    if (auto list = value.find("diagnostics"); list != value.end() && list->is_array()) {
      for (const auto& d : *list)
        diagnostics.push_back(to_diagnostic(d));
    }
  } else if (value.is_array()) {
    for (const auto& event : value) {
      if (string_field(event, "type") == "diagnostic") {
        diagnostics.push_back(to_diagnostic(object_field(event, "diagnostic")));
      }
    }
  }
  return diagnostics;
}

}  // namespace libterraform::detail
