#include "options.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <sstream>
#include <string_view>

namespace tfrun {

std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
  long long value = 0;
  const char* end = text.data() + text.size();
  auto [rest, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || rest == text.data() || value < 0) return std::nullopt;
  const std::string unit(rest, end);
  using namespace std::chrono;
  if (unit.empty() || unit == "s") return seconds(value);
  if (unit == "ms") return milliseconds(value);
  if (unit == "m") return minutes(value);
  if (unit == "h") return hours(value);
  return std::nullopt;
}

namespace {

// A --worker value as argv: split at whitespace, as a shell would split a plain command,
// without a shell's quoting or expansion.
std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string word; in >> word;)
    words.push_back(word);
  return words;
}

// The launchers of --worker (one worker each; the same argv again adds one) and
// --slurm, with the worker program and path map of every one.
std::vector<libterraform::WorkerLauncher> launchers_of(
    const std::vector<std::string>& workers, unsigned slurm, const std::string& worker_program,
    const std::vector<std::pair<std::filesystem::path, std::filesystem::path>>& path_map) {
  std::vector<libterraform::WorkerLauncher> launchers;
  auto add = [&](std::vector<std::string> argv, unsigned count) {
    for (auto& launcher : launchers) {
      if (launcher.argv == argv) {
        launcher.workers += count;
        return;
      }
    }
    libterraform::WorkerLauncher& launcher = launchers.emplace_back();
    launcher.argv = std::move(argv);
    launcher.workers = count;
    if (!worker_program.empty()) launcher.worker_program = worker_program;
    launcher.path_map = path_map;
  };
  for (const auto& worker : workers)
    add(split_words(worker), 1);
  if (slurm > 0) add(libterraform::slurm_launcher().argv, slurm);
  return launchers;
}

}  // namespace

