#include "retry.hpp"

#include "report.hpp"

#include <fstream>
#include <sstream>

namespace tfrun {

using libterraform::ModuleResult;

namespace {

ModuleResult result_named(const std::string& name) {
  for (auto result : {ModuleResult::pending, ModuleResult::queued, ModuleResult::running,
                      ModuleResult::succeeded, ModuleResult::failed, ModuleResult::skipped,
                      ModuleResult::cancelled, ModuleResult::excluded}) {
    if (libterraform::to_string(result) == name) return result;
  }
  throw RetryRefused("a module's result \"" + name + "\" is not one tfrun writes");
}

}  // namespace

RetrySource retry_source(const nlohmann::json& report, const std::string& root,
                         const std::string& command) {
  try {
    if (report.value("schema_version", 0) < 3 || !report.contains("root")) {
      throw RetryRefused("it does not record its tree and arguments (schema_version 3 does)");
    }
    if (report.at("dry_run").get<bool>()) throw RetryRefused("it is a dry run's: nothing ran");
    const auto said_root = report.at("root").get<std::string>();
    if (said_root != root) throw RetryRefused("it is a run over " + said_root + ", not " + root);
    const auto said_command = report.at("command").get<std::string>();
    if (said_command != command) {
      throw RetryRefused("it is a run of " + said_command + ", not " + command);
    }
    RetrySource source;
    source.arguments = report.at("arguments").get<std::vector<std::string>>();
    for (const auto& m : report.at("modules")) {
      source.previous.modules.push_back(
          {.module = m.at("name").get<std::string>(),
           .result = result_named(m.at("result").get<std::string>())});
    }
    return source;
  } catch (const nlohmann::json::exception& e) {
    throw RetryRefused(std::string("it is not a tfrun report: ") + e.what());
  }
}

RetrySource read_retry_source(const std::filesystem::path& file, const std::string& root,
                              const std::string& command) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw RetryRefused("it cannot be read");
  const auto report = nlohmann::json::parse(text.str(), nullptr, false);
  if (report.is_discarded()) throw RetryRefused("it is not JSON");
  return retry_source(report, root, command);
}

}  // namespace tfrun
