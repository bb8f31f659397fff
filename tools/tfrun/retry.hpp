#pragma once

// --retry REPORT.json: the earlier run a retry takes its modules from.

#include <libterraform/graph_run.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace tfrun {

// What a report says of its run: each module's name and result, and terraform's
// arguments.
struct RetrySource {
  libterraform::GraphRunReport previous;
  std::vector<std::string> arguments;
};

// A report that cannot be retried here; what() says why.
struct RetryRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The run `report` (a --report's JSON) describes, when it is a run of `command` over
// the tree at `root` (as report_json writes it). Throws RetryRefused for another tree
// or command, a dry run, or a report too old to say. Pure: unit-tested.
RetrySource retry_source(const nlohmann::json& report, const std::string& root,
                         const std::string& command);
// Reads the file, then retry_source. Throws RetryRefused, also for a file that cannot
// be read or is not JSON.
RetrySource read_retry_source(const std::filesystem::path& file, const std::string& root,
                              const std::string& command);

}  // namespace tfrun
