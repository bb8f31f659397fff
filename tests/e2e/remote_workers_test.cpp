// Remote pool workers against real terraform and real processes: libterraform-worker
// started through launchers. Local launchers (env, sh) stand where the engine does not
// matter (greeting, faults, path maps); the SSH and Slurm tests go through a private sshd
// and a one-node Slurm cluster that CTest fixtures start (tests/remote/).

#include "libterraform/libterraform.hpp"
#include "pool/wire.hpp"
#include "test_support.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <set>

namespace libterraform {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;
namespace fs = std::filesystem;

const std::string kWorker = LIBTERRAFORM_WORKER_PROGRAM;

// A launcher that runs the worker right here: the protocol over stdin and stdout, as
// through ssh, with no network in between.
WorkerLauncher local_launcher(unsigned workers = 1) {
  return {.argv = {"/usr/bin/env"}, .workers = workers, .worker_program = kWorker};
}

// A launcher that runs `script` in sh, the worker program as $0.
WorkerLauncher sh_launcher(const std::string& script) {
  return {.argv = {"/bin/sh", "-c", script}, .worker_program = kWorker};
}

// The argv prefix a fixture wrote to reach its service (one argument per line).
std::vector<std::string> service_prefix(const std::string& service, const std::string& file) {
  const fs::path path = fs::path(LIBTERRAFORM_REMOTE_DIR) / service / file;
  std::ifstream in(path);
  std::vector<std::string> prefix;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) prefix.push_back(line);
  if (prefix.empty()) {
    ADD_FAILURE() << "no " << path << ": the " << service
                  << " fixture starts it (ctest, or tests/remote/" << service << ".sh start "
                  << path.parent_path() << ")";
  }
  return prefix;
}

WorkerLauncher ssh_launcher(unsigned workers = 1) {
  return {
      .argv = service_prefix("sshd", "ssh-prefix"), .workers = workers, .worker_program = kWorker};
}

WorkerLauncher slurm_launcher(unsigned workers = 1) {
  return {.argv = service_prefix("slurm", "srun-prefix"),
          .workers = workers,
          .worker_program = kWorker};
}

PoolOptions remote_options(std::vector<WorkerLauncher> launchers, unsigned local_workers = 0) {
  return {.max_workers = local_workers,
          .terraform = testing::terraform_options(),
          .launchers = std::move(launchers)};
}

// What each command's on_start said about where it ran.
struct WhereItRan {
  std::mutex mutex;
  std::map<fs::path, std::string> worker_of;
  std::set<std::string> workers() {
    std::lock_guard lock(mutex);
    std::set<std::string> all;
    for (const auto& [module, worker] : worker_of)
      all.insert(worker);
    return all;
  }
  std::function<void(const PoolStart&)> callback() {
    return [this](const PoolStart& start) {
      std::lock_guard lock(mutex);
      worker_of[start.module] = std::string(start.worker);
    };
  }
};

// Modules with one resource and an output naming them.
std::vector<fs::path> make_modules(const fs::path& parent, int count) {
  std::vector<fs::path> modules;
  for (int i = 0; i < count; ++i) {
    const std::string name = "m" + std::to_string(i);
    modules.push_back(
        testing::make_module(parent, name,
                             "resource \"terraform_data\" \"r\" {\n"
                             "  input = \"" +
                                 name +
                                 "\"\n}\n"
                                 "output \"name\" { value = terraform_data.r.output }\n"));
  }
  return modules;
}

// Processes on this machine running in `dir`, whoever started them.
std::set<pid_t> processes_in(const fs::path& dir) {
  std::set<pid_t> found;
  const fs::path wanted = fs::canonical(dir);
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::error_code ec;
    if (fs::read_symlink(entry.path() / "cwd", ec) == wanted) found.insert(std::stoi(name));
  }
  return found;
}

// The pool's launcher processes (children of its spawner) named `name`.
std::vector<pid_t> launchers_named(const std::string& name) {
  std::vector<pid_t> found;
  for (pid_t pid : testing::pool_workers()) {
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string command;
    if (std::getline(comm, command) && command == name) found.push_back(pid);
  }
  return found;
}

// A slow apply through one launcher's worker, from the moment its provisioner runs.
struct SlowApply {
  fs::path module;
  WhereItRan where;
  std::unique_ptr<TerraformPool> pool;
  std::atomic<bool> provisioning{false};
  std::optional<Future<CommandResult>> apply;

