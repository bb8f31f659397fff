#pragma once

// --html: one self-contained page (no external file, no network) with a timeline of
// the run per module (a Gantt chart) and the summary table, drawn by an inline script
// from the JSON report embedded in the page.

#include <nlohmann/json.hpp>

#include <string>

namespace tfrun {

// `report`: report_json()'s document.
std::string html_report(const nlohmann::json& report);

}  // namespace tfrun
