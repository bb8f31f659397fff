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

// Position only: the parser's own message quotes the text, which may hold secrets.
std::string describe(const nlohmann::json::parse_error& e) {
  return "invalid JSON at byte " + std::to_string(e.byte);
}

}  // namespace

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

  nlohmann::json events = nlohmann::json::array();
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    auto newline = text.find('\n');
    std::string_view line = trim(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    if (line.empty() || line.front() != '{') continue;
    try {
      events.push_back(nlohmann::json::parse(line));
    } catch (const nlohmann::json::parse_error& e) {
      if (!parsed.failure)
        parsed.failure = "line " + std::to_string(line_number) + ", " + describe(e);
    }
  }
  parsed.value = std::move(events);
  return parsed;
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
