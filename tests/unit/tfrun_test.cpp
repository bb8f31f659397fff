// tfrun's pure parts: the command line, the live view's block, progress from events,
// the summary table and the JSON report.

#include "display.hpp"
#include "guard.hpp"
#include "module_logs.hpp"
#include "options.hpp"
#include "progress.hpp"
#include "report.hpp"
#include "retry.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <sstream>

namespace tfrun {
namespace {

using namespace std::chrono_literals;
using libterraform::ModuleReport;
using libterraform::ModuleResult;

Parsed parse_args(std::vector<const char*> args) {
  args.insert(args.begin(), "tfrun");
  return parse(static_cast<int>(args.size()), args.data());
}

TEST(TfrunOptions, Defaults) {
  auto parsed = parse_args({"plan"});
  ASSERT_TRUE(parsed.options);
  const Options& o = *parsed.options;
  EXPECT_EQ(o.command, "plan");
  EXPECT_TRUE(o.terraform_args.empty());
  EXPECT_EQ(o.root, ".");
  EXPECT_EQ(o.parallelism, 0u);
  EXPECT_FALSE(o.fail_fast || o.ignore_errors || o.dry_run);
  EXPECT_FALSE(o.timeout);
  EXPECT_TRUE(o.plugin_cache.empty());
  EXPECT_EQ(o.progress, Progress::automatic);
  // A second Ctrl-C sends a second SIGINT; nothing escalates by itself.
  EXPECT_EQ(o.stop_policy.escalation, libterraform::Escalation::interrupt_again);
  EXPECT_EQ(o.stop_policy.grace_period, std::chrono::milliseconds::max());
  EXPECT_FALSE(o.yes || o.version || o.report_schema);
  EXPECT_FALSE(o.include_dependencies || o.include_dependents);
  EXPECT_TRUE(o.changed_since.empty() && o.retry.empty() && o.binary.empty());
  EXPECT_EQ(o.heartbeat, 30s);
  EXPECT_TRUE(o.launchers.empty());
}

TEST(TfrunOptions, EverythingSet) {
  auto parsed = parse_args({"-C",
                            "infra",
                            "--parallelism",
                            "3",
                            "--include",
                            "net*",
                            "--exclude",
                            "legacy/*",
                            "--fail-fast",
                            "--dry-run",
                            "--report",
                            "r.json",
                            "--log-dir",
                            "logs",
                            "--timeout",
                            "10m",
                            "--progress",
                            "lines",
                            "--module",
                            "a",
                            "--module",
                            "b",
                            "--plugin-cache",
                            "cache",
                            "--stop-escalation",
                            "kill",
                            "--stop-grace",
                            "90s",
                            "--yes",
                            "--include-dependencies",
                            "--include-dependents",
                            "--changed-since",
                            "origin/main",
                            "--retry",
                            "last.json",
                            "--heartbeat",
                            "2m",
                            "--binary",
                            "/opt/tofu",
                            "--worker",
                            "ssh -T  host1",
                            "--worker",
                            "ssh -T host2",
                            "--worker",
                            "ssh -T host1",
                            "--slurm",
                            "4",
                            "--worker-program",
                            "/opt/lt/bin/libterraform-worker",
                            "--path-map",
                            "/home/me/infra=/srv/infra",
                            "apply",
                            "--",
                            "-var",
                            "x=1"});
  ASSERT_TRUE(parsed.options) << parsed.message;
  const Options& o = *parsed.options;
  EXPECT_EQ(o.command, "apply");
  EXPECT_EQ(o.terraform_args, (std::vector<std::string>{"-var", "x=1"}));
  EXPECT_EQ(o.root, "infra");
  EXPECT_EQ(o.modules, (std::vector<std::filesystem::path>{"a", "b"}));
  EXPECT_EQ(o.parallelism, 3u);
  EXPECT_EQ(o.include, (std::vector<std::string>{"net*"}));
  EXPECT_EQ(o.exclude, (std::vector<std::string>{"legacy/*"}));
  EXPECT_TRUE(o.fail_fast);
  EXPECT_TRUE(o.dry_run);
  EXPECT_EQ(o.report, "r.json");
  EXPECT_EQ(o.log_dir, "logs");
  EXPECT_EQ(o.plugin_cache, "cache");
  EXPECT_EQ(o.timeout, 10min);
  EXPECT_EQ(o.progress, Progress::lines);
  EXPECT_EQ(o.stop_policy.escalation, libterraform::Escalation::kill);
  EXPECT_EQ(o.stop_policy.grace_period, 90s);
  EXPECT_TRUE(o.yes);
  EXPECT_TRUE(o.include_dependencies && o.include_dependents);
  EXPECT_EQ(o.changed_since, "origin/main");
  EXPECT_EQ(o.retry, "last.json");
  EXPECT_EQ(o.heartbeat, 2min);
  EXPECT_EQ(o.binary, "/opt/tofu");
  ASSERT_EQ(o.launchers.size(), 3u);
  EXPECT_EQ(o.launchers[0].argv, (std::vector<std::string>{"ssh", "-T", "host1"}));
  EXPECT_EQ(o.launchers[0].workers, 2u);  // named twice
  EXPECT_EQ(o.launchers[1].argv, (std::vector<std::string>{"ssh", "-T", "host2"}));
  EXPECT_EQ(o.launchers[2].argv, libterraform::slurm_launcher().argv);
  EXPECT_EQ(o.launchers[2].workers, 4u);
  for (const auto& launcher : o.launchers) {
    EXPECT_EQ(launcher.worker_program, "/opt/lt/bin/libterraform-worker");
    ASSERT_EQ(launcher.path_map.size(), 1u);
    EXPECT_EQ(launcher.path_map[0].second, "/srv/infra");
  }
  EXPECT_EQ(parse_args({"--heartbeat", "0", "plan"}).options->heartbeat, 0s);
  EXPECT_FALSE(parse_args({"--heartbeat", "often", "plan"}).options);
  EXPECT_TRUE(parse_args({"-y", "destroy"}).options->yes);
  // The flags that need no command.
  EXPECT_TRUE(parse_args({"--version"}).options->version);
  EXPECT_TRUE(parse_args({"--report-schema"}).options->report_schema);
}

TEST(TfrunOptions, BadUsageIsRefusedWithAMessageAndExit64) {
  auto no_command = parse_args({});
  EXPECT_FALSE(no_command.options);
  EXPECT_EQ(no_command.exit_code, 64);
  EXPECT_NE(no_command.message.find("no command"), std::string::npos);
  EXPECT_EQ(parse_args({"--no-such-flag", "plan"}).exit_code, 64);
  EXPECT_EQ(parse_args({"--fail-fast", "--ignore-errors", "plan"}).exit_code, 64);
  auto bad_timeout = parse_args({"--timeout", "soon", "plan"});
  EXPECT_FALSE(bad_timeout.options);
  EXPECT_EQ(bad_timeout.exit_code, 64);
  EXPECT_NE(bad_timeout.message.find("--timeout"), std::string::npos);
  EXPECT_FALSE(parse_args({"--fail-fast", "--ignore-errors", "plan"}).options);
  EXPECT_FALSE(parse_args({"--progress", "fancy", "plan"}).options);
  EXPECT_FALSE(parse_args({"--stop-escalation", "nuke", "plan"}).options);
  auto bad_grace = parse_args({"--stop-grace", "later", "plan"});
  EXPECT_FALSE(bad_grace.options);
  EXPECT_NE(bad_grace.message.find("--stop-grace"), std::string::npos);
  EXPECT_EQ(parse_args({"--worker", "ssh h", "--path-map", "rel=/srv", "plan"}).exit_code, 64);
  EXPECT_EQ(parse_args({"--worker", "ssh h", "--path-map", "/a", "plan"}).exit_code, 64);
  EXPECT_EQ(parse_args({"--worker", " ", "plan"}).exit_code, 64);
  auto lone_program = parse_args({"--worker-program", "/opt/w", "plan"});
  EXPECT_NE(lone_program.message.find("need --worker or --slurm"), std::string::npos);
  auto help = parse_args({"--help"});
  EXPECT_FALSE(help.options);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.message.find("--fail-fast"), std::string::npos);
}

TEST(TfrunGuard, CommandsThatChangeStateAskThoseOfOneModuleAreRefused) {
  EXPECT_EQ(guard_of("plan").guard, Guard::run);
  EXPECT_EQ(guard_of("init").guard, Guard::run);
  EXPECT_EQ(guard_of("validate").guard, Guard::run);
  EXPECT_EQ(guard_of("state_list").guard, Guard::run);
  for (const char* changes : {"apply", "destroy", "refresh"}) {
    EXPECT_EQ(guard_of(changes).guard, Guard::confirm) << changes;
    EXPECT_EQ(guard_of(changes).method, changes);
  }
  // Refused by name, with a reason, in terraform's spelling too.
  for (const char* one_module :
       {"import", "import_resource", "taint", "untaint", "state_mv", "state_rm", "state_push",
        "state_replace_provider", "force-unlock", "force_unlock", "console"}) {
    const auto guard = guard_of(one_module);
    EXPECT_EQ(guard.guard, Guard::refuse) << one_module;
    EXPECT_NE(guard.reason.find(one_module), std::string::npos) << guard.reason;
  }
  EXPECT_EQ(guard_of("force-unlock").method, "force_unlock");
  EXPECT_EQ(guard_of("import").method, "import_resource");
  EXPECT_NE(guard_of("console").reason.find("interactive"), std::string::npos);
  // Commands that need positional arguments: tfrun has none to give.
  const auto workspace = guard_of("workspace_new");
  EXPECT_EQ(workspace.guard, Guard::refuse);
  EXPECT_NE(workspace.reason.find("positional argument"), std::string::npos) << workspace.reason;
  const auto unknown = guard_of("frobnicate");
  EXPECT_EQ(unknown.guard, Guard::unknown);
  EXPECT_NE(unknown.reason.find("unknown command \"frobnicate\""), std::string::npos);
}

TEST(TfrunGuard, TheCommandsToCompleteAreThoseItRuns) {
  const auto commands = runnable_commands();
  auto has = [&](const char* command) {
    return std::find(commands.begin(), commands.end(), command) != commands.end();
  };
  for (const char* runs : {"init", "validate", "plan", "apply", "destroy", "state_list"})
    EXPECT_TRUE(has(runs)) << runs;
  for (const char* refused : {"import_resource", "state_mv", "console", "workspace_new"})
    EXPECT_FALSE(has(refused)) << refused;
  for (const auto& command : commands)
    EXPECT_TRUE(guard_of(command).guard == Guard::run || guard_of(command).guard == Guard::confirm)
        << command;
}

TEST(TfrunGuard, OnlyYesGoesAhead) {
  auto answer = [](const std::string& typed) {
    std::istringstream in(typed);
    std::ostringstream out;
    const bool yes = confirmed(in, out, "Apply?");
    EXPECT_EQ(out.str().rfind("Apply? [y/N] ", 0), 0u) << out.str();
    return yes;
  };
  EXPECT_TRUE(answer("y\n"));
  EXPECT_TRUE(answer("yes\n"));
  EXPECT_TRUE(answer("  YES \r\n"));
  EXPECT_FALSE(answer("\n"));  // the default is no
  EXPECT_FALSE(answer("n\n"));
  EXPECT_FALSE(answer("yep\n"));
  EXPECT_FALSE(answer(""));  // end of input
}

TEST(TfrunOptions, Durations) {
  EXPECT_EQ(parse_duration("90"), 90s);
  EXPECT_EQ(parse_duration("90s"), 90s);
  EXPECT_EQ(parse_duration("250ms"), 250ms);
  EXPECT_EQ(parse_duration("2h"), 2h);
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration("5 minutes"));
  EXPECT_FALSE(parse_duration(""));
}

