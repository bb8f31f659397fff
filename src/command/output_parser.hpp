#pragma once

#include "libterraform/command_result.hpp"
#include "libterraform/detail/command_spec.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace libterraform::detail {

struct ParsedOutput {
  // The document, or the array of events; empty for text or blank output.
  std::optional<nlohmann::json> value;
  // Why (part of) the output could not be parsed, if it could not.
  std::optional<std::string> failure;
};

// Parses stdout as `format` says. JSON lines that are not objects (terraform prints a
// few plain-text lines among init's events) are skipped; an object that does not
// parse is a failure, and the events around it are kept.
ParsedOutput parse_output(OutputFormat format, std::string_view text);

// One diagnostic object as terraform prints it.
Diagnostic to_diagnostic(const nlohmann::json& diagnostic);

// Diagnostics in a parsed value: validate's "diagnostics" array, or the "diagnostic"
// events of a stream.
std::vector<Diagnostic> find_diagnostics(const nlohmann::json& value);

}  // namespace libterraform::detail
