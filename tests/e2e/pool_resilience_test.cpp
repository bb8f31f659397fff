// TerraformPool in the hosts it is embedded in: a service stop that signals every
// process, a parent killed with its stdin closed, a killed spawner, SIGCHLD taken by
// the host, stopped workers, the pool destroyed from its own callback, and run() in a
// module.

#include "libterraform/libterraform.hpp"
#include "pool_service.hpp"
#include "test_support.hpp"

#include <nlohmann/json.hpp>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace libterraform {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;
namespace fs = std::filesystem;

template <class T>
::testing::AssertionResult completes(const Future<T>& future) {
  if (future.wait_for(60s) == std::future_status::ready) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "the future never completed";
}

template <class T>
errc error_of(const Future<T>& future) {
  try {
    future.get();
  } catch (const Error& e) {
    return static_cast<errc>(e.code().value());
  }
  return errc{};
}

// A host that handles SIGTERM itself (to shut down in its own time).
std::atomic<int> terminations{0};
void count_termination(int) {
  terminations.fetch_add(1);
}

void expect_tainted_and_clean(const fs::path& module) {
  EXPECT_TRUE(testing::state_is_clean(module));
  auto state = nlohmann::json::parse(testing::read_file(module / "terraform.tfstate"));
  ASSERT_EQ(state["resources"].size(), 1u) << "terraform exited without writing its state";
  EXPECT_EQ(state["resources"][0]["instances"][0]["status"], "tainted");
}

class PoolResilienceTest : public testing::LeakCheck {
 protected:
  fs::path initialized(std::string_view name, std::string_view main_tf) {
    return testing::make_initialized_module(dir.path(), name, main_tf);
  }
  PoolOptions fake(std::string_view body, unsigned workers = 1) {
    PoolOptions options{.max_workers = workers, .terraform = testing::terraform_options()};
    options.terraform.terraform = testing::fake_terraform(dir.path(), body).string();
    options.worker_response_timeout = 1s;
    return options;
  }
  fs::path directory(std::string_view name) {
    fs::create_directories(dir / name);
    return dir / name;
  }

  TempDir dir;
};

// --- service stops ----------------------------------------------------------------

TEST_F(PoolResilienceTest, ServiceStopThatTheHostSurvivesInterruptsTerraformOnce) {
  // systemd's stop sends SIGTERM to every process of the service: the host (which
  // handles it), the pool's spawner and worker, terraform and its provisioner.
  testing::ScopedSignal handled(SIGTERM, count_termination);
  auto module = initialized("module", testing::slow_resource(60));
  TerraformPool pool({.max_workers = 1, .terraform = testing::terraform_options()});
  std::atomic<bool> provisioning{false};
  auto apply =
      pool.command(module).apply({.on_output = testing::flag_on(provisioning, "provision_start")});
  ASSERT_TRUE(testing::started(provisioning));
  pid_t worker = testing::pool_worker_running_in(module);
  ASSERT_GT(worker, 0);
  std::set<pid_t> service{::getpid(), worker};
  for (pid_t spawner : testing::child_processes())
    service.insert(spawner);
  for (pid_t child : testing::children_of(worker)) {
    service.insert(child);
    for (pid_t grandchild : testing::children_of(child))
      service.insert(grandchild);
  }
  for (pid_t pid : service)
    ::kill(pid, SIGTERM);

  ASSERT_TRUE(completes(apply));
  const CommandResult& result = apply.get();  // the worker survived: a result, not worker_died
  EXPECT_TRUE(result.interrupted);
  EXPECT_EQ(result.output.find("Two interrupts received"), std::string::npos) << result.output;
  EXPECT_GE(terminations.load(), 1);
  expect_tainted_and_clean(module);
  // The pool goes on: the next command on the module works.
  EXPECT_EQ(pool.command(module).apply({.vars = {{"sleep_seconds", "0"}}}).get().retcode, 0);
}

class ServiceStopOrder : public PoolResilienceTest, public ::testing::WithParamInterface<bool> {};

