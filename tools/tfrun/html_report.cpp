#include "html_report.hpp"

namespace tfrun {
namespace {

// The page around the data: styles, the chart's script, and a slot for the report.
constexpr const char* kPageStart = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>tfrun report</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  .meta { color: #555; margin-bottom: 16px; }
  .gantt { border: 1px solid #ccc; padding: 8px; margin-bottom: 24px; }
  .gantt-row { display: flex; align-items: center; height: 22px; }
  .gantt-name { width: 220px; flex: none; overflow: hidden; text-overflow: ellipsis;
                white-space: nowrap; font-family: monospace; }
  .gantt-track { position: relative; flex: 1; height: 14px; background: #f4f4f4; }
  .gantt-bar { position: absolute; top: 0; height: 14px; min-width: 2px; border-radius: 2px; }
  .succeeded { background: #2e9d4a; } .failed { background: #d33; }
  .cancelled { background: #e0a800; } .skipped, .excluded, .pending { background: #aaa; }
  .gantt-queued { position: absolute; top: 4px; height: 6px; min-width: 1px;
                  background: repeating-linear-gradient(135deg, #999 0 2px, transparent 2px 5px); }
  .legend { color: #555; margin: -16px 0 24px; font-size: 12px; }
  .legend .gantt-queued { position: static; display: inline-block; width: 24px; }
  table { border-collapse: collapse; }
  th, td { text-align: left; padding: 3px 12px 3px 0; border-bottom: 1px solid #eee; }
  td.result { font-weight: bold; }
</style>
</head>
<body>
<h1>tfrun <span id="command"></span></h1>
<div class="meta" id="meta"></div>
<div class="gantt" id="gantt"></div>
<div class="legend">Bars: terraform running, coloured by result.
<span class="gantt-queued"></span> waiting in the pool for a worker.</div>
<table id="summary"><thead><tr><th>Module</th><th>Result</th><th>Duration</th>
<th>Changes</th><th>Reason</th></tr></thead><tbody></tbody></table>
<script type="application/json" id="report">)html";

constexpr const char* kPageEnd = R"html(</script>
<script>
(function () {
  const report = JSON.parse(document.getElementById("report").textContent);
  const time = (t) => (t ? Date.parse(t) : null);
  const start = time(report.started), end = Math.max(time(report.ended), start + 1);
  document.getElementById("command").textContent = report.command;
  document.getElementById("meta").textContent =
    report.modules.length + " modules, " + ((end - start) / 1000).toFixed(1) +
    " s, exit code " + report.exit_code + (report.cancelled ? " (cancelled)" : "");
  const gantt = document.getElementById("gantt");
  const body = document.querySelector("#summary tbody");
  for (const m of report.modules) {
    const row = document.createElement("div");
    row.className = "gantt-row";
    row.dataset.module = m.name;
    const name = document.createElement("div");
    name.className = "gantt-name";
    name.textContent = m.name;
    const track = document.createElement("div");
    track.className = "gantt-track";
    const place = (element, from, to) => {
      element.style.left = (100 * (from - start) / (end - start)) + "%";
      element.style.width = (100 * (to - from) / (end - start)) + "%";
    };
    if (m.submitted && m.started) {
      // Handed to the pool, waiting for a worker: not terraform's time.
      const queued = document.createElement("div");
      queued.className = "gantt-queued";
      const from = time(m.submitted), to = time(m.started);
      place(queued, from, to);
      queued.title = m.name + ": queued " + ((to - from) / 1000).toFixed(1) + " s";
      track.appendChild(queued);
    }
    if (m.started) {
      const bar = document.createElement("div");
      bar.className = "gantt-bar " + m.result;
      const from = time(m.started), to = time(m.ended) || end;
      place(bar, from, to);
      bar.title = m.name + ": " + m.result + " " + ((to - from) / 1000).toFixed(1) + " s";
      track.appendChild(bar);
    }
    row.append(name, track);
    gantt.appendChild(row);

    const tr = document.createElement("tr");
    const changes = m.changes
      ? "+" + m.changes.add + " ~" + m.changes.change + " -" + m.changes.destroy : "-";
    const cells = [m.name, m.result,
                   m.duration_ms === null ? "-" : (m.duration_ms / 1000).toFixed(1) + " s",
                   changes, m.reason + (m.cause ? " (" + m.cause + ")" : "")];
    cells.forEach((text, i) => {
      const td = document.createElement("td");
      td.textContent = text;
      if (i === 1) td.className = "result";
      tr.appendChild(td);
    });
    body.appendChild(tr);
  }
})();
</script>
</body>
</html>
)html";

}  // namespace

std::string html_report(const nlohmann::json& report) {
  // Inside <script>, "</" could end the element early: written as "<\/" (same JSON).
  std::string data = report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  for (std::size_t at = data.find("</"); at != std::string::npos; at = data.find("</", at + 3))
    data.replace(at, 2, "<\\/");
  return kPageStart + data + kPageEnd;
}

}  // namespace tfrun
