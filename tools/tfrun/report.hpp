#pragma once

// What tfrun leaves behind: the summary table, the JSON report (docs/tfrun.md has its
// schema) and each module's log.

#include <libterraform/graph_run.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace tfrun {

// module, result, duration, changes, reason: one row per module, columns aligned.
std::string summary_table(const libterraform::GraphRunReport& report);

// The report as JSON, following report_schema().
inline constexpr int kReportSchemaVersion = 2;
nlohmann::json report_json(const libterraform::GraphRunReport& report, const std::string& command);
// The report's JSON Schema (draft 2020-12): what `tfrun --report-schema` prints.
const char* report_schema();

// `bytes` as valid UTF-8 for the report: unchanged when it is; otherwise each byte that
// is not part of a valid sequence written as the four characters \xNN. Module names
// are the file system's bytes, which need not be UTF-8. Pure: unit-tested.
std::string utf8_text(std::string_view bytes);

}  // namespace tfrun