  SlowApply(const fs::path& parent, WorkerLauncher launcher)
      : module(testing::make_initialized_module(parent, "slow", testing::slow_resource(30))) {
    PoolOptions options = remote_options({std::move(launcher)});
    options.on_start = where.callback();
    pool = std::make_unique<TerraformPool>(options);
    apply = pool->command(module).apply({.on_output = [this](std::string_view line) {
      if (line.find("provision_start") != std::string_view::npos) provisioning = true;
    }});
    EXPECT_TRUE(testing::eventually([&] { return provisioning.load(); }, 60s));
  }

  // The Slurm step of the worker that runs it, "JOB.STEP", from how it describes itself.
  std::string slurm_step() {
    const auto workers = where.workers();
    const std::string worker = workers.empty() ? std::string() : *workers.begin();
    const auto at = worker.find(" slurm ");
    EXPECT_NE(at, std::string::npos) << "worker: " << worker;
    return at == std::string::npos ? std::string() : worker.substr(at + 7);
  }

  // A cancel reaches terraform as one interrupt: it stops, writes its state, unlocks.
  void expect_cancel_stops_terraform_cleanly() {
    EXPECT_FALSE(apply->cancel());
    EXPECT_FALSE(apply->cancel());  // a second cancel sends nothing more
    expect_interrupted_cleanly();
  }

  void expect_interrupted_cleanly() {
    const auto& result = apply->get();
    EXPECT_TRUE(result.interrupted);
    EXPECT_EQ(result.retcode, 1);
    EXPECT_NE(result.output.find("apply_errored"), std::string::npos);
    EXPECT_TRUE(testing::state_is_clean(module));
  }

  // No process runs in the module within `bound`, and the module takes the next apply.
  void expect_terraform_gone_and_module_usable(std::chrono::seconds bound) {
    EXPECT_TRUE(testing::eventually([&] { return processes_in(module).empty(); }, bound));
    auto next = pool->command(module).apply({.vars = {{"sleep_seconds", "0"}}, .check = true});
    EXPECT_EQ(next.get().retcode, 0);
  }

  // Kills the pool's launcher process named `name` (its only one).
  void kill_launcher(const std::string& name) {
    auto launchers = launchers_named(name);
    ASSERT_EQ(launchers.size(), 1u);
    ASSERT_FALSE(processes_in(module).empty());  // the remote terraform and its sleep
    ASSERT_EQ(::kill(launchers[0], SIGKILL), 0);
  }
};

// Runs a Slurm command against the private cluster.
int slurm_command(const std::string& command) {
  auto prefix = service_prefix("slurm", "srun-prefix");  // env SLURM_CONF=... srun ...
  return std::system((prefix[0] + " " + prefix[1] + " " + command).c_str());
}

class RemoteWorkersTest : public testing::LeakCheck {
 protected:
  TempDir dir;
};

TEST_F(RemoteWorkersTest, ALaunchersWorkersRunTheCommandsAndSayWhereTheyRan) {
  auto modules = make_modules(dir.path(), 6);
  WhereItRan where;
  PoolOptions options = remote_options({local_launcher(2)});
  options.on_start = where.callback();
  TerraformPool pool(options);
  EXPECT_EQ(pool.max_workers(), 2u);
  for (const auto& result : pool.map("init", modules, {.check = true}))
    EXPECT_EQ(result.retcode, 0);
  std::vector<Future<CommandResult>> applies;
  for (const auto& module : modules)
    applies.push_back(pool.command(module).apply({.check = true}));
  for (std::size_t i = 0; i < modules.size(); ++i) {
    const auto& output = applies[i].get().output;
    EXPECT_NE(output.find("\"value\":\"m" + std::to_string(i) + "\""), std::string::npos) << output;
  }
  auto workers = where.workers();
  EXPECT_EQ(workers.size(), 2u);  // both of the launcher's workers, none local
  for (const auto& worker : workers)
    EXPECT_NE(worker.find(" pid "), std::string::npos) << worker;
}

TEST_F(RemoteWorkersTest, LocalAndLauncherWorkersShareOnePool) {
  auto modules = make_modules(dir.path(), 8);
  WhereItRan where;
  PoolOptions options = remote_options({local_launcher(1)}, 1);
  options.on_start = where.callback();
  TerraformPool pool(options);
  EXPECT_EQ(pool.max_workers(), 2u);
  for (const auto& result : pool.map("init", modules, {.check = true}))
    EXPECT_EQ(result.retcode, 0);
  EXPECT_EQ(where.workers().size(), 2u);
}