TEST_P(ServiceStopOrder, ServiceStopThatEndsTheHostKeepsTheState) {
  // The host dies of its SIGTERM; the order in which a service manager reaches the
  // processes is not fixed: the host's death may be seen before the worker's SIGTERM.
  auto module = initialized("module", testing::slow_resource(60));
  testing::PoolService service(module);
  std::vector<pid_t> order{service.parent(), service.spawner(), service.worker()};
  for (pid_t pid : service.terraform_family())
    order.push_back(pid);
  if (GetParam()) std::reverse(order.begin(), order.end());
  for (pid_t pid : order)
    ::kill(pid, SIGTERM);
  service.reap_parent();

  EXPECT_TRUE(service.all_gone(60s)) << "the pool's processes outlived the service";
  expect_tainted_and_clean(module);
}

INSTANTIATE_TEST_SUITE_P(Orders, ServiceStopOrder, ::testing::Bool(), [](const auto& info) {
  return info.param ? "TerraformFirst" : "HostFirst";
});

TEST_F(PoolResilienceTest, ParentKilledWithItsStdinClosedLeavesNothingBehind) {
  auto module = initialized("module", testing::slow_resource(60));
  testing::PoolService service(module, /*close_stdin=*/true);
  ::kill(service.parent(), SIGKILL);
  service.reap_parent();
  EXPECT_TRUE(service.all_gone(30s)) << "the pool's processes outlived their parent";
  expect_tainted_and_clean(module);
}

// --- the spawner and SIGCHLD ----------------------------------------------------------

TEST_F(PoolResilienceTest, AKilledSpawnerBreaksThePoolWithATypedError) {
  TerraformPool pool(fake("echo started; sleep 1; exit 0"));
  std::atomic<bool> running{false};
  auto first =
      pool.run("x", {.cwd = directory("a"), .on_output = testing::flag_on(running, "started")});
  auto second = pool.run("x", {.cwd = directory("b")});  // handed to the busy worker
  auto third = pool.run("x", {.cwd = directory("c")});   // queued
  ASSERT_TRUE(testing::started(running));
  auto spawners = testing::child_processes();
  ASSERT_EQ(spawners.size(), 1u);
  ::kill(*spawners.begin(), SIGKILL);

  ASSERT_TRUE(completes(third));
  EXPECT_EQ(error_of(third), errc::pool_broken);
  EXPECT_EQ(first.get().retcode, 0);  // running tasks finish
  ASSERT_TRUE(completes(second));
  EXPECT_TRUE(error_of(second) == errc{} || error_of(second) == errc::pool_broken);
  testing::expect_error(errc::pool_broken, "", [&] { pool.run("x", {.cwd = directory("d")}); });
}  // the destructor returns

class SigchldTakenByTheHost : public PoolResilienceTest,
                              public ::testing::WithParamInterface<bool> {};

TEST_P(SigchldTakenByTheHost, AWorkerThatDiesStillFailsItsTask) {
  testing::ScopedSignal host(SIGCHLD, GetParam() ? testing::reap_every_child : SIG_IGN);
  TerraformPool pool(fake("echo started; exec sleep 60"));
  std::atomic<bool> running{false};
  auto doomed =
      pool.run("x", {.cwd = directory("a"), .on_output = testing::flag_on(running, "started")});
  ASSERT_TRUE(testing::started(running));
  auto workers = testing::pool_workers();
  ASSERT_EQ(workers.size(), 1u);
  ::kill(*workers.begin(), SIGKILL);
  ASSERT_TRUE(completes(doomed));
  EXPECT_EQ(error_of(doomed), errc::worker_died);
  EXPECT_EQ(pool.run("x", {.cwd = directory("b"), .timeout = 100ms}).wait_for(60s),
            std::future_status::ready);  // a replacement worker
}

INSTANTIATE_TEST_SUITE_P(Hosts, SigchldTakenByTheHost, ::testing::Bool(), [](const auto& info) {
  return info.param ? "ReapingHandler" : "Ignored";
});

// --- stopped workers ------------------------------------------------------------------

struct Stopped {
  explicit Stopped(pid_t pid) : pid(pid) { ::kill(pid, SIGSTOP); }
  ~Stopped() { ::kill(pid, SIGCONT); }  // if it still exists
  pid_t pid;
};

