#include "report.hpp"

#include "progress.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>

namespace tfrun {

using libterraform::GraphRunReport;
using libterraform::ModuleReport;

namespace {

using Clock = std::chrono::system_clock;

std::string iso8601(Clock::time_point t) {
  const std::time_t seconds = Clock::to_time_t(t);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<long long>(millis));
  return text;
}

nlohmann::json optional_time(const std::optional<Clock::time_point>& t) {
  return t ? nlohmann::json(iso8601(*t)) : nlohmann::json(nullptr);
}

nlohmann::json milliseconds_between(const std::optional<Clock::time_point>& from,
                                    const std::optional<Clock::time_point>& to) {
  if (!from || !to) return nullptr;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*to - *from).count();
}

// "timed_out" for the library's codes; "category:value" for any other.
nlohmann::json error_name(const boost::system::error_code& code) {
  if (!code) return nullptr;
  if (code.category() == libterraform::error_category()) {
    return std::string(libterraform::to_string(static_cast<libterraform::errc>(code.value())));
  }
  return std::string(code.category().name()) + ":" + std::to_string(code.value());
}

std::string duration_of(const ModuleReport& m) {
  if (!m.started || !m.ended) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.1fs",
                std::chrono::duration<double>(*m.ended - *m.started).count());
  return text;
}

std::string changes_of(const ModuleReport& m) {
  if (!m.summary) return m.changes ? "changes" : "-";
  return change_counts(m.summary->add, m.summary->change, m.summary->remove);
}

std::string reason_of(const ModuleReport& m) {
  return m.cause.empty() || m.reason.find(m.cause) != std::string::npos
             ? m.reason
             : m.reason + " (" + m.cause + ")";
}

}  // namespace

std::string summary_table(const GraphRunReport& report) {
  std::vector<std::array<std::string, 5>> rows{
      {"MODULE", "RESULT", "DURATION", "CHANGES", "REASON"}};
  for (const auto& m : report.modules) {
    rows.push_back({m.module, std::string(libterraform::to_string(m.result)), duration_of(m),
                    changes_of(m), reason_of(m)});
  }
  std::array<std::size_t, 5> widths{};
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], row[c].size());
  std::string table;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      std::string cell = row[c];
      if (c + 1 < row.size()) cell.resize(widths[c] + 2, ' ');
      line += cell;
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    table += line + "\n";
  }
  return table;
}

nlohmann::json report_json(const GraphRunReport& report, const std::string& command) {
  nlohmann::json modules = nlohmann::json::array();
  for (const auto& m : report.modules) {
    nlohmann::json diagnostics = nlohmann::json::array();
    for (const auto& d : m.diagnostics) {
      diagnostics.push_back({{"severity", d.severity},
                             {"summary", d.summary},
                             {"detail", d.detail},
                             {"address", d.address},
                             {"filename", d.filename},
                             {"line", d.line}});
    }
    nlohmann::json counts = nullptr;
    if (m.summary) {
      counts = {{"add", m.summary->add},
                {"change", m.summary->change},
                {"import", m.summary->import},
                {"destroy", m.summary->remove}};
    }
    modules.push_back(
        {{"name", m.module},
         {"directory", m.directory.string()},
         {"result", libterraform::to_string(m.result)},
         {"reason", m.reason},
         {"error_code", error_name(m.error)},
         {"stopped_by", m.stopped_by == libterraform::StoppedBy::nothing
                            ? nlohmann::json(nullptr)
                            : nlohmann::json(libterraform::to_string(m.stopped_by))},
         {"cause", m.cause.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.cause)},
         {"submitted", optional_time(m.submitted)},
         {"started", optional_time(m.started)},
         {"ended", optional_time(m.ended)},
         {"queued_ms", milliseconds_between(m.submitted, m.started)},
         {"duration_ms", milliseconds_between(m.started, m.ended)},
         {"exit_code", m.exit_code ? nlohmann::json(*m.exit_code) : nullptr},
         {"changes_present", m.changes},
         {"changes", counts},
         {"diagnostics", diagnostics}});
  }
  return {{"schema_version", kReportSchemaVersion},
          {"command", command},
          {"started", iso8601(report.started)},
          {"ended", iso8601(report.ended)},
          {"exit_code", report.exit_code},
          {"cancelled", report.cancelled},
          {"dry_run", report.dry_run},
          {"order", report.order},
          {"modules", modules}};
}

std::string log_file_name(const std::string& module) {
  if (module == ".") return "root.log";
  std::string name;
  for (char c : module) {
    if (c == '/') {
      name += "__";
    } else {
      name += c;
    }
  }
  return name + ".log";
}

ModuleLogs::ModuleLogs(std::filesystem::path directory) : directory_(std::move(directory)) {
  if (!directory_.empty()) std::filesystem::create_directories(directory_);
}

void ModuleLogs::write(const std::string& module, std::string_view raw_line) {
  if (directory_.empty()) return;
  std::lock_guard lock(mutex_);
  auto [file, opened] = files_.try_emplace(module);
  if (opened) file->second.open(directory_ / log_file_name(module), std::ios::binary);
  file->second << raw_line << '\n';
  file->second.flush();
}

void ModuleLogs::keep(const std::string& module, std::string_view readable_line) {
  std::lock_guard lock(mutex_);
  kept_[module].append(readable_line).push_back('\n');
}

std::string ModuleLogs::kept(const std::string& module) {
  std::lock_guard lock(mutex_);
  auto found = kept_.find(module);
  return found == kept_.end() ? std::string() : found->second;
}

}  // namespace tfrun
