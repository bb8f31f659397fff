// TerraformPool when things go wrong: a worker killed, the parent killed, timeouts,
// shutdown with work pending, a failing initializer, many queued tasks.

#include "libterraform/libterraform.hpp"
#include "modules.hpp"
#include "pool_service.hpp"
#include "test_support.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>

namespace libterraform {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;
namespace fs = std::filesystem;

PoolOptions pool_options(unsigned workers) {
  return {.max_workers = workers, .terraform = testing::terraform_options()};
}

std::size_t resident_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) return std::stoul(line.substr(6));
  }
  return 0;
}

class PoolFailuresTest : public testing::LeakCheck {
 protected:
  fs::path initialized(std::string_view name, std::string_view main_tf) {
    return testing::make_initialized_module(dir.path(), name, main_tf);
  }
  // An apply of `module` on the pool, once it has reached its provisioner.
  Future<CommandResult> provisioning_apply(TerraformPool& pool, const fs::path& module) {
    auto apply = pool.command(module).apply(
        {.on_output = testing::flag_on(provisioning, "provision_start")});
    EXPECT_TRUE(testing::started(provisioning));
    return apply;
  }

  TempDir dir;
  std::atomic<bool> provisioning{false};
};

// Opens /dev/null until the descriptor limit, then frees `spare`: what stays is held.
std::vector<int> exhaust_descriptors(int spare) {
  std::vector<int> held;
  for (int fd; (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;)
    held.push_back(fd);
  for (int i = 0; i < spare && !held.empty(); ++i) {
    ::close(held.back());
    held.pop_back();
  }
  return held;
}

// Descriptors running out in the host mid-run: every future completes, with its result
// or a typed error naming what ran out, a run over a graph too, and once descriptors
// are free again the pool works. In a child process, whose limit is its own.
TEST_F(PoolFailuresTest, DescriptorsRunningOutFailTasksTypedAndThePoolRecovers) {
  if (testing::kSanitized) GTEST_SKIP() << "a sanitizer's runtime needs descriptors of its own";
  ModuleGraph graph;
  for (const char* name : {"a", "b", "c", "d"})
    graph.add(name, initialized(name, testing::modules::kMinimal));
  const fs::path said = dir / "said.txt";
  const pid_t child = ::fork();
  if (child == 0) {
    std::ofstream out(said);
    const rlimit limit{256, 256};
    ::setrlimit(RLIMIT_NOFILE, &limit);
    int code = 0;
    auto tell = [&](const std::exception_ptr& error) {
      try {
        std::rethrow_exception(error);
      } catch (const Error& e) {
        out << to_string(static_cast<errc>(e.code().value())) << ": " << e.what() << "\n";
      }
    };
    {
      TerraformPool pool(pool_options(2));
      for (int spare : {0, 1, 2, 3}) {
        out << "spare " << spare << "\n";
        const auto held = exhaust_descriptors(spare);
        std::vector<Future<RunResult>> runs;
        for (int i = 0; i < 20; ++i)
          runs.push_back(pool.run("version"));
        auto run = run_graph(pool, graph, "validate");
        for (auto& r : runs) {
          if (r.wait_for(60s) != std::future_status::ready) {
            out << "pending\n";
            code = 1;
          } else if (auto error = detail::Access::state(r)->error()) {
            tell(error);
          } else {
            out << "ok\n";
          }
        }
        if (run.future().wait_for(60s) != std::future_status::ready) {
          out << "graph pending\n";
          code = 1;
        } else {
          for (const auto& m : run.get().modules)
            out << "module " << to_string(m.result) << "\n";
        }
        for (int fd : held)
          ::close(fd);
        auto again = pool.run("version");  // free again: it works
        if (again.wait_for(60s) != std::future_status::ready || again.get().retcode != 0) {
          out << "not again\n";
          code = 1;
        }
      }
    }
    const auto held = exhaust_descriptors(0);
    try {
      TerraformPool pool(pool_options(1));
      out << "made a pool\n";
      code = 1;
    } catch (const Error& e) {
      out << "making: " << to_string(static_cast<errc>(e.code().value())) << ": " << e.what()
          << "\n";
    }
    out.close();
    ::_exit(code);
  }
  int status = 0;
  const bool exited =
      testing::eventually([&] { return ::waitpid(child, &status, WNOHANG) == child; }, 300s);
  if (!exited) {
    ::kill(child, SIGKILL);
    ::waitpid(child, &status, 0);
  }
  const std::string text = testing::read_file(said);
  ASSERT_TRUE(exited) << "the child hung:\n" << text;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << text;
  EXPECT_EQ(text.find("pending"), std::string::npos) << text;
  EXPECT_EQ(text.find("protocol_error"), std::string::npos) << text;
  EXPECT_NE(text.find("worker_start_failed: a pool worker could not be started: its channel "
                      "could not be received: out of file descriptors (this process may hold "
                      "256: RLIMIT_NOFILE)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("ok\n"), std::string::npos) << text;  // with room for a worker
  EXPECT_NE(text.find("making: spawn_failed: the pool could not be made: out of file descriptors"),
            std::string::npos)
      << text;
}

TEST_F(PoolFailuresTest, KilledWorkerFailsOnlyItsTaskAndIsReplaced) {
  auto victim = initialized("victim", testing::slow_resource(30));
  auto bystander = initialized("bystander", testing::slow_resource(2));
  TerraformPool pool(pool_options(2));
  std::atomic<bool> victim_started{false}, bystander_started{false};
  auto doomed = pool.command(victim).apply(
      {.on_output = testing::flag_on(victim_started, "provision_start")});
  auto fine = pool.command(bystander).apply(
      {.check = true, .on_output = testing::flag_on(bystander_started, "provision_start")});
  ASSERT_TRUE(testing::started(victim_started));
  ASSERT_TRUE(testing::started(bystander_started));

  pid_t worker = testing::pool_worker_running_in(victim);
  ASSERT_GT(worker, 0);
  ASSERT_EQ(::kill(worker, SIGKILL), 0);

  auto e = testing::expect_error(errc::worker_died, "signal 9", [&] { doomed.get(); });
  ASSERT_TRUE(e);
  ASSERT_NE(e->result(), nullptr);
  EXPECT_NE(e->result()->output.find("provision_start"), std::string::npos);
  EXPECT_EQ(fine.get().retcode, 0);
  // Its terraform was interrupted, not orphaned: the state is written, no lock is left.
  EXPECT_TRUE(testing::state_is_clean(victim));
  // A replacement worker takes the next task, on the same module.
  auto again = pool.command(victim).apply({.vars = {{"sleep_seconds", "0"}}, .check = true});
  EXPECT_EQ(again.get().retcode, 0);
}

TEST_F(PoolFailuresTest, ParentDeathMakesWorkersWindTerraformDown) {
  auto module = initialized("module", testing::slow_resource(60));
  testing::PoolService service(module);
  ::kill(service.parent(), SIGKILL);
  service.reap_parent();

  // The orphaned worker interrupts its terraform, waits for it and exits; the spawner
  // (reparented to this test process, a subreaper) reaps it and exits too.
  EXPECT_TRUE(service.all_gone(60s)) << "the pool's processes outlived their parent";
  EXPECT_TRUE(testing::state_is_clean(module));
  auto state = nlohmann::json::parse(testing::read_file(module / "terraform.tfstate"));
  ASSERT_EQ(state["resources"].size(), 1u);  // written, marked tainted
  EXPECT_EQ(state["resources"][0]["instances"][0]["status"], "tainted");
}

TEST_F(PoolFailuresTest, TaskTimeoutRaisesWithThePartialResult) {
  auto module = initialized("module", testing::slow_resource(30));
  auto options = pool_options(1);
  options.terraform.timeout = 3s;
  TerraformPool pool(options);
  auto e = testing::expect_error<CommandTimeoutError>(errc::timed_out, "",
                                                      [&] { pool.command(module).apply().get(); });
  ASSERT_TRUE(e);
  ASSERT_NE(e->result(), nullptr);
  EXPECT_TRUE(e->result()->timed_out);
  EXPECT_NE(e->result()->output.find("apply_start"), std::string::npos);
  EXPECT_TRUE(testing::state_is_clean(module));
}

TEST_F(PoolFailuresTest, ShutdownWaitsForPendingTasks) {
  std::vector<fs::path> modules;
  for (int i = 0; i < 3; ++i) {
    modules.push_back(
        initialized(std::string("m").append(std::to_string(i)), testing::modules::kMinimal));
  }
  TerraformPool pool(pool_options(1));
  std::vector<Future<CommandResult>> futures;
  for (const auto& module : modules)
    futures.push_back(pool.command(module).validate());
  pool.shutdown({.wait = true});
  for (const auto& f : futures) {
    EXPECT_TRUE(f.done());
    EXPECT_EQ(f.get().retcode, 0);
  }
  EXPECT_TRUE(testing::child_processes().empty()) << "processes left after shutdown";
  testing::expect_error(errc::pool_shut_down, "", [&] { pool.command(modules[0]).validate(); });
  pool.shutdown();  // again: harmless
}

TEST_F(PoolFailuresTest, ShutdownCancelsQueuedFutures) {
  auto slow = initialized("slow", testing::slow_resource(2));
  auto other = initialized("other", testing::modules::kMinimal);
  TerraformPool pool(pool_options(1));
  auto running = provisioning_apply(pool, slow);
  auto queued1 = pool.command(other).validate();
  auto queued2 = pool.run("version");
  pool.shutdown({.cancel_queued = true});
  EXPECT_TRUE(queued1.cancelled());
  EXPECT_TRUE(queued2.cancelled());
  EXPECT_EQ(running.get().retcode, 0);  // running tasks complete normally
  EXPECT_TRUE(testing::state_is_clean(slow));
}

TEST_F(PoolFailuresTest, AServiceStopShutdownInterruptsRunningTasksOnce) {
  auto slow = initialized("slow", testing::slow_resource(30));
  auto other = initialized("other", testing::modules::kMinimal);
  TerraformPool pool(pool_options(1));
  auto running = provisioning_apply(pool, slow);
  auto queued = pool.command(other).validate();
  pool.shutdown({.cancel_queued = true, .interrupt_running = true});
  EXPECT_TRUE(queued.cancelled());
  const auto& result = running.get();
  EXPECT_TRUE(result.interrupted);
  EXPECT_EQ(result.retcode, 1);
  EXPECT_TRUE(testing::state_is_clean(slow));
  EXPECT_TRUE(testing::child_processes().empty()) << "processes left after shutdown";
}

TEST_F(PoolFailuresTest, WorkerInitializerRunsInEachWorker) {
  auto marker = dir.path() / "initialized";
  auto options = pool_options(2);
  options.worker_initializer = [marker] {
    std::ofstream(marker.string() + "." + std::to_string(::getpid())) << "ok";
  };
  {
    TerraformPool pool(options);
    auto a = pool.run("version");
    auto b = pool.run("version");
    a.get();
    b.get();
  }
  std::size_t markers = 0;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    if (entry.path().filename().string().starts_with("initialized.")) ++markers;
  }
  EXPECT_GE(markers, 1u);
  EXPECT_LE(markers, 2u);
}

TEST_F(PoolFailuresTest, ThrowingInitializerBreaksThePoolWithATypedError) {
  auto options = pool_options(1);
  options.worker_initializer = [] { throw std::runtime_error("no credentials"); };
  TerraformPool pool(options);
  testing::expect_error(errc::worker_start_failed, "no credentials",
                        [&] { pool.run("version").get(); });
  EXPECT_THROW(pool.run("version"), Error);
}

TEST_F(PoolFailuresTest, ThousandQueuedTasksWithBoundedMemory) {
  auto options = pool_options(2);
  options.terraform.terraform = "/bin/true";  // the pool's own cost, not terraform's
  TerraformPool pool(options);
  const long before = static_cast<long>(resident_kib());
  std::vector<Future<RunResult>> futures;
  for (int i = 0; i < 1000; ++i)
    futures.push_back(pool.run("version"));
  std::size_t succeeded = 0;
  for (const auto& f : futures)
    succeeded += f.get().retcode == 0;
  EXPECT_EQ(succeeded, 1000u);
  // A task costs the parent its argv, environment and future: well under 64 KiB each.
  EXPECT_LT(static_cast<long>(resident_kib()) - before, 64L * 1024)
      << "parent memory grew without bound";
}

TEST_F(PoolFailuresTest, NoProcessOrDescriptorOutlivesThePool) {
  auto module = initialized("module", testing::modules::kMinimal);
  const int descriptors = testing::open_descriptor_count();
  {
    TerraformPool pool(pool_options(3));
    std::vector<Future<CommandResult>> futures;
    for (int i = 0; i < 6; ++i)
      futures.push_back(pool.command(module).validate());
    for (const auto& f : futures)
      f.get();
  }
  EXPECT_TRUE(testing::child_processes().empty());
  EXPECT_EQ(testing::open_descriptor_count(), descriptors);
}

}  // namespace
}  // namespace libterraform