TEST_F(PoolResilienceTest, AStoppedWorkerCannotHoldATimeout) {
  TerraformPool pool(fake("echo started; exec sleep 60"));
  std::atomic<bool> running{false};
  auto f = pool.run("x", {.timeout = 1s, .on_output = testing::flag_on(running, "started")});
  ASSERT_TRUE(testing::started(running));
  Stopped stopped(*testing::pool_workers().begin());
  ASSERT_TRUE(completes(f));
  auto e = testing::expect_error<CommandTimeoutError>(std::nullopt, "", [&] { f.get(); });
  ASSERT_TRUE(e);
  ASSERT_NE(e->result(), nullptr);
  EXPECT_TRUE(e->result()->timed_out);
  EXPECT_NE(e->result()->output.find("started"), std::string::npos);
}

TEST_F(PoolResilienceTest, AStoppedWorkerCannotHoldACancel) {
  TerraformPool pool(fake("echo started; exec sleep 60"));
  std::atomic<bool> running{false};
  auto f = pool.run("x", {.on_output = testing::flag_on(running, "started")});
  ASSERT_TRUE(testing::started(running));
  Stopped stopped(*testing::pool_workers().begin());
  EXPECT_FALSE(f.cancel());  // running: it is interrupted
  ASSERT_TRUE(completes(f));
  testing::expect_error(errc::worker_died, "did not answer", [&] { f.get(); });
}

TEST_F(PoolResilienceTest, AStoppedWorkerCannotHoldShutdown) {
  std::optional<TerraformPool> pool(
      std::in_place, fake("case \"$PWD\" in */a) echo started; sleep 3;; esac; exit 0", 2));
  std::atomic<bool> running{false};
  auto busy =
      pool->run("x", {.cwd = directory("a"), .on_output = testing::flag_on(running, "started")});
  ASSERT_TRUE(testing::started(running));
  auto idle = pool->run("x", {.cwd = directory("b")});
  ASSERT_TRUE(completes(idle));
  std::vector<std::unique_ptr<Stopped>> stopped;
  for (pid_t worker : testing::pool_workers())
    stopped.push_back(std::make_unique<Stopped>(worker));
  pool.reset();  // returns: the stopped workers are killed, busy or idle
  EXPECT_TRUE(busy.done());
  EXPECT_EQ(error_of(busy), errc::worker_died);
}

// --- escalation: a second Ctrl-C ----------------------------------------------------

struct EscalationCase {
  Escalation escalation;
  int retcode;
  std::string_view last_words;  // empty: none (SIGKILL)
};

void PrintTo(const EscalationCase& c, std::ostream* out) {
  *out << "retcode " << c.retcode;
}

class EscalateTest : public PoolResilienceTest,
                     public ::testing::WithParamInterface<EscalationCase> {};

TEST_P(EscalateTest, EscalateAppliesTheStopPolicyAtOnce) {
  auto options = fake(testing::slow_to_stop_terraform());
  options.terraform.stop_policy = {.grace_period = std::chrono::milliseconds::max(),
                                   .escalation = GetParam().escalation};
  TerraformPool pool(options);
  std::atomic<bool> running{false}, stopping{false};
  auto f = pool.command(dir.path()).apply({.on_output = [&](std::string_view line) {
    if (line == "terraform runs") running = true;
    if (line == "stopping") stopping = true;
  }});
  ASSERT_TRUE(testing::started(running));
  EXPECT_FALSE(f.cancel());
  ASSERT_TRUE(testing::eventually([&] { return stopping.load(); }));
  // The grace period never ends: without escalate(), terraform is left to stop alone.
  EXPECT_EQ(f.wait_for(300ms), std::future_status::timeout);
  EXPECT_FALSE(f.escalate());
  ASSERT_TRUE(completes(f));
  const CommandResult& result = f.get();
  EXPECT_TRUE(result.interrupted);
  EXPECT_EQ(result.retcode, GetParam().retcode) << result.output;
  if (!GetParam().last_words.empty()) {
    EXPECT_NE(result.output.find(GetParam().last_words), std::string::npos) << result.output;
  }
  EXPECT_FALSE(f.escalate());  // after the end: nothing
}

