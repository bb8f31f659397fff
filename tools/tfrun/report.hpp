#pragma once

// What tfrun leaves behind: the summary table, the JSON report (docs/tfrun.md has its
// schema) and each module's log.

#include <libterraform/graph_run.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace tfrun {

// module, result, duration, changes, reason: one row per module, columns aligned.
std::string summary_table(const libterraform::GraphRunReport& report);

// The report as JSON, following report_schema().
inline constexpr int kReportSchemaVersion = 3;
// What the report records of how the run was asked for: a --retry checks them.
struct RunRequest {
  std::string command;                 // the command method
  std::vector<std::string> arguments;  // terraform's, after `--`
  std::string root;                    // the tree, absolute and canonical
};
nlohmann::json report_json(const libterraform::GraphRunReport& report, const RunRequest& request);
// The report's JSON Schema (draft 2020-12): what `tfrun --report-schema` prints.
const char* report_schema();

// `bytes` as valid UTF-8 for the report: unchanged when it is; otherwise each byte that
// is not part of a valid sequence written as the four characters \xNN. Module names
// are the file system's bytes, which need not be UTF-8. Pure: unit-tested.
std::string utf8_text(std::string_view bytes);

}  // namespace tfrun
