// The process layer's pure parts: the supervision state machine, line splitting and
// environment building.

#include "libterraform/errors.hpp"
#include "process/environment.hpp"
#include "process/line_splitter.hpp"
#include "process/supervisor.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

namespace libterraform::process {
namespace {

using namespace std::chrono_literals;
using Clock = Supervisor::Clock;

// The interrupt goes to terraform alone; everything else to its whole group.
constexpr Signal kInterrupt{SIGINT, false};
constexpr Signal kTerminateGroup{SIGTERM, true};
constexpr Signal kKillGroup{SIGKILL, true};

std::vector<Signal> drain(Supervisor& s) {
  std::vector<Signal> signals;
  while (auto signal = s.take_signal())
    signals.push_back(*signal);
  return signals;
}

TEST(Supervisor, NormalExitEndsLeftoversAndFinishesOnEof) {
  const auto t0 = Clock::now();
  Supervisor s({}, std::nullopt);
  EXPECT_FALSE(s.next_wakeup());
  s.on_stream_closed();
  s.on_exited(t0);
  EXPECT_FALSE(s.finished());
  EXPECT_EQ(drain(s), std::vector{kTerminateGroup});
  s.on_stream_closed();
  EXPECT_TRUE(s.finished());
  EXPECT_EQ(s.stop_reason(), StopReason::none);
}

TEST(Supervisor, InterruptSendsOneSigintAndNeverKillsByDefault) {
  const auto t0 = Clock::now();
  Supervisor s({}, std::nullopt);
  s.request_stop(StopReason::interrupted, t0);
  s.request_stop(StopReason::interrupted, t0 + 1s);  // a second cancel changes nothing
  EXPECT_EQ(drain(s), std::vector{kInterrupt});
  EXPECT_FALSE(s.next_wakeup());
  s.on_time(t0 + 1h);
  EXPECT_TRUE(drain(s).empty());
  EXPECT_EQ(s.stop_reason(), StopReason::interrupted);
}

TEST(Supervisor, DeferredStopWaitsForItsTimeThenInterruptsOnce) {
  const auto t0 = Clock::now();
  Supervisor s({}, t0 + 10s);
  s.request_stop_at(StopReason::owner_gone, t0 + 500ms);
  EXPECT_EQ(s.next_wakeup(), t0 + 500ms);  // before the timeout
  s.on_time(t0 + 499ms);
  EXPECT_TRUE(drain(s).empty());
  EXPECT_FALSE(s.stopping());
  s.on_time(t0 + 500ms);
  EXPECT_EQ(drain(s), std::vector{kInterrupt});
  EXPECT_EQ(s.stop_reason(), StopReason::owner_gone);
  s.on_time(t0 + 10s);  // the timeout no longer applies: one interrupt only
  EXPECT_TRUE(drain(s).empty());
}

TEST(Supervisor, InterruptedElsewhereSendsNothingAndCancelsADeferredStop) {
  const auto t0 = Clock::now();
  Supervisor s({}, std::nullopt);
  s.request_stop_at(StopReason::owner_gone, t0 + 500ms);
  s.interrupted_elsewhere(StopReason::interrupted, t0 + 100ms);
  EXPECT_TRUE(s.stopping());
  s.on_time(t0 + 1s);
  s.request_stop(StopReason::interrupted, t0 + 2s);  // a cancel now would be a second signal
  EXPECT_TRUE(drain(s).empty());
  EXPECT_FALSE(s.next_wakeup());
  EXPECT_EQ(s.stop_reason(), StopReason::interrupted);
}

TEST(Supervisor, InterruptedElsewhereStillEscalatesByPolicy) {
  const auto t0 = Clock::now();
  Supervisor s({.grace_period = 5s, .escalation = Escalation::kill}, std::nullopt);
  s.interrupted_elsewhere(StopReason::interrupted, t0);
  EXPECT_TRUE(drain(s).empty());
  EXPECT_EQ(s.next_wakeup(), t0 + 5s);
  s.on_time(t0 + 5s);
  EXPECT_EQ(drain(s), std::vector{kKillGroup});
}

TEST(Supervisor, DeferredStopIsDroppedWhenTheChildExits) {
  const auto t0 = Clock::now();
  Supervisor s({}, std::nullopt);
  s.request_stop_at(StopReason::owner_gone, t0 + 500ms);
  s.on_exited(t0 + 100ms);
  drain(s);
  s.on_time(t0 + 600ms);
  EXPECT_TRUE(drain(s).empty());
  EXPECT_EQ(s.stop_reason(), StopReason::none);
}

TEST(Supervisor, EscalatesAfterTheGracePeriodWhenThePolicySaysSo) {
  const auto t0 = Clock::now();
  Supervisor s({.grace_period = 5s, .escalation = Escalation::kill}, std::nullopt);
  s.request_stop(StopReason::interrupted, t0);
  EXPECT_EQ(drain(s), std::vector{kInterrupt});
  EXPECT_EQ(s.next_wakeup(), t0 + 5s);
  s.on_time(t0 + 4s);
  EXPECT_TRUE(drain(s).empty());
  s.on_time(t0 + 5s);
  EXPECT_EQ(drain(s), std::vector{kKillGroup});
  EXPECT_FALSE(s.next_wakeup());
}

TEST(Supervisor, EachEscalationSendsItsSignal) {
  for (auto [escalation, signal] : {std::pair{Escalation::interrupt_again, kInterrupt},
                                    std::pair{Escalation::terminate, kTerminateGroup}}) {
    const auto t0 = Clock::now();
    Supervisor s({.grace_period = 1s, .escalation = escalation}, std::nullopt);
    s.request_stop(StopReason::interrupted, t0);
    s.on_time(t0 + 1s);
    EXPECT_EQ(drain(s), (std::vector{kInterrupt, signal}));
  }
}

TEST(Supervisor, EscalateAppliesThePolicyAtOnceAndOnlyOnce) {
  const auto t0 = Clock::now();
  Supervisor s({.grace_period = 5s, .escalation = Escalation::terminate}, std::nullopt);
  s.request_stop(StopReason::interrupted, t0);
  EXPECT_EQ(drain(s), std::vector{kInterrupt});
  s.escalate(StopReason::interrupted, t0 + 1s);
  EXPECT_EQ(drain(s), std::vector{kTerminateGroup});
  EXPECT_FALSE(s.next_wakeup());  // the grace period's escalation is spent
  s.escalate(StopReason::interrupted, t0 + 2s);
  s.on_time(t0 + 5s);
  EXPECT_TRUE(drain(s).empty());
}

TEST(Supervisor, EscalateOnARunningChildInterruptsItFirst) {
  const auto t0 = Clock::now();
  Supervisor s({.grace_period = 5s, .escalation = Escalation::interrupt_again}, std::nullopt);
  s.escalate(StopReason::interrupted, t0);
  EXPECT_EQ(drain(s), (std::vector{kInterrupt, kInterrupt}));
  EXPECT_EQ(s.stop_reason(), StopReason::interrupted);
}

TEST(Supervisor, EscalateFollowsAnInterruptFromElsewhere) {
  const auto t0 = Clock::now();
  Supervisor s({.grace_period = 5s, .escalation = Escalation::kill}, std::nullopt);
  s.interrupted_elsewhere(StopReason::interrupted, t0);
  s.escalate(StopReason::interrupted, t0 + 1s);
  EXPECT_EQ(drain(s), std::vector{kKillGroup});
}

TEST(Supervisor, EscalateDoesNothingMoreWhenThePolicyNeverForces) {
  const auto t0 = Clock::now();
  Supervisor s({.grace_period = 1s, .escalation = Escalation::none}, std::nullopt);
  s.request_stop(StopReason::interrupted, t0);
  drain(s);
  s.escalate(StopReason::interrupted, t0 + 2s);
  EXPECT_TRUE(drain(s).empty());
  EXPECT_TRUE(s.stopping());
}

TEST(Supervisor, EscalateAfterExitSendsNothingToTheChild) {
  const auto t0 = Clock::now();
  Supervisor s({.grace_period = 5s, .escalation = Escalation::kill}, std::nullopt);
  s.request_stop(StopReason::interrupted, t0);
  drain(s);
  s.on_exited(t0 + 1s);
  EXPECT_EQ(drain(s), std::vector{kTerminateGroup});  // the leftovers' clean-up alone
  s.escalate(StopReason::interrupted, t0 + 1s);
  EXPECT_TRUE(drain(s).empty());
}

TEST(Supervisor, AnEndlessGracePeriodWaitsForEscalate) {
  const auto t0 = Clock::now();
  Supervisor s({.grace_period = std::chrono::milliseconds::max(), .escalation = Escalation::kill},
               std::nullopt);
  s.request_stop(StopReason::interrupted, t0);
  EXPECT_EQ(drain(s), std::vector{kInterrupt});
  EXPECT_FALSE(s.next_wakeup());
  s.escalate(StopReason::interrupted, t0 + 1s);
  EXPECT_EQ(drain(s), std::vector{kKillGroup});
}

TEST(Supervisor, TimeoutInterruptsAtTheDeadline) {
  const auto t0 = Clock::now();
  Supervisor s({}, t0 + 10s);
  EXPECT_EQ(s.next_wakeup(), t0 + 10s);
  s.on_time(t0 + 9s);
  EXPECT_TRUE(drain(s).empty());
  s.on_time(t0 + 10s);
  EXPECT_EQ(drain(s), std::vector{kInterrupt});
  EXPECT_EQ(s.stop_reason(), StopReason::timed_out);
}

TEST(Supervisor, PipesHeldByLeftoversAreGivenUp) {
  const auto t0 = Clock::now();
  Supervisor s({}, std::nullopt);
  s.on_exited(t0);
  EXPECT_EQ(drain(s), std::vector{kTerminateGroup});
  EXPECT_EQ(s.next_wakeup(), t0 + Supervisor::kLeftoverGrace);
  s.on_time(t0 + Supervisor::kLeftoverGrace);
  EXPECT_EQ(drain(s), std::vector{kKillGroup});
  EXPECT_FALSE(s.finished());
  s.on_time(t0 + Supervisor::kLeftoverGrace + Supervisor::kAbandonAfter);
  EXPECT_TRUE(s.finished());
}

TEST(Supervisor, ExitDropsSignalsMeantForTheChild) {
  const auto t0 = Clock::now();
  Supervisor s({}, std::nullopt, 0);
  s.request_stop(StopReason::interrupted, t0);
  s.on_exited(t0);
  EXPECT_EQ(drain(s), std::vector{kTerminateGroup});
  EXPECT_TRUE(s.finished());
  s.request_stop(StopReason::interrupted, t0);  // too late: nothing to do
  EXPECT_TRUE(drain(s).empty());
}

TEST(LineSplitter, JoinsChunksAndSplitsLines) {
  std::vector<std::string> lines;
  LineSplitter splitter([&](std::string_view line, std::size_t cut) {
    EXPECT_EQ(cut, 0u);
    lines.emplace_back(line);
  });
  splitter.feed("fir");
  splitter.feed("st\nsecond\n\nthi");
  splitter.feed("rd");
  EXPECT_EQ(lines, (std::vector<std::string>{"first", "second", ""}));
  splitter.finish();
  EXPECT_EQ(lines.back(), "third");
  splitter.finish();
  EXPECT_EQ(lines.size(), 4u);
}

TEST(LineSplitter, ALineLongerThanTheLimitIsCutAndSaysHowMuch) {
  std::vector<std::pair<std::string, std::size_t>> lines;
  LineSplitter splitter(
      [&](std::string_view line, std::size_t cut) { lines.emplace_back(line, cut); }, 4);
  splitter.feed("abcdefgh\nab");  // cut within one chunk
  splitter.feed("cd");
  splitter.feed("ef");  // and across chunks
  splitter.feed("g\nok\n");
  splitter.feed(std::string(100, 'x'));
  splitter.finish();
  using Lines = std::vector<std::pair<std::string, std::size_t>>;
  EXPECT_EQ(lines, (Lines{{"abcd", 4}, {"abcd", 3}, {"ok", 0}, {"xxxx", 96}}));
}

TEST(Environment, OverlayOnTopOfTheInheritedEnvironment) {
  ::setenv("LIBTERRAFORM_TEST_INHERITED", "inherited", 1);
  auto env = build_environment({{"LIBTERRAFORM_TEST_OVERLAY", "a=b c"}}, false);
  EXPECT_EQ(lookup(env, "LIBTERRAFORM_TEST_INHERITED"), "inherited");
  EXPECT_EQ(lookup(env, "LIBTERRAFORM_TEST_OVERLAY"), "a=b c");
  auto replaced = build_environment({{"ONLY", "1"}}, true);
  EXPECT_EQ(replaced, std::vector<std::string>{"ONLY=1"});
  ::unsetenv("LIBTERRAFORM_TEST_INHERITED");
}

TEST(Environment, FindExecutableSearchesPath) {
  EXPECT_EQ(find_executable("sh", {"PATH=/nonexistent:/bin:/usr/bin"}), "/bin/sh");
  EXPECT_EQ(find_executable("/bin/sh", {}), "/bin/sh");
  testing::expect_error(errc::binary_not_found, "",
                        [] { find_executable("definitely-not-a-binary", {"PATH=/bin:/usr/bin"}); });
  EXPECT_THROW(find_executable("sh", {}), Error);  // no PATH: nothing to search
  EXPECT_THROW(find_executable("/etc/passwd", {}), Error);
}

}  // namespace
}  // namespace libterraform::process