INSTANTIATE_TEST_SUITE_P(Policies, EscalateTest,
                         ::testing::Values(EscalationCase{Escalation::interrupt_again, 3,
                                                          "interrupted again"},
                                           EscalationCase{Escalation::terminate, 4, "terminated"},
                                           EscalationCase{Escalation::kill, -SIGKILL, ""}),
                         [](const auto& info) {
                           switch (info.param.escalation) {
                             case Escalation::interrupt_again:
                               return "InterruptAgain";
                             case Escalation::terminate:
                               return "Terminate";
                             default:
                               return "Kill";
                           }
                         });

TEST_F(PoolResilienceTest, EscalateWithoutAnEscalationInThePolicyLeavesTerraformToStop) {
  auto options = fake(
      "trap 'echo stopping; sleep 1; exit 5' INT; echo started; "
      "while :; do sleep 0.1; done");
  options.terraform.stop_policy = {.escalation = Escalation::none};
  TerraformPool pool(options);
  std::atomic<bool> running{false};
  auto f = pool.command(dir.path()).apply({.on_output = testing::flag_on(running, "started")});
  ASSERT_TRUE(testing::started(running));
  EXPECT_FALSE(f.escalate());  // one interrupt, and nothing stronger
  ASSERT_TRUE(completes(f));
  EXPECT_EQ(f.get().retcode, 5) << f.get().output;
  EXPECT_TRUE(f.get().interrupted);
}

TEST_F(PoolResilienceTest, EscalateOfATaskNotStartedCancelsIt) {
  TerraformPool pool(fake("echo started; exec sleep 60"));
  std::atomic<bool> running{false};
  auto first = pool.command(dir.path()).apply({.on_output = testing::flag_on(running, "started")});
  ASSERT_TRUE(testing::started(running));
  fs::create_directories(dir / "other");
  auto queued = pool.command(dir / "other").apply();
  queued.escalate();  // queued, or handed to the busy worker ahead of time: never run
  ASSERT_TRUE(completes(queued));
  EXPECT_TRUE(queued.cancelled());
  first.cancel();
  ASSERT_TRUE(completes(first));
}

// --- callbacks --------------------------------------------------------------------

TEST_F(PoolResilienceTest, ThePoolCanBeDestroyedFromItsOwnDoneCallback) {
  auto pool = std::make_unique<TerraformPool>(fake("sleep 0.5; exit 0"));
  std::atomic<bool> destroyed{false};
  auto f = pool->run("x");
  f.add_done_callback([&](const Future<RunResult>&) {
    pool.reset();
    destroyed = true;
  });
  EXPECT_TRUE(testing::eventually([&] { return destroyed.load(); }));
  EXPECT_EQ(f.get().retcode, 0);
}

TEST_F(PoolResilienceTest, WaitingShutdownFromACallbackIsRefused) {
  TerraformPool pool(fake("sleep 0.5; exit 0"));
  std::atomic<int> code{-1};
  auto f = pool.run("x");
  f.add_done_callback([&](const Future<RunResult>&) {
    try {
      pool.shutdown({.wait = true});
      code = 0;
    } catch (const Error& e) {
      code = e.code().value();
    }
  });
  EXPECT_TRUE(testing::eventually([&] { return code.load() != -1; }));
  EXPECT_EQ(code.load(), static_cast<int>(errc::would_deadlock));
}

// --- run() and module ownership -------------------------------------------------------

TEST_F(PoolResilienceTest, RunInTheCurrentDirectoryOwnsItsModule) {
  auto module = initialized("module", testing::slow_resource(3));
  TerraformPool pool({.max_workers = 2, .terraform = testing::terraform_options()});
  std::atomic<bool> provisioning{false};
  auto apply =
      pool.command(module).apply({.on_output = testing::flag_on(provisioning, "provision_start")});
  ASSERT_TRUE(testing::started(provisioning));
  const auto before = fs::current_path();
  fs::current_path(module);
  // Alongside the apply, this plan could not take the state lock (exit code 1).
  auto plan = pool.run({"plan", "-input=false", "-no-color", "-lock-timeout=0s"});
  fs::current_path(before);
  EXPECT_EQ(plan.get().retcode, 0) << plan.get().error;
  EXPECT_EQ(apply.get().retcode, 0);
}

}  // namespace
}  // namespace libterraform
