// tfrun: one terraform command across a tree of modules, in dependency order, in
// parallel, with live progress, a summary and a combined exit code. Built only on the
// library's public API. See docs/tfrun.md.

#include "display.hpp"
#include "guard.hpp"
#include "html_report.hpp"
#include "interrupts.hpp"
#include "module_logs.hpp"
#include "options.hpp"
#include "outputs.hpp"
#include "report.hpp"
#include "retry.hpp"

#include <libterraform/commands.hpp>
#include <libterraform/graph_run.hpp>
#include <libterraform/module_graph.hpp>
#include <libterraform/terraform_command.hpp>
#include <libterraform/terraform_pool.hpp>
#include <libterraform/version.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <thread>

namespace {

using namespace libterraform;

ModuleGraph graph_of(const tfrun::Options& o) {
  if (o.modules.empty()) return ModuleGraph::discover(o.root);
  return ModuleGraph::of_directories(o.modules);
}

// Refused before anything runs: exit 64 with the message.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The run's selection and order, without its callbacks: what --dry-run and the
// question before a change print. Throws UsageError for a selection that cannot be.
GraphRunOptions selection(const tfrun::Options& o, const std::string& method,
                          const ModuleGraph& graph, const tfrun::RetrySource* retry) {
  GraphRunOptions options{.reverse = method == "destroy",
                          .fail_fast = o.fail_fast,
                          .ignore_errors = o.ignore_errors,
                          .include = o.include,
                          .exclude = o.exclude,
                          .dry_run = o.dry_run};
  options.include_dependencies = o.include_dependencies;
  options.include_dependents = o.include_dependents;
  if (!o.changed_since.empty()) {
    try {  // the modules a change touches, and (as a change reaches them too) dependents
      options.modules = graph.changed_since(o.changed_since, o.modules.empty() ? o.root : ".");
      options.include_dependents = true;
    } catch (const Error& e) {
      if (e.code() != errc::git_failed) throw;
      throw UsageError(std::string("--changed-since: ") + e.what());
    }
  }
  if (retry) options.left_out = retry_left_out(graph, retry->previous);
  try {
    run_order(graph, options);
  } catch (const Error& e) {
    if (e.code() != errc::unknown_module) throw;
    throw UsageError(std::string("--include: ") + e.what());  // a selection of nothing
  }
  if (method == "destroy") {
    const auto stranded = unselected_dependents(graph, options);
    if (!stranded.empty()) {
      std::string names;
      for (const auto& name : stranded)
        names += (names.empty() ? "" : ", ") + name;
      throw UsageError(
          "destroy: these modules depend on ones it would destroy and are not "
          "selected, so they would be left reading a destroyed state: " +
          names + ". Select them too (--include-dependents), or destroy them first.");
    }
  }
  return options;
}

GraphRunOptions run_options(GraphRunOptions options, const std::vector<std::string>& arguments,
                            const std::string& method, tfrun::Display& display,
                            tfrun::ModuleLogs& logs) {
  options.common.extra_args = arguments;
  // What terraform prints goes to the display and the logs as it comes; keeping it all
  // in each module's result too would grow without bound (docs/tfrun.md, "Memory").
  options.common.keep_output = false;
  // Commands without events show their text output; validate's is one JSON document.
  const auto output = find_command(method)->output;
  const bool text = output == CommandOutput::text;
  options.on_change = [&display, &logs](const ModuleReport& m) {
    display.changed(m);
    const bool over = m.result != ModuleResult::pending && m.result != ModuleResult::queued &&
                      m.result != ModuleResult::running;
    if (over) logs.ended(m.module, m.result == ModuleResult::failed);  // its replay, if failed
  };
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

void print_order(std::ostream& out, const std::vector<std::vector<std::string>>& order) {
  std::size_t level = 0;
  for (const auto& modules : order) {
    std::string line = "level " + std::to_string(++level) + ":";
    for (const auto& m : modules)
      line += " " + m;
    out << line << "\n";
  }
}

// On a terminal, before a command that changes state: the order, then a question.
bool confirmed(const ModuleGraph& graph, const GraphRunOptions& chosen, const std::string& method) {
  const auto order = run_order(graph, chosen);
  std::size_t modules = 0;
  for (const auto& level : order)
    modules += level.size();
  if (modules == 0) return true;  // nothing would run: nothing to ask
  std::cerr << "tfrun: " << method << " changes state; it would run in " << modules
            << " module(s), in this order:\n";
  print_order(std::cerr, order);
  return tfrun::confirmed(
      std::cin, std::cerr,
      "Run terraform " + method + " in these " + std::to_string(modules) + " module(s)?");
}

// --binary, else $TFRUN_BINARY, else terraform on PATH, else tofu on PATH (else
// "terraform", for the error to name). PATH is searched by the library, as it runs it.
std::string binary_of(const tfrun::Options& o) {
  if (!o.binary.empty()) return o.binary;
  if (const char* chosen = std::getenv("TFRUN_BINARY"); chosen && *chosen) return chosen;
  for (const char* name : {"terraform", "tofu"}) {
    TerraformOptions options;
    options.terraform = name;
    try {
      // A command resolves its binary when constructed: binary_not_found if none.
      [[maybe_unused]] const TerraformCommand probe(".", options);
      return name;
    } catch (const Error& e) {
      if (e.code() != errc::binary_not_found) throw;
    }
  }
  return "terraform";
}

int run(const tfrun::Options& o, const std::string& method, bool ask, tfrun::ModuleLogs& logs) {
  const ModuleGraph graph = graph_of(o);
  const std::string root = std::filesystem::weakly_canonical(o.root).string();
  std::optional<tfrun::RetrySource> retry;
  GraphRunOptions chosen;
  try {
    if (!o.retry.empty()) retry = tfrun::read_retry_source(o.retry, root, method);
    chosen = selection(o, method, graph, retry ? &*retry : nullptr);
  } catch (const tfrun::RetryRefused& e) {
    std::cerr << "tfrun: --retry " << o.retry.string() << ": " << e.what() << "\n";
    return tfrun::kUsage;
  } catch (const UsageError& e) {
    std::cerr << "tfrun: " << e.what() << "\n";
    return tfrun::kUsage;
  }
  // A retry runs with the arguments of the run it retries, unless given others.
  const std::vector<std::string> arguments =
      retry && o.terraform_args.empty() ? retry->arguments : o.terraform_args;
  if (selected_modules(graph, chosen).empty()) {
    std::cerr << "tfrun: no module is selected; nothing runs\n";
  }
  if (ask && !confirmed(graph, chosen, method)) {
    std::cerr << "tfrun: not confirmed; nothing ran\n";
    return 1;
  }
  tfrun::Interrupts interrupts;  // before the pool starts its threads
  PoolOptions pool_options{.max_workers = o.parallelism, .launchers = o.launchers};
  pool_options.terraform.timeout = o.timeout;
  pool_options.terraform.stop_policy = o.stop_policy;
  pool_options.plugin_cache_dir = o.plugin_cache;
  pool_options.terraform.terraform = binary_of(o);
  TerraformPool pool(pool_options);

  const bool live = o.progress == tfrun::Progress::live ||
                    (o.progress == tfrun::Progress::automatic && ::isatty(STDOUT_FILENO));
  std::vector<ModuleReport> modules;  // for the live view's counters, before the run
  for (const auto& m : graph.modules())
    modules.push_back({.module = m.name, .directory = m.directory});
  std::unique_ptr<tfrun::Display> display;
  if (live) {
    display = std::make_unique<tfrun::LiveView>(STDOUT_FILENO, STDERR_FILENO, modules);
  } else {
    display = std::make_unique<tfrun::LineDisplay>(STDOUT_FILENO, STDERR_FILENO, o.heartbeat);
  }
  logs.on_failure([&display](const std::string& failure) {
    display->message("tfrun: could not write " + failure + " (that log stops here)");
  });

  // `plan -- -detailed-exitcode`: the library reads the flag among the arguments, and a
  // module with changes counts for exit code 2.
  GraphRun graph_run = run_graph(pool, graph, method,
                                 run_options(std::move(chosen), arguments, method, *display, logs));
  interrupts.watch(graph_run, *display, o.stop_policy.escalation);
  std::atomic<bool> over{false};
  std::thread ticker;  // redraws the live view, or writes the heartbeat
  if (live || o.heartbeat > std::chrono::milliseconds::zero()) {
    ticker = std::thread([&] {
      while (!over) {
        display->tick();
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
      }
    });
  }
  GraphRunReport report = graph_run.get();
  interrupts.stop();
  // Asked to stop, and something was cut short: so the report says, also when that was
  // terraform stopped from outside before tfrun's own interrupt (a service stop).
  const bool cut_short =
      std::any_of(report.modules.begin(), report.modules.end(),
                  [](const ModuleReport& m) { return m.result == ModuleResult::cancelled; });
  report.cancelled = report.cancelled || (interrupts.received() && cut_short);
  over = true;
  if (ticker.joinable()) ticker.join();
  display->close();

  if (report.dry_run) print_order(std::cout, report.order);
  for (const auto& m : report.modules) {
    if (m.result != ModuleResult::failed) continue;
    std::cout << "\n--- " << m.module << ": failed; its output ---\n" << logs.kept(m.module);
  }
  std::cout << "\n" << tfrun::summary_table(report);
  // What tfrun writes counts: a report, page or log that could not be written makes
  // the exit code 1, as a failed module does.
  bool written = logs.failures().empty();
  const auto json =
      tfrun::report_json(report, {.command = method, .arguments = arguments, .root = root});
  auto write = [&written](const char* flag, const std::filesystem::path& path,
                          const std::string& text) {
    if (path.empty()) return;
    if (const auto failure = tfrun::write_whole(path, text); !failure.empty()) {
      std::cerr << "tfrun: " << flag << " " << path.string() << " could not be written: " << failure
                << "\n";
      written = false;
    }
  };
  write("--report", o.report,
        json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  write("--html", o.html, tfrun::html_report(json));
  const int code = written ? report.exit_code : 1;
  std::cout << "exit code " << code << "\n";
  return code;
}

// tfrun's, the library's and the binary's (terraform or tofu), as it would run it.
int print_versions(const tfrun::Options& o) {
  std::cout << "tfrun " << TFRUN_VERSION << "\nlibterraform " << libterraform::version() << "\n";
  try {
    TerraformOptions options;
    options.terraform = binary_of(o);
    const auto result = TerraformCommand(".", options).version({.check = true});
    const bool parsed = result.value && result.value->is_object();
    std::cout << std::filesystem::path(result.argv.front()).filename().string() << " "
              << (parsed ? result.value->value("terraform_version", "(unknown)") : "(unknown)")
              << " (" << result.argv.front() << ")\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "tfrun: terraform cannot be run: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  const auto parsed = tfrun::parse(argc, argv);
  if (!parsed.options) {
    (void)std::fputs(parsed.message.c_str(), parsed.exit_code == 0 ? stdout : stderr);
    return parsed.exit_code;
  }
  const tfrun::Options& o = *parsed.options;
  if (o.report_schema) {
    std::cout << tfrun::report_schema();
    return 0;
  }
  if (o.commands) {
    for (const auto& command : tfrun::runnable_commands())
      std::cout << command << "\n";
    return 0;
  }
  if (o.version) return print_versions(o);
  const tfrun::CommandGuard guard = tfrun::guard_of(o.command);
  if (guard.guard == tfrun::Guard::unknown || guard.guard == tfrun::Guard::refuse) {
    std::cerr << "tfrun: " << guard.reason << "\n";
    return tfrun::kUsage;
  }
  for (const auto& [flag, path] : {std::pair("--report", o.report), std::pair("--html", o.html)}) {
    if (path.empty()) continue;
    if (const auto problem = tfrun::cannot_write(path); !problem.empty()) {
      std::cerr << "tfrun: " << flag << " " << path.string() << " cannot be written: " << problem
                << "\n";
      return tfrun::kUsage;
    }
  }
  const bool ask = guard.guard == tfrun::Guard::confirm && !o.dry_run && !o.yes;
  // The question goes to stderr and the answer comes from stdin: both on a terminal.
  if (ask && !(::isatty(STDIN_FILENO) && ::isatty(STDERR_FILENO))) {
    std::cerr << "tfrun: " << guard.method
              << " changes state in every module it runs in; off a terminal it goes ahead "
                 "only with --yes (-y). Nothing ran.\n";
    return tfrun::kUsage;
  }
  std::optional<tfrun::ModuleLogs> logs;
  try {
    logs.emplace(o.dry_run ? std::filesystem::path() : o.log_dir);  // a dry run writes none
  } catch (const std::exception& e) {
    std::cerr << "tfrun: " << e.what() << "\n";
    return tfrun::kUsage;
  }
  try {
    return run(o, guard.method, ask, *logs);
  } catch (const std::exception& e) {
    std::cerr << "tfrun: " << e.what() << "\n";
    return 1;
  }
}