libterraform::Event event_of(const char* json) {
  return libterraform::to_event(nlohmann::json::parse(json));
}

TEST(TfrunProgress, FollowsPlanThenApplyEvents) {
  ModuleProgress p;
  p.on_event(event_of(
      R"({"type":"planned_change","change":{"resource":{"addr":"terraform_data.a"},"action":"create"}})"));
  EXPECT_EQ(p.phase, "planning");
  EXPECT_EQ(p.add, 1);
  p.on_event(event_of(
      R"({"type":"apply_start","hook":{"resource":{"addr":"terraform_data.a"},"action":"create"}})"));
  EXPECT_EQ(p.phase, "applying");
  EXPECT_EQ(p.resource, "terraform_data.a");
  p.on_event(event_of(
      R"({"type":"provision_start","hook":{"resource":{"addr":"terraform_data.a"},"provisioner":"local-exec"}})"));
  EXPECT_EQ(p.phase, "provisioning");
  p.on_event(event_of(
      R"({"type":"apply_complete","hook":{"resource":{"addr":"terraform_data.a"},"action":"create"}})"));
  EXPECT_EQ(p.add, 1);  // now what is done, not what is planned
  p.on_event(event_of(
      R"({"type":"change_summary","changes":{"add":1,"change":0,"remove":0,"operation":"apply"}})"));
  EXPECT_EQ(p.phase, "done");
  EXPECT_EQ(change_counts(p.add, p.change, p.destroy), "+1 ~0 -0");
}