TEST_F(RemoteWorkersTest, APathMapMovesTheModuleAndTheBinary) {
  // The "remote" host has the tree elsewhere: a copy, told apart by a marker file.
  const fs::path tree = dir.path() / "tree";
  const fs::path elsewhere = dir.path() / "elsewhere";
  std::filesystem::path fake;
  for (const auto& [root, marker] : {std::pair(tree, "local"), std::pair(elsewhere, "remote")}) {
    fs::create_directories(root / "app");
    testing::write_file(root / "app" / "marker", marker);
    fake = testing::fake_terraform(root, "echo \"$0 in $PWD: $(cat marker)\"");
  }
  PoolOptions options = remote_options({local_launcher()});
  options.terraform.terraform = (tree / fake.filename()).string();
  options.launchers[0].path_map = {{tree, elsewhere}};
  TerraformPool pool(options);
  auto result = pool.run({"version"}, {.cwd = tree / "app"}).get();
  EXPECT_EQ(result.output, (elsewhere / fake.filename()).string() + " in " +
                               (elsewhere / "app").string() + ": remote\n");
}

TEST_F(RemoteWorkersTest, CancelThroughALauncherInterruptsTerraformOnce) {
  SlowApply run(dir.path(), local_launcher());
  run.expect_cancel_stops_terraform_cleanly();
}

TEST_F(RemoteWorkersTest, ALauncherThatCannotConnectLeavesTheRotationWithItsStderr) {
  auto module = testing::make_module(dir.path(), "m", "");
  const std::string refused =
      "echo 'ssh: connect to host 192.0.2.1 port 22: Connection refused' >&2; exit 255";
  TerraformPool pool(remote_options({sh_launcher(refused)}));
  auto e = testing::expect_error<Error>(errc::workers_unavailable, "Connection refused",
                                        [&] { pool.command(module).validate().get(); });
  ASSERT_TRUE(e);
  EXPECT_NE(std::string(e->what()).find("exited with status 255"), std::string::npos) << e->what();
  EXPECT_NE(std::string(e->what()).find("out of rotation"), std::string::npos) << e->what();
  testing::expect_error<Error>(errc::workers_unavailable, "",
                               [&] { pool.command(module).validate().get(); });
}

TEST_F(RemoteWorkersTest, CommandsGoToTheOtherWorkersWhileALauncherFails) {
  auto modules = make_modules(dir.path(), 4);
  TerraformPool pool(remote_options({sh_launcher("exit 255"), local_launcher()}));
  for (const auto& result : pool.map("init", modules, {.check = true}))
    EXPECT_EQ(result.retcode, 0);
}

TEST_F(RemoteWorkersTest, OutputBeforeTheGreetingIsAProtocolErrorShowingIt) {
  auto module = testing::make_module(dir.path(), "m", "");
  TerraformPool pool(remote_options({sh_launcher("echo 'Welcome to host1'; exec \"$0\"")}));
  auto e = testing::expect_error<Error>(errc::workers_unavailable, "\"Welcome to host1\\n",
                                        [&] { pool.command(module).validate().get(); });
  ASSERT_TRUE(e);
  EXPECT_NE(std::string(e->what()).find("greeting"), std::string::npos) << e->what();
}

TEST_F(RemoteWorkersTest, AWorkerOfAnotherProtocolVersionIsATypedErrorNamingBoth) {
  auto module = testing::make_module(dir.path(), "m", "");
  // It greets, then neither reads nor exits: the pool kills its launcher.
  PoolOptions options = remote_options(
      {sh_launcher("echo 'libterraform-worker protocol=4 version=0.0.9'; exec sleep 60")});
  options.worker_response_timeout = 1s;
  TerraformPool pool(options);
  auto e = testing::expect_error<Error>(errc::worker_version_mismatch,
                                        "protocol 4 (libterraform-worker 0.0.9)",
                                        [&] { pool.command(module).validate().get(); });
  ASSERT_TRUE(e);
  EXPECT_NE(std::string(e->what()).find("(libterraform " + std::string(version()) + ")"),
            std::string::npos)
      << e->what();
}