Parsed parse(int argc, const char* const* argv) {
  Options o;
  CLI::App app{
      "Runs one terraform command across a tree of modules, in dependency order, in "
      "parallel.\nModules: every directory under --root holding *.tf files; a module runs "
      "after those its tfrun.deps file lists and those whose local terraform_remote_state "
      "it reads.",
      "tfrun"};
  app.footer("Usage: tfrun [flags] COMMAND [-- terraform arguments]");
  app.add_option("command", o.command,
                 "A command: init, validate, plan, apply, destroy, refresh, ...");
  app.add_option("-C,--root", o.root, "The module tree (default: the current directory)");
  app.add_option("--module", o.modules, "Run these module directories instead (repeatable)")
      ->allow_extra_args(false);
  app.add_option("-p,--parallelism", o.parallelism,
                 "How many terraform commands run at once on this host (default: the core "
                 "count; none beside --worker or --slurm)");
  app.add_option("--include", o.include, "Only modules whose name matches this glob")
      ->allow_extra_args(false);
  app.add_option("--exclude", o.exclude, "Leave out modules whose name matches this glob")
      ->allow_extra_args(false);
  app.add_flag("--include-dependencies", o.include_dependencies,
               "Add every module the selected ones depend on (transitively)");
  app.add_flag("--include-dependents", o.include_dependents,
               "Add every module that depends on the selected ones (transitively)");
  app.add_option("--changed-since", o.changed_since,
                 "Only modules with a file changed since this git revision (committed, "
                 "staged, unstaged or untracked), and their dependents");
  app.add_option("--retry", o.retry,
                 "Only the modules that did not succeed in this --report of an earlier run "
                 "of the same command and tree");
  app.add_flag("--fail-fast", o.fail_fast, "After a failure, start no more modules");
  app.add_flag("--ignore-errors", o.ignore_errors, "Run a failed module's dependents anyway");
  app.add_flag("--dry-run", o.dry_run, "Print the order and run nothing");
  app.add_option("--report", o.report, "Write a JSON report of the run to this file");
  app.add_option("--html", o.html, "Write a page with the run's timeline to this file");
  app.add_option("--log-dir", o.log_dir, "Write each module's full output to DIR/NAME.log");
  std::vector<std::string> workers;
  unsigned slurm = 0;
  std::string worker_program;
  std::vector<std::string> path_maps;
  app.add_option("--worker", workers,
                 "Run one worker through this launcher, e.g. 'ssh -T host1': words split at "
                 "spaces, no shell; repeat for more (docs/remote-workers.md)")
      ->allow_extra_args(false);
  app.add_option("--slurm", slurm, "Run N workers as Slurm job steps (srun -u -X --quiet -N1 -n1)");
  app.add_option("--worker-program", worker_program,
                 "The worker program on the workers' hosts (default: libterraform-worker)");
  app.add_option("--path-map", path_maps,
                 "LOCAL=REMOTE: the module tree is at REMOTE on the workers' hosts (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--plugin-cache", o.plugin_cache,
                 "Share one provider cache between the inits, safely (docs/plugin-cache.md)");
  std::string timeout;
  std::string stop_grace;
  std::string escalation = "interrupt";
  std::string progress = "auto";
  std::string heartbeat;
  app.add_option("--timeout", timeout, "Interrupt a module's terraform after this long (10m)");
  app.add_option("--stop-escalation", escalation,
                 "What a second Ctrl-C sends to a terraform still stopping: interrupt (a "
                 "second SIGINT, as on a terminal; the default), terminate, kill or none")
      ->check(CLI::IsMember({"interrupt", "terminate", "kill", "none"}));
  app.add_option("--stop-grace", stop_grace,
                 "Escalate by itself this long after the interrupt (default: only on a "
                 "second Ctrl-C)");
  app.add_option("--progress", progress, "auto, live (a terminal view) or lines")
      ->check(CLI::IsMember({"auto", "live", "lines"}));
  app.add_option("--heartbeat", heartbeat,
                 "Off a terminal, after this long with nothing printed, print which modules "
                 "run (default 30s; 0 for never)");
  app.add_option("--binary", o.binary,
                 "The terraform or OpenTofu binary (default: $TFRUN_BINARY, else terraform "
                 "on PATH, else tofu)");
  app.add_flag("-y,--yes", o.yes,
               "Go ahead with a command that changes state (apply, destroy, refresh) without "
               "asking; needed off a terminal");
  app.add_flag("--version", o.version,
               "Print the versions of tfrun, the library and the terraform it would run");
  app.add_flag("--report-schema", o.report_schema,
               "Print the JSON Schema of the --report file and exit");
  app.add_flag("--commands", o.commands,
               "Print the commands tfrun runs across a tree, one per line, and exit");
  // Everything after `--` goes to terraform as it is.
  int own = 1;
  while (own < argc && std::string_view(argv[own]) != "--")
    ++own;
  for (int i = own + 1; i < argc; ++i)
    o.terraform_args.emplace_back(argv[i]);
  try {
    app.parse(own, argv);
  } catch (const CLI::ParseError& e) {
    std::ostringstream out;
    std::ostringstream err;
    if (app.exit(e, out, err) == 0) return {std::nullopt, 0, out.str()};  // --help
    return {std::nullopt, kUsage, "tfrun: " + err.str()};
  }
  auto usage = [](const std::string& message) {
    return Parsed{std::nullopt, kUsage, "tfrun: " + message + "\n"};
  };
  auto bad_duration = [&](const std::string& flag, const std::string& text) {
    return usage(flag + ": not a duration: " + text);
  };
  if (o.command.empty() && !o.version && !o.report_schema && !o.commands) {
    return usage("no command given (tfrun --help shows how)");
  }
  if (!timeout.empty()) {
    o.timeout = parse_duration(timeout);
    if (!o.timeout) return bad_duration("--timeout", timeout);
  }
  if (!heartbeat.empty()) {
    const auto every = parse_duration(heartbeat);
    if (!every) return bad_duration("--heartbeat", heartbeat);
    o.heartbeat = *every;
  }
  if (!stop_grace.empty()) {
    auto grace = parse_duration(stop_grace);
    if (!grace) return bad_duration("--stop-grace", stop_grace);
    o.stop_policy.grace_period = *grace;
  }
  using libterraform::Escalation;
  o.stop_policy.escalation = escalation == "terminate" ? Escalation::terminate
                             : escalation == "kill"    ? Escalation::kill
                             : escalation == "none"    ? Escalation::none
                                                       : Escalation::interrupt_again;
  o.progress = progress == "live"    ? Progress::live
               : progress == "lines" ? Progress::lines
                                     : Progress::automatic;
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> path_map;
  for (const auto& entry : path_maps) {
    const auto equals = entry.find('=');
    const std::filesystem::path local = entry.substr(0, equals);
    const std::filesystem::path remote =
        equals == std::string::npos ? "" : entry.substr(equals + 1);
    if (!local.is_absolute() || !remote.is_absolute()) {
      return usage("--path-map: not LOCAL=REMOTE with absolute paths: " + entry);
    }
    path_map.emplace_back(local, remote);
  }
  for (const auto& worker : workers) {
    if (split_words(worker).empty()) return usage("--worker: an empty launcher");
  }
  o.launchers = launchers_of(workers, slurm, worker_program, path_map);
  if (o.launchers.empty() && (!worker_program.empty() || !path_map.empty())) {
    return usage("--worker-program and --path-map need --worker or --slurm");
  }
  if (o.fail_fast && o.ignore_errors) {
    return usage("--fail-fast and --ignore-errors exclude each other");
  }
  return {std::move(o), 0, ""};
}

}  // namespace tfrun