TEST(TfrunLiveView, OneLinePerRunningModuleAndACounterLineCutToWidth) {
  ModuleProgress p;
  p.phase = "provisioning";
  p.resource = "terraform_data.slow";
  auto lines = live_block({{"network", p, 2500ms}, {"db", {}, 100ms}},
                          {.done = 3, .failed = 1, .running = 2, .queued = 4, .waiting = 5}, 200);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "  network  provisioning 2.5s    +0 ~0 -0  terraform_data.slow");
  EXPECT_EQ(lines[1], "  db       starting     0.1s    +0 ~0 -0");
  EXPECT_EQ(lines[2], "done 3  failed 1  skipped 0  cancelled 0  running 2  queued 4  waiting 5");
  for (const auto& line : live_block({{"network", p, 2500ms}}, {}, 20))
    EXPECT_LE(line.size(), 20u);
}

TEST(TfrunLines, EveryLineOfAMessageKeepsItsPrefixAndEmptyOnesAreDropped) {
  EXPECT_EQ(prefixed_lines("net", "started"), "[net] started\n");
  // terraform's log event after a Ctrl-C.
  EXPECT_EQ(prefixed_lines("net",
                           "\nInterrupt received.\nPlease wait for Terraform to exit or "
                           "data loss may occur.\nGracefully shutting down...\n"),
            "[net] Interrupt received.\n"
            "[net] Please wait for Terraform to exit or data loss may occur.\n"
            "[net] Gracefully shutting down...\n");
  EXPECT_EQ(prefixed_lines("a/b", "one\r\n  \n\ttwo"), "[a/b] one\n[a/b] \ttwo\n");
  EXPECT_EQ(prefixed_lines("net", ""), "");
  EXPECT_EQ(prefixed_lines("net", "\n\n"), "");
}