TEST_F(RemoteWorkersTest, AWorkerThatNeverGreetsIsKilledAfterItsStartTimeout) {
  auto module = testing::make_module(dir.path(), "m", "");
  WorkerLauncher silent = sh_launcher("exec sleep 60");
  silent.start_timeout = 300ms;
  TerraformPool pool(remote_options({silent}));
  testing::expect_error<Error>(errc::workers_unavailable, "did not greet the pool within 300 ms",
                               [&] { pool.command(module).validate().get(); });
}

TEST_F(RemoteWorkersTest, BadLaunchersAreRejectedWhenThePoolIsBuilt) {
  testing::expect_error<Error>(errc::invalid_option, "no argv",
                               [&] { TerraformPool pool(remote_options({WorkerLauncher{}})); });
  testing::expect_error<Error>(errc::invalid_option, "workers is 0", [&] {
    TerraformPool pool(remote_options({{.argv = {"ssh", "h"}, .workers = 0}}));
  });
}

// --- through a private sshd on 127.0.0.1 ---

TEST_F(RemoteWorkersTest, SshWorkersRunAMapAndSayWhereTheyRan) {
  auto modules = make_modules(dir.path(), 20);
  WhereItRan where;
  PoolOptions options = remote_options({ssh_launcher(2)});
  options.on_start = where.callback();
  TerraformPool pool(options);
  for (const auto& result : pool.map("init", modules, {.check = true}))
    EXPECT_EQ(result.retcode, 0);
  for (const auto& result : pool.map("validate", modules, {.check = true}))
    EXPECT_TRUE(result.value->at("valid").get<bool>());
  EXPECT_EQ(where.worker_of.size(), modules.size());
  EXPECT_EQ(where.workers().size(), 2u);
}

TEST_F(RemoteWorkersTest, CancelThroughSshInterruptsTerraformOnce) {
  SlowApply run(dir.path(), ssh_launcher());
  run.expect_cancel_stops_terraform_cleanly();
}

// The remote worker sees its stdin end, interrupts terraform and waits for it.
TEST_F(RemoteWorkersTest, KillingTheLocalSshWindsTheRemoteTerraformDown) {
  SlowApply run(dir.path(), ssh_launcher());
  run.kill_launcher("ssh");
  testing::expect_error<Error>(errc::worker_died, "", [&] { run.apply->get(); });
  EXPECT_TRUE(testing::eventually([&] { return processes_in(run.module).empty(); }, 20s));
  EXPECT_TRUE(testing::state_is_clean(run.module));
}

TEST_F(RemoteWorkersTest, AnUnreachableHostFailsTypedWithSshsStderr) {
  auto module = testing::make_module(dir.path(), "m", "");
  WorkerLauncher unreachable = ssh_launcher();
  auto port = std::find(unreachable.argv.begin(), unreachable.argv.end(), "-p");
  ASSERT_NE(port, unreachable.argv.end());
  *(port + 1) = "1";  // nothing listens there
  TerraformPool pool(remote_options({unreachable}));
  auto e = testing::expect_error<Error>(errc::workers_unavailable, "Connection refused",
                                        [&] { pool.command(module).validate().get(); });
  ASSERT_TRUE(e);
  EXPECT_NE(std::string(e->what()).find("exited with status 255"), std::string::npos) << e->what();
}

// --- through a private one-node Slurm cluster ---

TEST_F(RemoteWorkersTest, SshAndSlurmWorkersShareAMap) {
  auto modules = make_modules(dir.path(), 20);
  WhereItRan where;
  PoolOptions options = remote_options({ssh_launcher(2), slurm_launcher(2)});
  options.on_start = where.callback();
  TerraformPool pool(options);
  for (const auto& result : pool.map("init", modules, {.check = true}))
    EXPECT_EQ(result.retcode, 0);
  for (const auto& result : pool.map("validate", modules, {.check = true}))
    EXPECT_TRUE(result.value->at("valid").get<bool>());
  auto workers = where.workers();
  EXPECT_EQ(workers.size(), 4u);
  auto steps = std::ranges::count_if(
      workers, [](const std::string& w) { return w.find(" slurm ") != std::string::npos; });
  EXPECT_EQ(steps, 2) << ::testing::PrintToString(workers);
}

