// tfrun: one terraform command across a tree of modules, in dependency order, in
// parallel, with live progress, a summary and a combined exit code. Built only on the
// library's public API. See docs/tfrun.md.

#include "display.hpp"
#include "html_report.hpp"
#include "options.hpp"
#include "report.hpp"

#include <libterraform/graph_run.hpp>
#include <libterraform/module_graph.hpp>
#include <libterraform/terraform_pool.hpp>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <thread>

namespace {

using namespace libterraform;

// Commands whose -json output is a stream of events (shown by their messages).
bool streams_events(const std::string& command) {
  static const std::set<std::string> streaming = {"init",    "plan",    "apply",
                                                  "destroy", "refresh", "test"};
  return streaming.contains(command);
}

std::string forcing(Escalation escalation) {
  switch (escalation) {
    case Escalation::interrupt_again:
      return "interrupting";
    case Escalation::terminate:
      return "terminating";
    case Escalation::kill:
      return "killing";
    case Escalation::none:
      break;
  }
  return "stopping";
}

ModuleGraph graph_of(const tfrun::Options& o) {
  if (o.modules.empty()) return ModuleGraph::discover(o.root);
  return ModuleGraph::of_directories(o.modules);
}

// Takes SIGINT and SIGTERM (blocked in every other thread) until the run ends: the
// first interrupts every running terraform once and starts nothing more; the second
// escalates their stop per the stop policy (--stop-escalation).
class Interrupts {
 public:
  Interrupts() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);  // before any thread starts
  }
  void watch(const GraphRun& run, tfrun::Display& display, Escalation escalation) {
    thread_ = std::thread([this, run, &display, escalation] {
      int received = 0;
      const timespec tick{0, 200'000'000};
      while (!over_) {
        if (sigtimedwait(&signals_, nullptr, &tick) < 0) continue;
        if (++received == 1) {
          display.message(
              std::string("tfrun: interrupted: stopping every running terraform once (it "
                          "writes its state and releases its lock) and starting no more "
                          "modules") +
              (escalation == Escalation::none ? "" : "; interrupt again to force it"));
          run.cancel();
        } else if (received == 2 && escalation != Escalation::none) {
          display.message("tfrun: interrupted again: " + forcing(escalation) +
                          " every terraform still running; its state may not be written "
                          "and its lock may be left held");
          run.escalate();
        } else {
          display.message("tfrun: still waiting for terraform to exit");
        }
      }
    });
  }
  void stop() {
    over_ = true;
    if (thread_.joinable()) thread_.join();
  }
  ~Interrupts() { stop(); }

 private:
  sigset_t signals_;
  std::atomic<bool> over_{false};
  std::thread thread_;
};

GraphRunOptions run_options(const tfrun::Options& o, tfrun::Display& display,
                            tfrun::ModuleLogs& logs) {
  GraphRunOptions options{.fail_fast = o.fail_fast,
                          .ignore_errors = o.ignore_errors,
                          .include = o.include,
                          .exclude = o.exclude,
                          .dry_run = o.dry_run};
  options.common.extra_args = o.terraform_args;
  const bool events = streams_events(o.command);
  const bool text = !events && o.command != "validate";  // validate: one JSON document
  options.on_change = [&display](const ModuleReport& m) { display.changed(m); };
  options.on_event = [&display, &logs](const ModuleEvent& e) {
    display.event(e.module.name, e.event);
    if (!e.event.message.empty()) logs.keep(e.module.name, e.event.message);
  };
  options.on_output = [&display, &logs, text](const ModuleLine& l) {
    logs.write(l.module.name, l.line);
    if (l.from_stderr || text) {
      display.output(l.module.name, l.line);
      logs.keep(l.module.name, l.line);
    }
  };
  return options;
}

GraphRun start(TerraformPool& pool, const ModuleGraph& graph, const tfrun::Options& o,
               GraphRunOptions options) {
  if (o.command != "plan") return pool.run(graph, o.command, std::move(options));
  // plan with -detailed-exitcode: a module with changes counts for exit code 2.
  auto& extra = options.common.extra_args;
  const auto flag = std::find(extra.begin(), extra.end(), "-detailed-exitcode");
  const bool detailed = flag != extra.end();
  if (detailed) extra.erase(flag);
  auto plan = [detailed](const PoolCommand& m, CommonOptions common) {
    return m.plan(with_common_options(PlanOptions{.detailed_exitcode = detailed}, common));
  };
  return pool.run(graph, ModuleCommand(plan), std::move(options));
}

void print_order(const GraphRunReport& report) {
  std::size_t level = 0;
  for (const auto& modules : report.order) {
    std::string line = "level " + std::to_string(++level) + ":";
    for (const auto& m : modules)
      line += " " + m;
    std::cout << line << "\n";
  }
}

int run(const tfrun::Options& o) {
  Interrupts interrupts;
  const ModuleGraph graph = graph_of(o);
  PoolOptions pool_options{.max_workers = o.parallelism};
  pool_options.terraform.timeout = o.timeout;
  pool_options.terraform.stop_policy = o.stop_policy;
  pool_options.plugin_cache_dir = o.plugin_cache;
  TerraformPool pool(pool_options);

  const bool live = o.progress == tfrun::Progress::live ||
                    (o.progress == tfrun::Progress::automatic && ::isatty(STDOUT_FILENO));
  std::vector<ModuleReport> modules;  // for the live view's counters, before the run
  for (const auto& m : graph.modules())
    modules.push_back({.module = m.name, .directory = m.directory});
  std::unique_ptr<tfrun::Display> display;
  if (live) {
    display = std::make_unique<tfrun::LiveView>(STDOUT_FILENO, modules);
  } else {
    display = std::make_unique<tfrun::LineDisplay>(STDOUT_FILENO);
  }
  tfrun::ModuleLogs logs(o.log_dir);

  GraphRun graph_run = start(pool, graph, o, run_options(o, *display, logs));
  interrupts.watch(graph_run, *display, o.stop_policy.escalation);
  std::atomic<bool> over{false};
  std::thread ticker;
  if (live) {
    ticker = std::thread([&] {
      while (!over) {
        display->tick();
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
      }
    });
  }
  const GraphRunReport report = graph_run.get();
  interrupts.stop();
  over = true;
  if (ticker.joinable()) ticker.join();
  display->close();

  if (report.dry_run) print_order(report);
  for (const auto& m : report.modules) {
    if (m.result != ModuleResult::failed) continue;
    std::cout << "\n--- " << m.module << ": failed; its output ---\n" << logs.kept(m.module);
  }
  std::cout << "\n" << tfrun::summary_table(report);
  const auto json = tfrun::report_json(report, o.command);
  if (!o.report.empty()) std::ofstream(o.report) << json.dump(2) << "\n";
  if (!o.html.empty()) std::ofstream(o.html) << tfrun::html_report(json);
  std::cout << "exit code " << report.exit_code << "\n";
  return report.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = tfrun::parse(argc, argv);
  if (!parsed.options) {
    std::fputs(parsed.message.c_str(), parsed.exit_code == 0 ? stdout : stderr);
    return parsed.exit_code == 0 ? 0 : 64;  // EX_USAGE
  }
  try {
    return run(*parsed.options);
  } catch (const std::exception& e) {
    std::cerr << "tfrun: " << e.what() << "\n";
    return 1;
  }
}