TEST(TfrunLiveView, LinesAreCutByColumnsNeverInsideACharacter) {
  auto lines = live_block({{"réseau", {}, 1s}}, {}, 5);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "  rés");
  EXPECT_EQ(columns_of(lines[0]), 5u);
  EXPECT_EQ(columns_of("ü~é"), 3u);
}

TEST(TfrunLiveView, RowsOfTheBlockFollowATerminalMadeNarrower) {
  const std::vector<std::size_t> widths = {10, 39, 0};
  EXPECT_EQ(rows_on_screen(widths, 40), 3u);   // as drawn: one row each
  EXPECT_EQ(rows_on_screen(widths, 120), 3u);  // wider: still one each
  EXPECT_EQ(rows_on_screen(widths, 25), 4u);   // the 39 columns now take two rows
  EXPECT_EQ(rows_on_screen(widths, 5), 11u);
  EXPECT_EQ(rows_on_screen({}, 80), 0u);
}

libterraform::GraphRunReport sample_report() {
  using Clock = std::chrono::system_clock;
  const Clock::time_point t0{std::chrono::seconds(1'800'000'000)};
  libterraform::GraphRunReport r;
  r.started = t0;
  r.ended = t0 + 5s;
  r.exit_code = 1;
  r.order = {{"network"}, {"app"}};
  ModuleReport network{.module = "network", .directory = "/t/network"};
  network.result = ModuleResult::failed;
  network.reason = "Unsupported argument";
  network.submitted = t0;
  network.started = t0 + 250ms;
  network.ended = t0 + 1750ms;
  network.exit_code = 1;
  network.error = make_error_code(libterraform::errc::command_failed);
  libterraform::Diagnostic unsupported;
  unsupported.severity = "error";
  unsupported.summary = "Unsupported argument";
  network.diagnostics = {unsupported};
  ModuleReport app{.module = "app", .directory = "/t/app"};
  app.result = ModuleResult::skipped;
  app.reason = "dependency network failed";
  app.cause = "network";
  app.stopped_by = libterraform::StoppedBy::dependency_failed;
  r.modules = {network, app};
  return r;
}

const RunRequest kPlanRequest{.command = "plan", .arguments = {"-var", "x=1"}, .root = "/t"};

TEST(TfrunReport, SummaryTableAlignsItsColumns) {
  EXPECT_EQ(summary_table(sample_report()),
            "MODULE   RESULT   DURATION  CHANGES  REASON\n"
            "network  failed   1.5s      -        Unsupported argument\n"
            "app      skipped  -         -        dependency network failed\n");
}

TEST(TfrunReport, JsonFollowsTheDocumentedSchema) {
  const auto j = report_json(sample_report(), kPlanRequest);
  EXPECT_EQ(j["schema_version"], 3);
  EXPECT_EQ(j["command"], "plan");
  EXPECT_EQ(j["arguments"], nlohmann::json::parse(R"(["-var", "x=1"])"));
  EXPECT_EQ(j["root"], "/t");
  EXPECT_EQ(j["started"], "2027-01-15T08:00:00.000Z");
  EXPECT_EQ(j["exit_code"], 1);
  EXPECT_EQ(j["order"], nlohmann::json::parse(R"([["network"],["app"]])"));
  const auto& network = j["modules"][0];
  EXPECT_EQ(network["name"], "network");
  EXPECT_EQ(network["result"], "failed");
  EXPECT_EQ(network["submitted"], "2027-01-15T08:00:00.000Z");
  EXPECT_EQ(network["started"], "2027-01-15T08:00:00.250Z");
  EXPECT_EQ(network["queued_ms"], 250);     // waiting for a worker
  EXPECT_EQ(network["duration_ms"], 1500);  // terraform's own
  EXPECT_EQ(network["exit_code"], 1);
  EXPECT_EQ(network["error_code"], "command_failed");
  EXPECT_EQ(network["stopped_by"], nullptr);
  EXPECT_EQ(network["cause"], nullptr);
  EXPECT_EQ(network["diagnostics"][0]["summary"], "Unsupported argument");
  const auto& app = j["modules"][1];
  EXPECT_EQ(app["result"], "skipped");
  EXPECT_EQ(app["cause"], "network");
  EXPECT_EQ(app["stopped_by"], "dependency_failed");
  EXPECT_EQ(app["error_code"], nullptr);
  for (const char* never : {"submitted", "started", "ended", "queued_ms", "duration_ms"})
    EXPECT_EQ(app[never], nullptr) << never;
  EXPECT_EQ(app["changes"], nullptr);
  // Another category's code: its name and value.
  auto r = sample_report();
  r.modules[0].error = make_error_code(boost::system::errc::too_many_files_open);
  EXPECT_EQ(report_json(r, kPlanRequest)["modules"][0]["error_code"], "generic:24");
}

TEST(TfrunReport, NamesThatAreNotUtf8AreWrittenWithEscapes) {
  EXPECT_EQ(utf8_text("réseau/ü"), "réseau/ü");                  // valid UTF-8 as it is
  EXPECT_EQ(utf8_text("caf\xe9"), "caf\\xE9");                   // Latin-1
  EXPECT_EQ(utf8_text("\xc3"), "\\xC3");                         // cut short
  EXPECT_EQ(utf8_text("\xc0\xaf"), "\\xC0\\xAF");                // an overlong '/'
  EXPECT_EQ(utf8_text("\xed\xa0\x80"), "\\xED\\xA0\\x80");       // a surrogate
  EXPECT_EQ(utf8_text("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");  // U+1F600
  auto r = sample_report();
  r.modules[0].module = "bad\xff";
  r.order = {{"bad\xff"}};
  const auto j = report_json(r, kPlanRequest);
  EXPECT_EQ(j["modules"][0]["name"], "bad\\xFF");
  EXPECT_EQ(j["order"][0][0], "bad\\xFF");
  EXPECT_NO_THROW(j.dump());
}

TEST(TfrunRetry, AReportOfTheSameTreeAndCommandGivesItsModulesAndArguments) {
  const auto j = report_json(sample_report(), kPlanRequest);
  const auto source = retry_source(j, "/t", "plan");
  EXPECT_EQ(source.arguments, (std::vector<std::string>{"-var", "x=1"}));
  ASSERT_EQ(source.previous.modules.size(), 2u);
  EXPECT_EQ(source.previous.modules[0].module, "network");
  EXPECT_EQ(source.previous.modules[0].result, ModuleResult::failed);
  EXPECT_EQ(source.previous.modules[1].result, ModuleResult::skipped);
}

TEST(TfrunRetry, AnotherTreeCommandOrADryRunIsRefusedSayingWhy) {
  const auto j = report_json(sample_report(), kPlanRequest);
  auto refusal = [](const nlohmann::json& report, const std::string& root,
                    const std::string& command) -> std::string {
    try {
      retry_source(report, root, command);
      return "";
    } catch (const RetryRefused& e) {
      return e.what();
    }
  };
  EXPECT_EQ(refusal(j, "/elsewhere", "plan"), "it is a run over /t, not /elsewhere");
  EXPECT_EQ(refusal(j, "/t", "apply"), "it is a run of plan, not apply");
  auto dry = j;
  dry["dry_run"] = true;
  EXPECT_EQ(refusal(dry, "/t", "plan"), "it is a dry run's: nothing ran");
  auto old = j;
  old["schema_version"] = 2;
  old.erase("root");
  EXPECT_NE(refusal(old, "/t", "plan").find("does not record its tree"), std::string::npos);
  EXPECT_NE(refusal(nlohmann::json::array(), "/t", "plan").find("not a tfrun report"),
            std::string::npos);
  auto odd = j;
  odd["modules"][0]["result"] = "great";
  EXPECT_NE(refusal(odd, "/t", "plan").find("\"great\""), std::string::npos);
  EXPECT_THROW(read_retry_source("/nonexistent/r.json", "/t", "plan"), RetryRefused);
}

TEST(TfrunLines, TheHeartbeatNamesTheRunningModulesAndHowLongEachRan) {
  EXPECT_EQ(heartbeat_line(30s, {{"apps/web", 95s}, {"dns", 31s}}),
            "tfrun: nothing printed for 30s; running: apps/web (1m35s), dns (31s)");
  EXPECT_EQ(heartbeat_line(62s, {{"db", 3605s}}),
            "tfrun: nothing printed for 1m02s; running: db (60m05s)");
}

TEST(TfrunLogs, EveryModuleHasALogFileOfItsOwn) {
  EXPECT_EQ(log_file_name("network"), "network.log");
  EXPECT_EQ(log_file_name("apps/web"), "apps%2Fweb.log");
  EXPECT_EQ(log_file_name("apps__web"), "apps__web.log");
  EXPECT_EQ(log_file_name("."), "%2E.log");
  EXPECT_EQ(log_file_name("root"), "root.log");
  EXPECT_EQ(log_file_name("%2E"), "%252E.log");
  EXPECT_EQ(log_file_name("a b\xff"), "a%20b%FF.log");
  const std::string deep(400, 'd');
  const auto cut = log_file_name(deep + "/x");
  EXPECT_LE(cut.size(), 255u);
  EXPECT_NE(cut, log_file_name(deep + "/y"));
  EXPECT_EQ(cut, log_file_name(deep + "/x"));  // stable
}

TEST(TfrunLogs, TheReplayKeepsABoundedTail) {
  ModuleLogs logs({});
  const std::string line(1000, 'x');
  for (int i = 0; i < 1000; ++i)
    logs.keep("m", line + std::to_string(i));
  const auto kept = logs.kept("m");
  EXPECT_LE(kept.size(), ModuleLogs::kTailBytes + 200);
  EXPECT_EQ(kept.rfind("(", 0), 0u) << kept.substr(0, 100);  // says how much was left out
  EXPECT_NE(kept.find("earlier lines left out"), std::string::npos);
  EXPECT_NE(kept.find(line + "999\n"), std::string::npos);  // the last line is there
  logs.ended("m", false);
  EXPECT_EQ(logs.kept("m"), "");  // a module that did not fail: nothing kept
}

}  // namespace
}  // namespace tfrun
