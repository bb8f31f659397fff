#pragma once

// What tfrun leaves behind: the summary table, the JSON report (docs/tfrun.md has its
// schema) and each module's log.

#include <libterraform/graph_run.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
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

// A module's file name in --log-dir: its name with '/' as "__" ("." is "root").
std::string log_file_name(const std::string& module);

// Each module's output: every line terraform printed into DIR/NAME.log as it arrives
// (when a directory is given), and the readable lines (event messages, stderr) kept in
// memory to replay a failed module's output at the end.
class ModuleLogs {
 public:
  explicit ModuleLogs(std::filesystem::path directory);
  void write(const std::string& module, std::string_view raw_line);
  void keep(const std::string& module, std::string_view readable_line);
  std::string kept(const std::string& module);

 private:
  std::filesystem::path directory_;
  std::mutex mutex_;
  std::map<std::string, std::ofstream> files_;
  std::map<std::string, std::string> kept_;
};

}  // namespace tfrun
