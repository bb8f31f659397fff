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
  (void)std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ",
                      utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                      utc.tm_sec, static_cast<long long>(millis));
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
  (void)std::snprintf(text, sizeof text, "%.1fs",
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

std::string utf8_text(std::string_view bytes) {
  std::string text;
  text.reserve(bytes.size());
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    // The length of the sequence `byte` starts, and the least code point it may hold
    // (shorter forms of one are not valid).
    std::size_t length = byte < 0x80           ? 1
                         : (byte >> 5) == 0x6  ? 2
                         : (byte >> 4) == 0xE  ? 3
                         : (byte >> 3) == 0x1E ? 4
                                               : 0;
    char32_t point = length == 1   ? byte
                     : length == 2 ? byte & 0x1F
                     : length == 3 ? byte & 0x0F
                                   : byte & 0x07;
    bool valid = length > 0 && i + length <= bytes.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(bytes[i + k]);
      valid = (next & 0xC0) == 0x80;
      point = (point << 6) | (next & 0x3F);
    }
    static constexpr char32_t kLeast[] = {0, 0, 0x80, 0x800, 0x10000};
    valid = valid && point >= kLeast[length] && point <= 0x10FFFF &&
            !(point >= 0xD800 && point <= 0xDFFF);
    if (valid) {
      text.append(bytes.substr(i, length));
      i += length;
    } else {
      char escaped[5];
      (void)std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
      text += escaped;
      ++i;
    }
  }
  return text;
}

nlohmann::json report_json(const GraphRunReport& report, const RunRequest& request) {
  nlohmann::json modules = nlohmann::json::array();
  for (const auto& m : report.modules) {
    nlohmann::json diagnostics = nlohmann::json::array();
    for (const auto& d : m.diagnostics) {
      diagnostics.push_back({{"severity", utf8_text(d.severity)},
                             {"summary", utf8_text(d.summary)},
                             {"detail", utf8_text(d.detail)},
                             {"address", utf8_text(d.address)},
                             {"filename", utf8_text(d.filename)},
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
        {{"name", utf8_text(m.module)},
         {"directory", utf8_text(m.directory.string())},
         {"result", libterraform::to_string(m.result)},
         {"reason", utf8_text(m.reason)},
         {"error_code", error_name(m.error)},
         {"stopped_by", m.stopped_by == libterraform::StoppedBy::nothing
                            ? nlohmann::json(nullptr)
                            : nlohmann::json(libterraform::to_string(m.stopped_by))},
         {"cause", m.cause.empty() ? nlohmann::json(nullptr) : nlohmann::json(utf8_text(m.cause))},
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
  nlohmann::json order = nlohmann::json::array();
  for (const auto& level : report.order) {
    nlohmann::json names = nlohmann::json::array();
    for (const auto& name : level)
      names.push_back(utf8_text(name));
    order.push_back(std::move(names));
  }
  nlohmann::json arguments = nlohmann::json::array();
  for (const auto& argument : request.arguments)
    arguments.push_back(utf8_text(argument));
  return {{"schema_version", kReportSchemaVersion},
          {"command", utf8_text(request.command)},
          {"arguments", arguments},
          {"root", utf8_text(request.root)},
          {"started", iso8601(report.started)},
          {"ended", iso8601(report.ended)},
          {"exit_code", report.exit_code},
          {"cancelled", report.cancelled},
          {"dry_run", report.dry_run},
          {"order", order},
          {"modules", modules}};
}

}  // namespace tfrun