// srun without -u forwards output by lines: a frame passes once a newline follows it.
TEST_F(RemoteWorkersTest, FramesPassThroughSrunWithoutUnbufferedOutput) {
  auto modules = make_modules(dir.path(), 4);
  WorkerLauncher buffered = slurm_launcher();
  std::erase(buffered.argv, "-u");
  ASSERT_EQ(buffered.argv.size(), slurm_launcher().argv.size() - 1);
  TerraformPool pool(remote_options({buffered}));
  for (const auto& result : pool.map("init", modules, {.check = true}))
    EXPECT_EQ(result.retcode, 0);
  for (const auto& result : pool.map("validate", modules, {.check = true}))
    EXPECT_TRUE(result.value->at("valid").get<bool>());
}

TEST_F(RemoteWorkersTest, CancelThroughSrunInterruptsTerraformOnce) {
  SlowApply run(dir.path(), slurm_launcher());
  run.expect_cancel_stops_terraform_cleanly();
}

// Slurm ends the step: SIGKILL to every process of it, terraform included.
TEST_F(RemoteWorkersTest, KillingTheLocalSrunKillsTheRemoteTerraformWithItsStep) {
  SlowApply run(dir.path(), slurm_launcher());
  run.kill_launcher("srun");
  testing::expect_error<Error>(errc::worker_died, "", [&] { run.apply->get(); });
  run.expect_terraform_gone_and_module_usable(5s);
}

TEST_F(RemoteWorkersTest, ScancelOfTheWorkersStepKillsItAndFailsItsTask) {
  SlowApply run(dir.path(), slurm_launcher());
  const std::string step = run.slurm_step();
  ASSERT_FALSE(step.empty());
  ASSERT_EQ(slurm_command("scancel " + step), 0);
  testing::expect_error<Error>(errc::worker_died, "CANCELLED", [&] { run.apply->get(); });
  run.expect_terraform_gone_and_module_usable(5s);
}

// SIGTERM to every process of the job: terraform stops cleanly, and the worker exits.
TEST_F(RemoteWorkersTest, ScancelOfTheWorkersJobStopsTerraformCleanly) {
  SlowApply run(dir.path(), slurm_launcher());
  const std::string step = run.slurm_step();
  ASSERT_FALSE(step.empty());
  ASSERT_EQ(slurm_command("scancel " + step.substr(0, step.find('.'))), 0);
  run.expect_interrupted_cleanly();
  run.expect_terraform_gone_and_module_usable(5s);
}

TEST_F(RemoteWorkersTest, AGraphRunOverTheExampleTreeThroughSshAndSlurm) {
  const fs::path source = fs::path(LIBTERRAFORM_TEST_DATA).parent_path().parent_path();
  const fs::path tree = dir.path() / "tree";
  const std::string make_tree =
      (source / "scripts/example-tree").string() + " " + tree.string() + " 0";
  ASSERT_EQ(std::system(make_tree.c_str()), 0);
  WhereItRan where;
  PoolOptions options = remote_options({ssh_launcher(2), slurm_launcher(2)});
  options.on_start = where.callback();
  TerraformPool pool(options);
  auto graph = ModuleGraph::discover(tree);
  ASSERT_EQ(run_graph(pool, graph, "init").get().exit_code, 0);
  const auto& applied = run_graph(pool, graph, "apply").get();
  EXPECT_EQ(applied.exit_code, 0);
  for (const auto& m : applied.modules)
    EXPECT_EQ(m.result, ModuleResult::succeeded) << m.module << ": " << m.reason;
  EXPECT_EQ(applied.modules.size(), 12u);
  EXPECT_GE(where.workers().size(), 2u);
  for (const auto& m : graph.modules())
    EXPECT_TRUE(testing::state_is_clean(m.directory)) << m.name;
}

// The output and exit status of `command` run by sh.
std::pair<std::string, int> run_shell(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  std::array<char, 4096> buffer;
  for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0;)
    output.append(buffer.data(), n);
  return {output, ::pclose(pipe)};
}

TEST(RemoteWorkerProgram, SaysItsVersionAndUsage) {
  EXPECT_EQ(run_shell(kWorker + " --version"),
            std::pair("libterraform-worker " + std::string(version()) + "\n", 0));
  auto [usage, status] = run_shell(kWorker + " --bogus 2>&1");
  EXPECT_NE(usage.find("usage:"), std::string::npos) << usage;
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

TEST(RemoteWorkerProgram, GreetsOnStdoutAndExitsWhenStdinEnds) {
  auto [output, status] = run_shell(kWorker + " </dev/null");
  EXPECT_TRUE(output.starts_with(pool::encode_greeting())) << output;
  EXPECT_EQ(status, 0);
}

}  // namespace
}  // namespace libterraform
