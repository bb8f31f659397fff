// The pool's watch over processes that stop answering: pings, kills, late checks.

#include "pool/liveness.hpp"

#include <gtest/gtest.h>

namespace libterraform::pool {
namespace {

using namespace std::chrono_literals;
using Clock = Liveness::Clock;
using Ids = std::vector<WorkerId>;

TEST(Liveness, IdleWorkersAreLeftAlone) {
  const auto t0 = Clock::now();
  Liveness live(10s);
  live.busy(1, false, t0);
  EXPECT_FALSE(live.next_wakeup());
  auto actions = live.on_time(t0 + 1h);
  EXPECT_TRUE(actions.ping.empty());
  EXPECT_TRUE(actions.kill.empty());
}

TEST(Liveness, ABusyWorkerIsPingedAndKilledWhenItStopsAnswering) {
  const auto t0 = Clock::now();
  Liveness live(10s);
  live.busy(1, true, t0);
  EXPECT_EQ(live.next_wakeup(), t0 + 10s);
  EXPECT_TRUE(live.on_time(t0 + 9s).ping.empty());
  EXPECT_EQ(live.on_time(t0 + 10s).ping, Ids{1});
  EXPECT_EQ(live.next_wakeup(), t0 + 20s);
  live.answered(1, t0 + 10s + 5ms);  // alive: the next ping is a full timeout later
  EXPECT_EQ(live.next_wakeup(), t0 + 20s + 5ms);
  EXPECT_EQ(live.on_time(t0 + 20s + 5ms).ping, Ids{1});
  auto actions = live.on_time(t0 + 30s + 5ms);  // that one was never answered
  EXPECT_EQ(actions.kill, Ids{1});
  EXPECT_TRUE(live.on_time(t0 + 30s + 6ms).kill.empty());  // killed once
  // Its exit should be reported; if the spawner cannot, it is presumed.
  EXPECT_EQ(live.on_time(t0 + 40s + 5ms).presume_exited, Ids{1});
  EXPECT_FALSE(live.next_wakeup());
}

TEST(Liveness, AWorkerThatGoesIdleIsNoLongerWaitedOn) {
  const auto t0 = Clock::now();
  Liveness live(10s);
  live.busy(1, true, t0);
  live.on_time(t0 + 10s);  // pinged
  live.busy(1, false, t0 + 11s);
  EXPECT_TRUE(live.on_time(t0 + 25s).kill.empty());
}

TEST(Liveness, ALateCheckGivesEveryoneAFreshTimeout) {
  // The pool itself was stopped (Ctrl-Z) for a minute: its workers were too.
  const auto t0 = Clock::now();
  Liveness live(10s);
  live.busy(1, true, t0);
  EXPECT_EQ(live.on_time(t0 + 10s).ping, Ids{1});
  auto late = live.on_time(t0 + 80s);
  EXPECT_TRUE(late.kill.empty());
  live.answered(1, t0 + 80s + 1ms);
  EXPECT_TRUE(live.on_time(t0 + 85s).kill.empty());
}

TEST(Liveness, AClosedWorkerMustExitInTime) {
  const auto t0 = Clock::now();
  Liveness live(10s);
  live.busy(1, true, t0);
  live.closed(1, t0 + 1s);
  EXPECT_EQ(live.next_wakeup(), t0 + 11s);
  EXPECT_TRUE(live.on_time(t0 + 10s).kill.empty());
  EXPECT_EQ(live.on_time(t0 + 11s).kill, Ids{1});
  live.gone(1);  // its exit reported
  EXPECT_FALSE(live.next_wakeup());
}

TEST(Liveness, AnEndedChannelWithoutAnExitReportIsPresumedExited) {
  const auto t0 = Clock::now();
  Liveness live(10s);
  live.channel_ended(2, t0);
  auto actions = live.on_time(t0 + 10s);
  EXPECT_EQ(actions.presume_exited, Ids{2});
  EXPECT_TRUE(actions.kill.empty());
  EXPECT_FALSE(live.next_wakeup());
}

TEST(Liveness, AClosedSpawnerMustExitInTime) {
  const auto t0 = Clock::now();
  Liveness live(10s);
  live.spawner_closed(t0);
  EXPECT_FALSE(live.on_time(t0 + 9s).kill_spawner);
  EXPECT_TRUE(live.on_time(t0 + 10s).kill_spawner);
  EXPECT_FALSE(live.on_time(t0 + 30s).kill_spawner);

  Liveness exits(10s);
  exits.spawner_closed(t0);
  exits.spawner_gone();
  EXPECT_FALSE(exits.on_time(t0 + 10s).kill_spawner);
}

}  // namespace
}  // namespace libterraform::pool
