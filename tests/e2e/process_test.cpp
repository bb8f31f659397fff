// The process layer against real child processes (tests/support/child_helper.cpp).

#include "libterraform/errors.hpp"
#include "process/environment.hpp"
#include "process/launch.hpp"
#include "process/wait_blocking.hpp"
#include "test_support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace libterraform::process {
namespace {

using namespace std::chrono_literals;
using libterraform::testing::child_helper;
using libterraform::testing::TempDir;

struct Ran {
  ChildExit exit;
  std::string out;
  std::string err;
};

LaunchSpec helper(std::vector<std::string> args) {
  LaunchSpec spec;
  spec.executable = child_helper();
  spec.argv = {child_helper()};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.environment = shared_environment({}, false);
  return spec;
}

Ran run(const LaunchSpec& spec, BlockingWait how = {}) {
  Ran ran;
  how.on_output = [&](OutputStream stream, std::string_view chunk) {
    (stream == OutputStream::out ? ran.out : ran.err).append(chunk);
  };
  Child child = launch(spec);
  ran.exit = wait_blocking(child, how);
  return ran;
}

// Interrupts the child once it has printed "ready".
struct InterruptWhenReady {
  UniqueFd wake{::eventfd(0, EFD_CLOEXEC)};
  BlockingWait how(StopPolicy policy = {}) {
    BlockingWait w;
    w.supervision.stop_policy = policy;
    w.controls.push_back({wake.get(), [] { return ControlEvent{StopReason::interrupted, true}; }});
    return w;
  }
  Ran run(const LaunchSpec& spec, BlockingWait how) {
    Ran ran;
    how.on_output = [&](OutputStream stream, std::string_view chunk) {
      (stream == OutputStream::out ? ran.out : ran.err).append(chunk);
      if (ran.out.find("ready") != std::string::npos) {
        std::uint64_t one = 1;
        [[maybe_unused]] auto n = ::write(wake.get(), &one, sizeof one);
      }
    };
    Child child = launch(spec);
    ran.exit = wait_blocking(child, how);
    return ran;
  }
};

class ProcessTest : public libterraform::testing::LeakCheck {};

TEST_F(ProcessTest, RunsInTheGivenDirectoryWithoutChangingOurs) {
  TempDir dir;
  auto before = std::filesystem::current_path();
  auto spec = helper({"pwd"});
  spec.working_dir = dir.path();
  auto ran = run(spec);
  EXPECT_EQ(ran.exit.retcode, 0);
  EXPECT_EQ(ran.out, std::filesystem::canonical(dir.path()).string() + "\n");
  EXPECT_EQ(std::filesystem::current_path(), before);
}

TEST_F(ProcessTest, EnvironmentOverlayAndReplacement) {
  auto spec = helper({"env", "LIBTERRAFORM_OVERLAY"});
  spec.environment = shared_environment({{"LIBTERRAFORM_OVERLAY", "over lay"}}, false);
  EXPECT_EQ(run(spec).out, "over lay\n");
  EXPECT_EQ(::getenv("LIBTERRAFORM_OVERLAY"), nullptr);

  spec = helper({"env", "HOME"});
  spec.environment = shared_environment({{"X", "1"}}, true);
  EXPECT_EQ(run(spec).out, "<unset>\n");
}

TEST_F(ProcessTest, FeedsStdinWhileReadingStdout) {
  std::string input(1 << 20, 'x');  // far more than a pipe holds
  for (std::size_t i = 0; i < input.size(); i += 100)
    input[i] = '\n';
  auto spec = helper({"echo-stdin"});
  spec.feed_stdin = true;
  BlockingWait how;
  how.supervision.stdin_data = input;
  auto ran = run(spec, how);
  EXPECT_EQ(ran.exit.retcode, 0);
  EXPECT_EQ(ran.out, input);
}

TEST_F(ProcessTest, ReadsStdoutAndStderrConcurrently) {
  auto ran = run(helper({"interleave", "20000"}));
  EXPECT_EQ(ran.exit.retcode, 0);
  EXPECT_EQ(std::count(ran.out.begin(), ran.out.end(), '\n'), 20000);
  EXPECT_EQ(std::count(ran.err.begin(), ran.err.end(), '\n'), 20000);
}

TEST_F(ProcessTest, ChildLeadsItsOwnProcessGroup) {
  auto ran = run(helper({"pgid"}));
  auto space = ran.out.find(' ');
  EXPECT_EQ(ran.out.substr(0, space) + "\n", ran.out.substr(space + 1));
  EXPECT_NE(std::to_string(::getpgrp()) + "\n", ran.out.substr(space + 1));
}

TEST_F(ProcessTest, ChildGetsDefaultSignalHandling) {
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGINT, &ignore, &previous);
  sigset_t block, old;
  ::sigemptyset(&block);
  ::sigaddset(&block, SIGINT);
  ::pthread_sigmask(SIG_BLOCK, &block, &old);
  auto ran = run(helper({"signals"}));
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ::sigaction(SIGINT, &previous, nullptr);
  EXPECT_EQ(ran.out, "0 0\n");
}

