// Live progress of an apply across several modules: the pool forwards every module's
// -json events as they happen, tagged with the module, to one callback.

#include "example_modules.hpp"

#include <iostream>
#include <mutex>

int main() {
  example::Workspace workspace;
  std::vector<std::filesystem::path> modules;
  for (int i = 1; i <= 3; ++i) {
    modules.push_back(example::make_module(workspace, "module" + std::to_string(i),
                                           example::slow_provisioner(i)));
  }

  std::mutex print;
  libterraform::PoolOptions options{.max_workers = 3, .terraform = example::terraform_options()};
  options.on_event = [&](const libterraform::PoolEvent& e) {
    std::string line;
    switch (e.event.type) {
      case libterraform::EventType::apply_start:
      case libterraform::EventType::apply_progress:
      case libterraform::EventType::apply_complete:
      case libterraform::EventType::apply_errored:
      case libterraform::EventType::change_summary:
        line = e.event.message;  // terraform's own one-line description
        break;
      default:
        return;
    }
    std::lock_guard lock(print);  // callbacks of different modules run in parallel
    std::cout << "[" << e.module.filename().string() << "] " << line << "\n";
  };
  libterraform::TerraformPool pool(options);

  int failed = 0;
  for (const auto& outcome : pool.map_outcomes("apply", modules, {.check = true})) {
    auto apply = libterraform::ApplyResult::from(*outcome.result());
    std::lock_guard lock(print);
    std::cout << outcome.module.filename().string() << ": " << (outcome.ok() ? "applied" : "failed")
              << ", " << apply.applied.size() << " resource(s)\n";
    failed += !outcome.ok();
  }
  return failed;
}
