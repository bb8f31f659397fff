// The tfrun binary against the real terraform: the line format off a terminal, the
// report, the logs, the replay of a failed module, Ctrl-C, and the live view in tmux.

#include "libterraform/libterraform.hpp"
#include "modules.hpp"
#include "pool/plugin_cache.hpp"
#include "test_support.hpp"
#include "tfrun_fixture.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <nlohmann/json.hpp>

#include <mutex>
#include <regex>
#include <set>
#include <thread>

extern char** environ;

namespace libterraform {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using testing::TempDir;

// Every stdout line up to the first empty one (the run's own part, before the replay
// and the summary): "[module] text", nothing else.
void expect_every_line_prefixed(const std::string& output, const std::string& modules) {
  const auto lines = lines_of(output);
  const std::regex prefixed(R"(^\[()" + modules + R"()\] \S.*)");
  std::size_t i = 0;
  for (; i < lines.size() && !lines[i].empty(); ++i)
    EXPECT_TRUE(std::regex_match(lines[i], prefixed)) << "line " << i << ": " << lines[i];
  EXPECT_GT(i, 3u) << output;
}

// `first` and `second` are both in `output`, `first` before.
void expect_in_order(const std::string& output, const std::string& first,
                     const std::string& second) {
  const auto a = output.find(first), b = output.find(second);
  EXPECT_NE(a, std::string::npos) << first << " is missing:\n" << output;
  EXPECT_NE(b, std::string::npos) << second << " is missing:\n" << output;
  EXPECT_LT(a, b) << first << " is not before " << second << ":\n" << output;
}

TEST_F(TfrunTest, OffATerminalEveryLineIsPrefixedAndTheReportFollowsTheSchema) {
  make_tree();
  add_broken();
  ASSERT_EQ(tfrun("--progress lines init"), 0) << output;  // init does not validate
  const fs::path logs = dir / "logs", report = dir / "report.json";
  EXPECT_EQ(tfrun("--progress lines --yes --log-dir " + logs.string() + " --report " +
                  report.string() + " apply"),
            1)
      << output;

  // The run's own part: whole lines, each "[module] ...", never two in one.
  expect_every_line_prefixed(output, "network|db|app|broken|after_broken");
  EXPECT_EQ(errors, "");  // tfrun had nothing of its own to say
  EXPECT_NE(output.find("[network] started"), std::string::npos);
  EXPECT_NE(output.find("[broken] FAILED    broken"), std::string::npos);
  EXPECT_NE(output.find("[after_broken] skipped   after_broken  dependency broken failed"),
            std::string::npos)
      << output;
  // Then the failed module's output in one block, the summary and the exit code.
  const auto replay = output.find("--- broken: failed; its output ---");
  ASSERT_NE(replay, std::string::npos) << output;
  EXPECT_NE(output.find("Unsupported argument", replay), std::string::npos);
  EXPECT_NE(output.find("MODULE        RESULT"), std::string::npos) << output;
  EXPECT_NE(output.find("exit code 1"), std::string::npos);

  // network ran before db, db before app: their [module] started / ok lines say so.
  expect_in_order(output, "[network] ok", "[db] started");
  expect_in_order(output, "[db] ok", "[app] started");

  EXPECT_EQ(schema_errors(report), "");
  auto j = nlohmann::json::parse(testing::read_file(report));
  EXPECT_EQ(j["schema_version"], 3);
  EXPECT_EQ(j["command"], "apply");
  EXPECT_EQ(j["exit_code"], 1);
  std::map<std::string, nlohmann::json> modules;
  for (const auto& m : j["modules"])
    modules[m["name"]] = m;
  ASSERT_EQ(modules.size(), 5u);
  EXPECT_EQ(modules["network"]["result"], "succeeded");
  EXPECT_EQ(modules["network"]["changes"]["add"], 1);
  EXPECT_EQ(modules["broken"]["result"], "failed");
  EXPECT_EQ(modules["broken"]["error_code"], "command_failed");
  EXPECT_EQ(modules["broken"]["diagnostics"][0]["summary"], "Unsupported argument");
  EXPECT_EQ(modules["after_broken"]["result"], "skipped");
  EXPECT_EQ(modules["after_broken"]["stopped_by"], "dependency_failed");
  EXPECT_EQ(modules["after_broken"]["cause"], "broken");
  EXPECT_EQ(modules["after_broken"]["started"], nullptr);  // it never ran
  EXPECT_EQ(modules["after_broken"]["ended"], nullptr);

  // Each module's whole output in the log directory: terraform's -json lines.
  const auto network_log = testing::read_file(logs / "network.log");
  EXPECT_NE(network_log.find("\"type\":\"change_summary\""), std::string::npos);
  EXPECT_FALSE(fs::exists(logs / "after_broken.log"));  // it never ran
}

// The exit codes: 0 nothing to do or all done, 1 a failure (or a tree that cannot be
// read), 2 changes present, 64 bad usage; tfrun's own messages on stderr.
TEST_F(TfrunTest, ExitCodesTellSuccessFailureChangesAndBadUsageApart) {
  make_tree();
  ASSERT_EQ(tfrun("--progress lines init"), 0) << output;
  ASSERT_EQ(tfrun("--progress lines --yes apply"), 0) << output;
  EXPECT_EQ(tfrun("--progress lines plan -- -detailed-exitcode"), 0) << output;
  testing::write_file(tree / "network/extra.tf", "resource \"terraform_data\" \"more\" {}\n");
  EXPECT_EQ(tfrun("--progress lines plan -- -detailed-exitcode"), 2) << output;
  add_broken();
  EXPECT_EQ(tfrun("--progress lines validate"), 1) << output;

  for (const std::string usage : {"--no-such-flag plan", "", "frobnicate", "import", "state_mv",
                                  "force-unlock", "workspace_new", "--timeout soon plan"}) {
    EXPECT_EQ(tfrun(usage), 64) << usage << "\n" << errors;
    EXPECT_EQ(output, "") << usage;
    EXPECT_EQ(errors.rfind("tfrun: ", 0), 0u) << usage << "\n" << errors;
  }
  EXPECT_EQ(tfrun("frobnicate"), 64);
  EXPECT_NE(errors.find("unknown command \"frobnicate\""), std::string::npos) << errors;
  EXPECT_EQ(tfrun("force-unlock"), 64);
  EXPECT_NE(errors.find("one lock by its ID"), std::string::npos) << errors;
  // A selection of nothing (a typo) is an error, not a quiet success.
  EXPECT_EQ(tfrun("--progress lines --include netwrok plan"), 64);
  EXPECT_NE(errors.find("\"netwrok\" matches no module"), std::string::npos) << errors;
  EXPECT_EQ(output, "");

  testing::write_file(tree / "network/tfrun.deps", "../app\n");
  EXPECT_EQ(tfrun("plan"), 1);
  EXPECT_NE(errors.find("cycle: "), std::string::npos) << errors;
  testing::write_file(tree / "network/tfrun.deps", ".\n");  // itself: a cycle of one
  EXPECT_EQ(tfrun("plan"), 1);
  EXPECT_NE(errors.find("network -> network"), std::string::npos) << errors;
}

TEST_F(TfrunTest, OffATerminalACommandThatChangesStateNeedsYes) {
  make_tree();
  ASSERT_EQ(tfrun("--progress lines init"), 0) << output;
  for (const char* command : {"apply", "destroy", "refresh"}) {
    EXPECT_EQ(tfrun(std::string("--progress lines ") + command), 64) << command;
    EXPECT_NE(errors.find("--yes"), std::string::npos) << errors;
    EXPECT_NE(errors.find("Nothing ran"), std::string::npos) << errors;
  }
  for (const char* module : {"network", "db", "app"})
    EXPECT_FALSE(fs::exists(tree / module / "terraform.tfstate")) << module;
  EXPECT_EQ(tfrun("--progress lines --dry-run apply"), 0) << errors;  // runs nothing: no question
  EXPECT_EQ(tfrun("--progress lines -y apply"), 0) << errors;
  EXPECT_TRUE(testing::state_is_clean(tree / "app"));
}

TEST_F(TfrunTest, VersionNamesTfrunTheLibraryAndTerraform) {
  EXPECT_EQ(tfrun("--version"), 0) << errors;
  EXPECT_TRUE(std::regex_search(output, std::regex(R"(^tfrun \d+\.\d+\.\d+\n)"))) << output;
  EXPECT_TRUE(std::regex_search(output, std::regex(R"(\nlibterraform \d+\.\d+\.\d+\n)"))) << output;
  EXPECT_TRUE(
      std::regex_search(output, std::regex(R"(\nterraform 1\.\d+\.\d+ \(/.*terraform\)\n)")))
      << output;
}

// With its only dependency excluded, a module no longer waits: the order printed is
// the order run, side by side.
TEST_F(TfrunTest, TheDryRunOrderWithExcludesIsTheOrderRun) {
  testing::write_file(tree / "jobs/dep/main.tf", step(2));
  testing::write_file(tree / "jobs/batch/main.tf", step(2));
  testing::write_file(tree / "jobs/batch/tfrun.deps", "../dep\n");
  testing::write_file(tree / "tools/x/main.tf", step(2));
  ASSERT_EQ(tfrun("--progress lines init"), 0) << output;
  ASSERT_EQ(tfrun("--progress lines --dry-run --exclude jobs/dep apply"), 0) << errors;
  EXPECT_NE(output.find("level 1: jobs/batch tools/x\n"), std::string::npos) << output;
  EXPECT_EQ(output.find("level 2"), std::string::npos) << output;

  const fs::path report = dir / "report.json";
  ASSERT_EQ(tfrun("--progress lines -p 2 --yes --exclude jobs/dep --report " + report.string() +
                  " apply"),
            0)
      << output << errors;
  auto j = nlohmann::json::parse(testing::read_file(report));
  EXPECT_EQ(j["order"], nlohmann::json::parse(R"([["jobs/batch", "tools/x"]])"));
  std::map<std::string, nlohmann::json> modules;
  for (const auto& m : j["modules"])
    modules[m["name"]] = m;
  const auto& batch = modules["jobs/batch"];
  const auto& x = modules["tools/x"];
  // ISO 8601 UTC with milliseconds: compared as text, in time order.
  EXPECT_LT(batch["started"].get<std::string>(), x["ended"].get<std::string>());
  EXPECT_LT(x["started"].get<std::string>(), batch["ended"].get<std::string>());
  EXPECT_EQ(modules["jobs/dep"]["result"], "excluded");
}

TEST_F(TfrunTest, InitWithAPluginCacheInstallsTheProviderOnceForTheWholeTree) {
  const fs::path registry = dir / "registry";
  const std::string make =
      std::string(LIBTERRAFORM_FAKE_PROVIDER_MIRROR) + " " + registry.string() + " 1";
  ASSERT_EQ(std::system(make.c_str()), 0);
  environment_ = "TF_CLI_CONFIG_FILE=" + (registry / "cli.tfrc").string() + " CHECKPOINT_DISABLE=1";
  const std::string needs_provider = testing::read_file(registry / "module/main.tf");
  const std::string lock_file = testing::read_file(registry / "module/.terraform.lock.hcl");
  for (const char* name : {"a", "b", "c", "d"}) {
    testing::write_file(tree / name / "main.tf", needs_provider);
    testing::write_file(tree / name / ".terraform.lock.hcl", lock_file);
  }
  const fs::path cache = dir / "cache";
  ASSERT_EQ(tfrun("-p 4 --plugin-cache " + cache.string() + " init -- -input=false"), 0) << output;
  const fs::path package = fs::path("registry.terraform.io/example/fake/1.0.0") /
                           pool::host_platform() / "terraform-provider-fake_v1.0.0";
  EXPECT_EQ(testing::read_file(cache / package),
            testing::read_file(registry / "package/terraform-provider-fake_v1.0.0"));
  int linked = 0;
  for (const char* name : {"a", "b", "c", "d"}) {
    if (fs::is_symlink((tree / name / ".terraform/providers" / package).parent_path())) ++linked;
  }
  EXPECT_EQ(linked, 3);  // one init fetched it, the others linked to the cache
}

TEST_F(TfrunTest, TheHtmlPageDrawsEveryModuleOnATimelineInARealBrowser) {
  if (std::system("command -v chromium > /dev/null") != 0)
    GTEST_SKIP() << "chromium is not installed";
  make_tree();
  add_broken();
  ASSERT_EQ(tfrun("--progress lines init"), 0) << output;
  const fs::path page = dir / "run.html";
  ASSERT_EQ(tfrun("--progress lines --yes --html " + page.string() + " apply"), 1) << output;
  // Headless chromium runs the page's script; the DOM it dumps is what it rendered.
  const std::string chromium =
      "chromium --headless --no-sandbox --disable-gpu "
      "--disable-dev-shm-usage --user-data-dir=" +
      (dir / "profile").string();
  const fs::path dom = dir / "dom.html", shot = dir / "shot.png";
  ASSERT_EQ(std::system((chromium + " --dump-dom file://" + page.string() + " > " + dom.string() +
                         " 2> " + (dir / "chromium.log").string())
                            .c_str()),
            0)
      << testing::read_file(dir / "chromium.log");
  const std::string rendered = testing::read_file(dom);
  for (const char* module : {"network", "db", "app", "broken", "after_broken"}) {
    EXPECT_NE(rendered.find("class=\"gantt-row\" data-module=\"" + std::string(module) + "\""),
              std::string::npos)
        << module << "\n"
        << rendered;
  }
  EXPECT_NE(rendered.find("gantt-bar succeeded"), std::string::npos);
  // The time a module waited for a worker, drawn apart from terraform's.
  EXPECT_NE(rendered.find("class=\"gantt-queued\" title=\"network: queued"), std::string::npos)
      << rendered;
  EXPECT_NE(rendered.find("gantt-bar failed"), std::string::npos);
  EXPECT_EQ(rendered.find("data-module=\"after_broken\"><div class=\"gantt-name\">after_broken"
                          "</div><div class=\"gantt-track\"><div"),
            std::string::npos);  // skipped: no bar
  EXPECT_NE(rendered.find("<td>dependency broken failed (broken)</td>"), std::string::npos);
  ASSERT_EQ(std::system((chromium + " --window-size=1000,500 --screenshot=" + shot.string() +
                         " file://" + page.string() + " 2> /dev/null")
                            .c_str()),
            0);
  const std::string png = testing::read_file(shot);
  ASSERT_GT(png.size(), 5000u);  // a drawn page, not a blank one
  EXPECT_EQ(png.substr(1, 3), "PNG");
}

// Starts tfrun in the tree with stdout into `log` and stderr into `errors` (into `log`
// too when not given); returns its pid. `bin`, when given, comes first in its PATH;
// `wrapper`, when given, runs tfrun (`timeout 3`).
pid_t spawn_tfrun(const fs::path& tree, const std::vector<std::string>& args, const fs::path& log,
                  const std::string& config, const fs::path& bin = {}, const fs::path& errors = {},
                  const std::vector<std::string>& wrapper = {}) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (errors.empty()) {
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
  } else {
    posix_spawn_file_actions_addopen(&actions, 2, errors.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
  }
  posix_spawn_file_actions_addchdir_np(&actions, tree.c_str());
  std::vector<std::string> env_strings = {
      "TF_CLI_CONFIG_FILE=" + config, "CHECKPOINT_DISABLE=1",
      "PATH=" + (bin.empty() ? "" : bin.string() + ":") + std::getenv("PATH")};
  std::vector<char*> argv, envp;
  for (const auto& w : wrapper)
    argv.push_back(const_cast<char*>(w.c_str()));
  argv.push_back(const_cast<char*>(LIBTERRAFORM_TFRUN));
  for (const auto& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (auto& e : env_strings)
    envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

TEST_F(TfrunTest, CtrlCInterruptsEveryRunningTerraformOnceAndStillWritesTheReport) {
  make_tree(30);
  ASSERT_EQ(tfrun("--progress lines init"), 0) << output;
  const fs::path log = dir / "run.log", stderr_log = dir / "stderr.log",
                 report = dir / "report.json";
  const pid_t pid =
      spawn_tfrun(tree.path(), {"--progress", "lines", "--yes", "--report", report, "apply"}, log,
                  testing::terraform_options().env.at("TF_CLI_CONFIG_FILE"), {}, stderr_log);
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(testing::eventually([&] {
    return testing::read_file(log).find("[network] terraform_data.step: Provisioning") !=
           std::string::npos;
  })) << testing::read_file(log);
  ::kill(pid, SIGINT);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  output = testing::read_file(log);
  errors = testing::read_file(stderr_log);
  ASSERT_TRUE(WIFEXITED(status)) << output;
  EXPECT_EQ(WEXITSTATUS(status), 1) << output;
  EXPECT_NE(errors.find("tfrun: interrupted"), std::string::npos) << errors;
  // terraform's multi-line interrupt message keeps the prefix on each of its lines.
  expect_every_line_prefixed(output, "network|db|app");
  EXPECT_NE(output.find("[network] Interrupt received."), std::string::npos) << output;
  EXPECT_EQ(schema_errors(report), "");
  auto j = nlohmann::json::parse(testing::read_file(report));
  EXPECT_TRUE(j["cancelled"]);
  for (const auto& m : j["modules"]) {
    EXPECT_EQ(m["result"], "cancelled") << m.dump();
    EXPECT_EQ(m["stopped_by"], "run_cancelled") << m.dump();
  }
  std::map<std::string, nlohmann::json> modules;
  for (const auto& m : j["modules"])
    modules[m["name"]] = m;
  EXPECT_EQ(modules["network"]["error_code"], "interrupted");
  EXPECT_NE(modules["network"]["started"], nullptr);
  EXPECT_EQ(modules["db"]["error_code"], "cancelled");
  EXPECT_EQ(modules["db"]["started"], nullptr);  // it never ran
  EXPECT_EQ(modules["db"]["ended"], nullptr);
  EXPECT_TRUE(testing::state_is_clean(tree / "network"));
  EXPECT_FALSE(fs::exists(tree / "db/terraform.tfstate"));  // never started
}

// Every process under `pid`, deepest last.
std::vector<pid_t> family_of(pid_t pid) {
  std::vector<pid_t> family;
  for (pid_t child : testing::children_of(pid)) {
    family.push_back(child);
    for (pid_t below : family_of(child))
      family.push_back(below);
  }
  return family;
}

class TfrunStopTest : public TfrunTest {
 protected:
  pid_t slow_apply(const std::vector<std::string>& wrapper = {});
  void expect_interrupted_once();
};

// A module whose apply sleeps 30 s, tfrun applying it; returns tfrun's pid once the
// provisioner runs. `wrapper` runs tfrun (`timeout 3`).
pid_t TfrunStopTest::slow_apply(const std::vector<std::string>& wrapper) {
  testing::write_file(tree / "slow/main.tf", step(30));
  EXPECT_EQ(tfrun("--progress lines init"), 0) << output;
  const pid_t pid = spawn_tfrun(
      tree.path(), {"--progress", "lines", "--yes", "--report", dir / "report.json", "apply"},
      dir / "run.log", testing::terraform_options().env.at("TF_CLI_CONFIG_FILE"), {},
      dir / "stderr.log", wrapper);
  EXPECT_TRUE(testing::eventually([&] {
    return testing::read_file(dir / "run.log").find("[slow] terraform_data.step: Provisioning") !=
           std::string::npos;
  })) << testing::read_file(dir / "run.log");
  return pid;
}

// terraform stopped by one interrupt: its state written (the resource tainted), its lock
// released, the run's report saying so.
void TfrunStopTest::expect_interrupted_once() {
  output = testing::read_file(dir / "run.log");
  errors = testing::read_file(dir / "stderr.log");
  EXPECT_NE(output.find("[slow] Interrupt received."), std::string::npos) << output;
  EXPECT_EQ(output.find("Two interrupts received"), std::string::npos) << output;
  EXPECT_TRUE(testing::state_is_clean(tree / "slow"));
  const auto state = nlohmann::json::parse(testing::read_file(tree / "slow/terraform.tfstate"));
  ASSERT_EQ(state["resources"].size(), 1u) << "terraform exited without writing its state";
  EXPECT_EQ(state["resources"][0]["instances"][0]["status"], "tainted");
  const auto report = nlohmann::json::parse(testing::read_file(dir / "report.json"));
  EXPECT_TRUE(report["cancelled"]);
  EXPECT_EQ(report["modules"][0]["result"], "cancelled") << report.dump(2);
  EXPECT_EQ(report["modules"][0]["error_code"], "interrupted") << report.dump(2);
}

// A service stop: SIGTERM to every process of the run, tfrun some milliseconds first.
// terraform takes the one it gets as its interrupt; nobody sends it a second. (A fake
// terraform that takes a second to wind down, as one waiting on a provider does, and
// counts its interrupts: the built-in provider's stops too quickly to be caught twice.)
TEST_F(TfrunTest, AServiceStopInterruptsTerraformOnceWhateverTheOrder) {
  const fs::path bin = dir / "bin";
  fs::create_directories(bin);
  testing::fake_terraform(
      bin,
      "n=0; stop=0\n"
      "trap 'n=$((n + 1)); if [ $n -ge 2 ]; then echo \"Two interrupts "
      "received\" >&2; exit 3; fi; echo \"Interrupt received\" >&2; stop=1' "
      "INT TERM\n"
      "echo \"terraform runs\" >&2\n"
      "i=0; while [ $stop -eq 0 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); "
      "done\n"
      "i=0; while [ $i -lt 10 ]; do sleep 0.1; i=$((i + 1)); done\n"
      "echo \"state written\" >&2; exit 1",
      "terraform");
  testing::write_file(tree / "slow/main.tf", step(30));
  const fs::path log = dir / "run.log", report = dir / "report.json";
  const pid_t pid = spawn_tfrun(
      tree.path(), {"--progress", "lines", "--yes", "--report", report, "apply"}, log,
      testing::terraform_options().env.at("TF_CLI_CONFIG_FILE"), bin, dir / "stderr.log");
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(testing::eventually([&] {
    return testing::read_file(log).find("[slow] terraform runs") != std::string::npos;
  })) << testing::read_file(log);
  const auto service = family_of(pid);
  ASSERT_GE(service.size(), 3u);  // the spawner, a worker, terraform (and its sleep)
  ::kill(pid, SIGTERM);
  std::this_thread::sleep_for(50ms);  // a service manager's order is not fixed
  for (pid_t process : service)
    ::kill(process, SIGTERM);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << status;
  output = testing::read_file(log);
  EXPECT_NE(output.find("[slow] Interrupt received"), std::string::npos) << output;
  EXPECT_EQ(output.find("Two interrupts received"), std::string::npos) << output;
  EXPECT_NE(output.find("[slow] state written"), std::string::npos) << output;
  EXPECT_NE(testing::read_file(dir / "stderr.log").find("tfrun: terminated (SIGTERM)"),
            std::string::npos);
  const auto j = nlohmann::json::parse(testing::read_file(report));
  EXPECT_TRUE(j["cancelled"]);
  EXPECT_EQ(j["modules"][0]["result"], "cancelled") << j.dump(2);
}

// `timeout 8 tfrun apply`: SIGTERM to tfrun (then again to its process group, which
// holds neither the workers nor terraform). terraform gets its one interrupt from tfrun.
TEST_F(TfrunStopTest, ATimeoutOfTheWholeRunInterruptsTerraformOnce) {
  const auto begun = std::chrono::steady_clock::now();
  const pid_t pid = slow_apply({"timeout", "-s", "TERM", "8"});
  ASSERT_GT(pid, 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 124) << status;  // timed out
  EXPECT_LT(std::chrono::steady_clock::now() - begun, 25s) << "terraform ran its 30 s";
  expect_interrupted_once();
}

TEST_F(TfrunTest, ASecondCtrlCEscalatesTheStopAndTheReportIsStillWritten) {
  // A terraform slow to stop: after the first SIGINT it keeps running; a second one
  // ends it (stderr: shown off a terminal).
  const fs::path bin = dir / "bin";
  fs::create_directories(bin);
  testing::fake_terraform(bin, testing::slow_to_stop_terraform(true), "terraform");
  testing::write_file(tree / "a/main.tf", step());
  testing::write_file(tree / "b/main.tf", step());
  const fs::path log = dir / "run.log", report = dir / "report.json";
  const pid_t pid = spawn_tfrun(
      tree.path(), {"--progress", "lines", "-p", "2", "--yes", "--report", report, "apply"}, log,
      testing::terraform_options().env.at("TF_CLI_CONFIG_FILE"), bin);
  ASSERT_GT(pid, 0);
  auto logged = [&](const std::string& text) {
    return testing::eventually(
        [&] { return testing::read_file(log).find(text) != std::string::npos; });
  };
  int status = 0;
  EXPECT_TRUE(logged("[a] terraform runs") && logged("[b] terraform runs"));
  ::kill(pid, SIGINT);
  EXPECT_TRUE(logged("[a] stopping") && logged("[b] stopping"));
  EXPECT_EQ(::waitpid(pid, &status, WNOHANG), 0) << "tfrun did not wait for terraform";
  ::kill(pid, SIGINT);
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  output = testing::read_file(log);
  ASSERT_TRUE(WIFEXITED(status)) << output;
  EXPECT_EQ(WEXITSTATUS(status), 1) << output;
  EXPECT_NE(output.find("tfrun: interrupted again: interrupting"), std::string::npos) << output;
  EXPECT_NE(output.find("[a] interrupted again"), std::string::npos) << output;
  EXPECT_NE(output.find("[b] interrupted again"), std::string::npos) << output;
  auto j = nlohmann::json::parse(testing::read_file(report));
  EXPECT_TRUE(j["cancelled"]);
  ASSERT_EQ(j["modules"].size(), 2u);
  for (const auto& m : j["modules"]) {
    EXPECT_EQ(m["result"], "cancelled") << m.dump();
    EXPECT_EQ(m["exit_code"], 3) << m.dump();
  }
}

// A tmux server of the test's own, killed with whatever runs in it.
class Tmux {
 public:
  // A socket of its own: a server just killed may still hold the last one's name.
  Tmux() : socket_("tfrun-test-" + std::to_string(::getpid()) + "-" + std::to_string(++made_)) {}
  ~Tmux() { run("kill-server 2> /dev/null"); }
  int run(const std::string& arguments) const {
    return std::system(("tmux -L " + socket_ + " " + arguments).c_str());
  }
  std::string pane(const fs::path& scratch) const {
    // -J: a line the terminal wrapped comes back whole.
    return run("capture-pane -p -J -t main > " + scratch.string()) == 0
               ? testing::read_file(scratch)
               : std::string();
  }

 private:
  static inline int made_ = 0;
  std::string socket_;
};

TEST_F(TfrunTest, OnATerminalTheLiveViewShowsEachRunningModuleAndTheCounters) {
  if (std::system("command -v tmux > /dev/null") != 0) GTEST_SKIP() << "tmux is not installed";
  testing::write_file(tree / "slow_a/main.tf", step(6));
  testing::write_file(tree / "slow_b/main.tf", step(6));
  testing::write_file(tree / "after/main.tf", step());
  testing::write_file(tree / "after/tfrun.deps", "../slow_a\n../slow_b\n");
  ASSERT_EQ(tfrun("--progress lines init"), 0) << output;
  Tmux tmux;
  // Some lines first: the view starts mid-screen, where rows reflowed above it stay.
  ASSERT_EQ(tmux.run("new-session -d -s main -x 100 -y 30 'seq 10; cd " + tree.path().string() +
                     " && " + environment_ + " " + LIBTERRAFORM_TFRUN + " --yes apply; sleep 60'"),
            0);
  std::string seen;
  const bool live = testing::eventually([&] {
    seen = tmux.pane(dir / "pane");
    return std::regex_search(seen, std::regex(R"(slow_a\s+provisioning)")) &&
           std::regex_search(seen, std::regex(R"(slow_b\s+provisioning)")) &&
           seen.find("running 2  queued 0  waiting 1") != std::string::npos;
  });
  EXPECT_TRUE(live) << seen;
  EXPECT_NE(seen.find("terraform_data.step"), std::string::npos) << seen;
  // Made narrower, the terminal reflows the block's lines over more rows: the next
  // frames still replace the block whole, cut to the new width, with no stale copy.
  ASSERT_EQ(tmux.run("resize-window -t main -x 30 -y 30"), 0);
  const bool narrow = testing::eventually([&] {
    seen = tmux.pane(dir / "pane");
    const auto lines = lines_of(seen);
    const auto counters = std::count_if(
        lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("done ", 0) == 0; });
    const bool cut = std::all_of(lines.begin(), lines.end(),
                                 [](const std::string& l) { return l.size() <= 29; });
    return counters == 1 && cut && std::regex_search(seen, std::regex(R"(slow_a\s+provisio)"));
  });
  EXPECT_TRUE(narrow) << seen;
  const bool finished = testing::eventually([&] {
    seen = tmux.pane(dir / "pane");
    return seen.find("exit code 0") != std::string::npos;
  });
  EXPECT_TRUE(finished) << seen;
  // Redrawn in place, then erased: what stays is one line per module and the summary.
  EXPECT_EQ(seen.find("waiting"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("provisio"), std::string::npos) << seen;
  EXPECT_NE(seen.find("ok        slow_a"), std::string::npos) << seen;
  EXPECT_NE(seen.find("ok        after"), std::string::npos) << seen;
}

// The terraform processes running in `tree` now (their working directory is in it).
std::set<pid_t> terraform_in(const fs::path& tree) {
  std::set<pid_t> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    if (testing::read_file(entry.path() / "comm") != "terraform\n") continue;
    const auto cwd = fs::read_symlink(entry.path() / "cwd", ec);
    if (!ec && cwd.string().starts_with(tree.string() + "/")) found.insert(std::stoi(name));
  }
  return found;
}

// With more ready modules than workers, the live view lists as running only the
// modules whose terraform runs: never more than -p, never more than the terraform
// processes that existed around the moment it was drawn; the others are counted
// as queued.
TEST_F(TfrunTest, TheLiveViewListsOnlyModulesWhoseTerraformRuns) {
  if (std::system("command -v tmux > /dev/null") != 0) GTEST_SKIP() << "tmux is not installed";
  for (const char* name : {"m1", "m2", "m3", "m4", "m5"})
    testing::write_file(tree / name / "main.tf", step(2));
  ASSERT_EQ(tfrun("--progress lines init"), 0) << output;

  // The terraform processes seen, sampled every few milliseconds while the run goes.
  using Clock = std::chrono::steady_clock;
  std::mutex mutex;
  std::vector<std::pair<Clock::time_point, std::set<pid_t>>> samples;
  std::atomic<bool> over{false};
  std::thread sampler([&] {
    while (!over) {
      auto seen = terraform_in(tree.path());
      {
        std::lock_guard lock(mutex);
        samples.emplace_back(Clock::now(), std::move(seen));
      }
      std::this_thread::sleep_for(5ms);
    }
  });
  // Those that existed within 100 ms of a capture that took from `from` to `to` (the
  // sampler's own latency, and the moment the view takes to hear of an end).
  auto existed = [&](Clock::time_point from, Clock::time_point to) {
    std::set<pid_t> pids;
    std::lock_guard lock(mutex);
    for (const auto& [at, seen] : samples)
      if (at >= from - 100ms && at <= to + 100ms) pids.insert(seen.begin(), seen.end());
    return pids.size();
  };
  struct Frame {
    Clock::time_point from, to;
    int running;
    std::string screen;
  };
  std::vector<Frame> frames;

  Tmux tmux;
  ASSERT_EQ(tmux.run("new-session -d -s main -x 100 -y 30 'cd " + tree.path().string() + " && " +
                     environment_ + " " + LIBTERRAFORM_TFRUN + " -p 2 --yes apply; sleep 60'"),
            0);
  const std::regex running_row(R"(^  m\d\s+\S+\s+\d+\.\ds)");
  const std::regex counter(R"(running (\d+)  queued (\d+)  waiting (\d+))");
  int most_running = 0, most_queued = 0;
  std::string seen;
  const bool finished = testing::eventually(
      [&] {
        const auto before = Clock::now();
        seen = tmux.pane(dir / "pane");
        const auto after = Clock::now();
        std::smatch counts;
        if (std::regex_search(seen, counts, counter)) {
          int rows = 0;
          for (const auto& line : lines_of(seen))
            if (std::regex_search(line, running_row)) ++rows;
          const int running = std::stoi(counts[1]), queued = std::stoi(counts[2]);
          EXPECT_EQ(rows, running) << seen;
          EXPECT_LE(running, 2) << seen;
          frames.push_back({before, after, running, seen});
          most_running = std::max(most_running, running);
          most_queued = std::max(most_queued, queued);
        }
        return seen.find("exit code 0") != std::string::npos;
      },
      120s, [] { std::this_thread::sleep_for(20ms); });
  std::this_thread::sleep_for(200ms);  // samples after the last frame
  over = true;
  sampler.join();
  EXPECT_TRUE(finished) << seen;
  EXPECT_GT(frames.size(), 20u);
  for (const auto& frame : frames) {
    EXPECT_LE(static_cast<std::size_t>(frame.running), existed(frame.from, frame.to))
        << frame.screen;
  }
  EXPECT_EQ(most_running, 2);  // both workers busy
  EXPECT_GE(most_queued, 1);   // the others waited, counted apart
}

// On a terminal, a command that changes state shows its order and asks; the default
// is no.
TEST_F(TfrunTest, OnATerminalAChangeIsAskedForAndNoRunsNothing) {
  if (std::system("command -v tmux > /dev/null") != 0) GTEST_SKIP() << "tmux is not installed";
  make_tree();
  ASSERT_EQ(tfrun("--progress lines init"), 0) << output;
  auto answer = [&](const char* keys) {
    Tmux tmux;
    EXPECT_EQ(tmux.run("new-session -d -s main -x 120 -y 40 'cd " + tree.path().string() + " && " +
                       environment_ + " " + LIBTERRAFORM_TFRUN +
                       " apply; echo tfrun exited $?; sleep 60'"),
              0);
    std::string seen;
    EXPECT_TRUE(testing::eventually([&] {
      seen = tmux.pane(dir / "pane");
      return seen.find("[y/N]") != std::string::npos;
    })) << seen;
    EXPECT_NE(seen.find("level 1: network\nlevel 2: db\nlevel 3: app"), std::string::npos) << seen;
    EXPECT_EQ(tmux.run(std::string("send-keys -t main ") + keys + " Enter"), 0);
    EXPECT_TRUE(testing::eventually([&] {
      seen = tmux.pane(dir / "pane");
      return seen.find("tfrun exited") != std::string::npos;
    })) << seen;
    return seen;
  };
  std::string said = answer("n");
  EXPECT_NE(said.find("nothing ran"), std::string::npos) << said;
  EXPECT_NE(said.find("tfrun exited 1"), std::string::npos) << said;
  for (const char* module : {"network", "db", "app"})
    EXPECT_FALSE(fs::exists(tree / module / "terraform.tfstate")) << module;
  said = answer("y");
  EXPECT_NE(said.find("tfrun exited 0"), std::string::npos) << said;
  for (const char* module : {"network", "db", "app"})
    EXPECT_TRUE(testing::state_is_clean(tree / module)) << module;
}

// A log is open only while its module runs: hundreds of modules under a descriptor
// limit of 128 all get their whole log.
TEST_F(TfrunTest, LogsAreOpenOnlyWhileTheirModuleRuns) {
  constexpr int kModules = 300;
  for (int i = 0; i < kModules; ++i)
    testing::write_file(tree / (std::string("m").append(std::to_string(i))) / "main.tf",
                        "# a module\n");
  const fs::path logs = dir / "logs";
  EXPECT_EQ(tfrun("--progress lines -p 2 --log-dir " + logs.string() + " version", "ulimit -n 128"),
            0)
      << errors;
  EXPECT_EQ(errors, "");
  int whole = 0;
  for (const auto& entry : fs::directory_iterator(logs))
    if (testing::read_file(entry.path()).find("terraform_version") != std::string::npos) ++whole;
  EXPECT_EQ(whole, kModules);
}

TEST_F(TfrunTest, EachModuleHasALogOfItsOwn) {
  for (const char* module : {"", "root", "a/b", "a__b"})
    testing::write_file(tree / module / "main.tf", "# a module\n");
  fs::create_directory_symlink(tree / "root", tree / "alias");  // not a second module
  const fs::path logs = dir / "logs";
  ASSERT_EQ(tfrun("--progress lines --log-dir " + logs.string() + " version"), 0) << errors;
  std::set<std::string> files;
  for (const auto& entry : fs::directory_iterator(logs))
    files.insert(entry.path().filename());
  EXPECT_EQ(files, (std::set<std::string>{"%2E.log", "root.log", "a%2Fb.log", "a__b.log"}));
}

// A module that prints some 4,000 lines when it is created.
constexpr const char* kChatty = R"(
resource "terraform_data" "chatty" {
  provisioner "local-exec" {
    command = "seq 1 4000"
  }
}
)";

// A report or page path that can be seen to be wrong stops tfrun before anything runs:
// tfrun checks them before it looks at the tree, so the module needs no init.
TEST_F(TfrunTest, AnOutputPathSeenToBeWrongStopsTfrunBeforeAnythingRuns) {
  testing::write_file(tree / "chatty/main.tf", kChatty);
  EXPECT_EQ(tfrun("--progress lines --report " + (dir / "missing/r.json").string() + " validate"),
            64);
  EXPECT_NE(errors.find("--report"), std::string::npos) << errors;
  EXPECT_NE(errors.find("does not exist"), std::string::npos) << errors;
  EXPECT_EQ(output, "");  // nothing ran
  EXPECT_EQ(tfrun("--progress lines --html " + dir.path().string() + " validate"), 64);
  EXPECT_NE(errors.find("is a directory"), std::string::npos) << errors;
}

// A report or page that cannot be written when the run ends is said on stderr and makes
// the exit code 1, as a failed module does.
TEST_F(TfrunTest, AReportOrPageThatCannotBeWrittenMakesTheExitCodeOne) {
  testing::write_file(tree / "chatty/main.tf", kChatty);
  ASSERT_EQ(tfrun("--progress lines init"), 0) << output;
  EXPECT_EQ(tfrun("--progress lines --report /dev/full validate"), 1);
  EXPECT_NE(errors.find("--report /dev/full could not be written: No space left on device"),
            std::string::npos)
      << errors;
  EXPECT_NE(output.find("exit code 1"), std::string::npos) << output;
  if (::geteuid() == 0) {  // root may open it for writing; only the write then fails
    EXPECT_EQ(tfrun("--progress lines --html /proc/version validate"), 1);
    EXPECT_NE(errors.find("--html /proc/version could not be written"), std::string::npos)
        << errors;
  }
}

// A log that cannot be written is said on stderr and makes the exit code 1; the run
// goes on.
TEST_F(TfrunTest, ALogDirectoryThatFillsUpIsSaidAndTheRunGoesOn) {
  testing::write_file(tree / "chatty/main.tf", kChatty);
  ASSERT_EQ(tfrun("--progress lines init"), 0) << output;
  // A log directory on a full disk: 16 KiB of tmpfs for some 4,000 lines.
  const fs::path full = dir / "full";
  fs::create_directories(full);
  if (std::system(
          ("mount -t tmpfs -o size=16k tmpfs " + full.string() + " 2> /dev/null").c_str()) != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here";
  }
  const int code = tfrun("--progress lines --yes --log-dir " + full.string() + " apply");
  std::system(("umount " + full.string()).c_str());
  EXPECT_EQ(code, 1) << output << errors;
  EXPECT_NE(errors.find("could not write " + (full / "chatty.log").string() +
                        ": No space left on device"),
            std::string::npos)
      << errors;
  EXPECT_NE(output.find("[chatty] ok"), std::string::npos) << output;  // the run went on
}

// Module names are the file system's bytes: the report and the page escape what is not
// UTF-8 instead of failing to be written.
TEST_F(TfrunTest, ModuleNamesThatAreNotUtf8AreEscapedInTheReportAndPage) {
  testing::write_file(tree / "caf\xe9" / "main.tf", step());
  testing::write_file(tree / "ok/main.tf", step());
  ASSERT_EQ(tfrun("--progress lines init"), 0) << output;
  const fs::path report = dir / "report.json", page = dir / "page.html";
  ASSERT_EQ(tfrun("--progress lines --yes --report " + report.string() + " --html " +
                  page.string() + " apply"),
            0)
      << output << errors;
  EXPECT_EQ(schema_errors(report), "");
  const auto j = nlohmann::json::parse(testing::read_file(report));
  std::set<std::string> names;
  for (const auto& m : j["modules"])
    names.insert(m["name"]);
  EXPECT_EQ(names, (std::set<std::string>{"caf\\xE9", "ok"}));
  EXPECT_NE(testing::read_file(page).find("caf\\\\xE9"), std::string::npos);
}

// Run by a user who cannot read part of the tree, discovery fails and says what it
// could not read, rather than leaving modules or their order out.
TEST_F(TfrunTest, ATreeThatCannotBeReadWholeIsAnError) {
  if (std::system("command -v setpriv > /dev/null") != 0) GTEST_SKIP() << "no setpriv";
  testing::write_file(tree / "a/main.tf", step());
  testing::write_file(tree / "b/main.tf", step());
  testing::write_file(tree / "b/tfrun.deps", "../a\n");
  testing::write_file(tree / "secret/inner/main.tf", step());
  fs::permissions(dir.path(), fs::perms::all);  // the test's directories: open to all
  fs::permissions(tree.path(), fs::perms::all);
  for (const char* path : {"a", "b", "secret", "a/main.tf", "b/main.tf"})
    fs::permissions(tree / path, fs::perms::all);
  const std::string as_nobody = "setpriv --reuid=nobody --regid=nogroup --clear-groups";
  auto dry_run = [&] {
    const std::string command = "cd " + tree.path().string() + " && " + environment_ + " " +
                                as_nobody + " " + LIBTERRAFORM_TFRUN +
                                " --progress lines --dry-run plan > " + (dir / "output").string() +
                                " 2> " + (dir / "errors").string();
    const int status = std::system(command.c_str());
    errors = testing::read_file(dir / "errors");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  fs::permissions(tree / "secret", fs::perms::none);  // a directory it cannot list
  EXPECT_EQ(dry_run(), 1);
  EXPECT_NE(errors.find("cannot read " + (tree / "secret").string()), std::string::npos) << errors;
  EXPECT_NE(errors.find("Permission denied"), std::string::npos) << errors;
  fs::permissions(tree / "secret", fs::perms::all);
  fs::permissions(tree / "secret/inner", fs::perms::all);
  fs::permissions(tree / "secret/inner/main.tf", fs::perms::all);
  fs::permissions(tree / "b/tfrun.deps", fs::perms::none);  // an order it cannot read
  EXPECT_EQ(dry_run(), 1);
  EXPECT_NE(errors.find("cannot read " + (tree / "b/tfrun.deps").string()), std::string::npos)
      << errors;
  fs::permissions(tree / "b/tfrun.deps", fs::perms::owner_read | fs::perms::others_read);
  EXPECT_EQ(dry_run(), 0) << errors;
}

// The largest resident size tfrun (`pid`) reached, in KiB, sampled until it exits.
long peak_kib(pid_t pid, int& status) {
  long peak = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    std::istringstream lines(testing::read_file("/proc/" + std::to_string(pid) + "/status"));
    for (std::string line; std::getline(lines, line);)
      if (line.rfind("VmHWM:", 0) == 0) peak = std::max(peak, std::stol(line.substr(6)));
    std::this_thread::sleep_for(20ms);
  }
  return peak;
}

// Whatever terraform prints, tfrun's memory stays bounded: a module printing 40,000
// provisioner lines costs it no more than a quiet one, give or take 40 MiB (keeping
// them would cost some 250 MiB: the output and its parsed events).
TEST_F(TfrunTest, MemoryStaysBoundedWhateverTerraformPrints) {
  if (testing::kSanitized) GTEST_SKIP() << "a sanitizer's allocator keeps what is freed";
  testing::write_file(tree / "chatty/main.tf", R"(
resource "terraform_data" "chatty" {
  triggers_replace = [var.lines]
  provisioner "local-exec" {
    command = "seq 1 ${var.lines}"
  }
}
variable "lines" {
  type = number
}
)");
  ASSERT_EQ(tfrun("--progress lines init"), 0) << output;
  auto peak_with = [&](int lines) {
    const pid_t pid =
        spawn_tfrun(tree.path(),
                    {"--progress", "lines", "--yes", "--log-dir", dir / "logs", "apply", "--",
                     "-var", "lines=" + std::to_string(lines)},
                    dir / "run.log", testing::terraform_options().env.at("TF_CLI_CONFIG_FILE"));
    int status = 0;
    const long peak = peak_kib(pid, status);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << testing::read_file(dir / "run.log");
    return peak;
  };
  const long quiet = peak_with(10);
  const long chatty = peak_with(40000);
  EXPECT_LT(chatty - quiet, 40 * 1024) << "quiet " << quiet << " KiB, chatty " << chatty << " KiB";
  // The whole output is in the module's log all the same.
  EXPECT_NE(testing::read_file(dir / "logs/chatty.log").find("(local-exec): 40000"),
            std::string::npos);
}

// A line of 50 MiB (on stdout and on stderr) reaches the display and the log cut to
// 1 MiB, and costs tfrun no more memory than that (a fake terraform prints it: the real
// one drops such lines of a provisioner's).
TEST_F(TfrunTest, AHugeLineIsCutAndCostsNoMoreThanTheCut) {
  if (testing::kSanitized) GTEST_SKIP() << "a sanitizer's allocator keeps what is freed";
  const fs::path bin = dir / "bin";
  fs::create_directories(bin);
  testing::fake_terraform(bin, R"(mb=$(cat line_mb)
if [ "$mb" -gt 0 ]; then
  head -c $((mb * 1048576)) /dev/zero | tr '\0' x; echo
  head -c $((mb * 1048576)) /dev/zero | tr '\0' y >&2; echo >&2
fi
echo done)",
                          "terraform");
  testing::write_file(tree / "big/main.tf", "# a module\n");
  auto peak_with = [&](int megabytes) {
    testing::write_file(tree / "big/line_mb", std::to_string(megabytes));
    const pid_t pid = spawn_tfrun(
        tree.path(), {"--progress", "lines", "--log-dir", dir / "logs", "graph"}, dir / "run.log",
        testing::terraform_options().env.at("TF_CLI_CONFIG_FILE"), bin);
    int status = 0;
    const long peak = peak_kib(pid, status);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return peak;
  };
  const long small = peak_with(0);
  const long huge = peak_with(50);
  EXPECT_LT(huge - small, 40 * 1024) << "small " << small << " KiB, huge " << huge << " KiB";
  const auto log = testing::read_file(dir / "logs/big.log");
  EXPECT_NE(log.find(std::string(1024 * 1024, 'x') + "\n"), std::string::npos);
  EXPECT_EQ(log.find(std::string(1024 * 1024 + 1, 'x')), std::string::npos);
  EXPECT_NE(log.find("done"), std::string::npos);
}

}  // namespace
}  // namespace libterraform