TEST_F(ProcessTest, NoDescriptorLeaksIntoTheChild) {
  int leaky[2];
  ASSERT_EQ(::pipe(leaky), 0);  // deliberately without O_CLOEXEC
  auto ran = run(helper({"fds"}));
  ::close(leaky[0]);
  ::close(leaky[1]);
  EXPECT_EQ(ran.out, "0\n");
}

TEST_F(ProcessTest, InterruptSendsOneSigintAndWaitsForTheChild) {
  InterruptWhenReady interrupt;
  auto ran = interrupt.run(helper({"trap-int", "300", "7"}), interrupt.how());
  EXPECT_EQ(ran.exit.retcode, 7);
  EXPECT_EQ(ran.exit.stop_reason, StopReason::interrupted);
  EXPECT_EQ(ran.out, "ready\ninterrupted\n");
}

TEST_F(ProcessTest, InterruptReachesTheChildAloneAndItsGroupAfterItExits) {
  // The interrupt is for terraform, which stops its own provisioners: delivered to the
  // whole group it can make terraform count two (docs/benchmarks.md). What is left in
  // the group after the child exits is ended, silently, by SIGTERM.
  InterruptWhenReady interrupt;
  auto ran = interrupt.run(helper({"trap-int-family"}), interrupt.how());
  EXPECT_EQ(ran.exit.retcode, 0);
  EXPECT_EQ(ran.out, "ready\ninterrupted\n");
}

TEST_F(ProcessTest, DefaultPolicyNeverForcesAChildThatIgnoresSigint) {
  InterruptWhenReady interrupt;
  std::atomic<bool> alive_after_interrupt{false};
  std::atomic<pid_t> pid{0};
  std::thread outsider([&] {
    // Well after the interrupt, check the child still runs, then end it ourselves.
    libterraform::testing::eventually([&] { return pid != 0; });
    std::this_thread::sleep_for(1500ms);
    alive_after_interrupt = ::kill(pid, 0) == 0;
    ::kill(pid, SIGTERM);
  });
  BlockingWait how = interrupt.how();
  auto spec = helper({"ignore-int"});
  Ran ran;
  how.on_output = [&](OutputStream, std::string_view chunk) {
    ran.out.append(chunk);
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(interrupt.wake.get(), &one, sizeof one);
  };
  Child child = launch(spec);
  pid = child.pid;
  ran.exit = wait_blocking(child, how);
  outsider.join();
  EXPECT_TRUE(alive_after_interrupt);
  EXPECT_EQ(ran.exit.retcode, -SIGTERM);
}

TEST_F(ProcessTest, PolicyEscalatesAfterTheGracePeriod) {
  InterruptWhenReady interrupt;
  auto ran = interrupt.run(helper({"ignore-int"}),
                           interrupt.how({.grace_period = 200ms, .escalation = Escalation::kill}));
  EXPECT_EQ(ran.exit.retcode, -SIGKILL);
}

TEST_F(ProcessTest, SecondInterruptOnlyWhenThePolicyAsks) {
  InterruptWhenReady interrupt;
  auto ran = interrupt.run(
      helper({"trap-int", "5000", "7"}),
      interrupt.how({.grace_period = 200ms, .escalation = Escalation::interrupt_again}));
  EXPECT_EQ(ran.exit.retcode, 99);
  EXPECT_EQ(ran.out, "ready\ninterrupted\nagain\n");
}

TEST_F(ProcessTest, TimeoutInterrupts) {
  BlockingWait how;
  how.supervision.timeout = 200ms;
  auto ran = run(helper({"sleep", "30"}), how);
  EXPECT_EQ(ran.exit.stop_reason, StopReason::timed_out);
  EXPECT_EQ(ran.exit.retcode, -SIGINT);
}

TEST_F(ProcessTest, LeftoversInTheGroupAreEndedAndNeverAwaited) {
  // The grandchild holds stdout open for ten minutes; the run must not wait for it.
  auto started = std::chrono::steady_clock::now();
  auto ran = run(helper({"leave-grandchild", "600"}));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 60s);
  EXPECT_EQ(ran.exit.retcode, 0);
  EXPECT_EQ(ran.out, "parent exits\n");
  // LeakCheck fails the test if the grandchild (reparented to us) is still alive.
}

TEST_F(ProcessTest, MissingBinaryAndDirectoryAreTypedErrors) {
  auto spec = helper({"pwd"});
  spec.executable = "/nonexistent/terraform";
  testing::expect_error(errc::binary_not_found, "", [&] { launch(spec); });
  spec = helper({"pwd"});
  spec.working_dir = "/nonexistent/module";
  testing::expect_error(errc::directory_not_found, "", [&] { launch(spec); });
}

}  // namespace
}  // namespace libterraform::process
