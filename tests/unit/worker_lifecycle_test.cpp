// The lifecycle of a pool's workers, without processes.

#include "pool/worker_lifecycle.hpp"

#include <gtest/gtest.h>

namespace libterraform::pool {
namespace {

using Phase = WorkerLifecycle::Phase;
using Ids = std::vector<WorkerId>;

WorkerLifecycle with_ready(std::initializer_list<WorkerId> ids) {
  WorkerLifecycle workers;
  for (WorkerId id : ids) {
    workers.starting(id);
    workers.spawned(id, static_cast<pid_t>(100 + id));
    workers.ready(id);
  }
  return workers;
}

TEST(WorkerLifecycle, PhasesFromStartingToGone) {
  WorkerLifecycle workers;
  workers.starting(1);
  EXPECT_EQ(workers.phase(1), Phase::starting);
  EXPECT_EQ(workers.find(101), std::nullopt);  // no pid until the spawner answers
  workers.spawned(1, 101);
  EXPECT_EQ(workers.find(101), 1u);
  EXPECT_EQ(workers.pid(1), 101);
  EXPECT_EQ(workers.serving(), Ids{});  // not ready yet
  workers.ready(1);
  EXPECT_EQ(workers.phase(1), Phase::ready);
  EXPECT_EQ(workers.serving(), Ids{1});
  EXPECT_EQ(workers.close_all(), Ids{1});
  EXPECT_EQ(workers.phase(1), Phase::closing);
  EXPECT_EQ(workers.serving(), Ids{});
  EXPECT_EQ(workers.close_all(), Ids{});  // closed once
  auto end = workers.ended(1, "pool worker 101 exited with status 0", true);
  EXPECT_FALSE(end.pool_failure);
  EXPECT_FALSE(workers.exists(1));
  EXPECT_TRUE(workers.empty());
}

TEST(WorkerLifecycle, AWorkerNeverReadyBreaksThePool) {
  WorkerLifecycle workers;
  workers.starting(1);
  workers.spawned(1, 101);
  auto end = workers.ended(1, "pool worker 101 died (signal 9: Killed)", false);
  ASSERT_TRUE(end.pool_failure);
  EXPECT_EQ(end.pool_failure->code, errc::worker_start_failed);
  EXPECT_EQ(end.pool_failure->message, "pool worker 101 died (signal 9: Killed) while starting");
}

TEST(WorkerLifecycle, ItsOwnReportIsTheCauseOfAFailedStart) {
  WorkerLifecycle workers;
  workers.starting(1);
  workers.spawned(1, 101);
  workers.failing(1, {errc::worker_died, "worker initializer threw: no"});
  auto end = workers.ended(1, "pool worker 101 exited with status 1", false);
  ASSERT_TRUE(end.pool_failure);
  EXPECT_EQ(end.pool_failure->message, "worker initializer threw: no");
}

TEST(WorkerLifecycle, ClosingThePoolWhileAWorkerStartsIsNoFailure) {
  WorkerLifecycle workers;
  workers.starting(1);
  workers.spawned(1, 101);
  EXPECT_EQ(workers.close_all(), Ids{1});
  workers.ready(1);  // its ready frame was on its way
  EXPECT_EQ(workers.phase(1), Phase::closing);
  EXPECT_FALSE(workers.ended(1, "exited", true).pool_failure);
}

TEST(WorkerLifecycle, ATaskFailsWithTheFirstReasonKnown) {
  auto workers = with_ready({1, 2, 3});
  workers.failing(1, {errc::protocol_error, "protocol error: bad frame"});
  workers.failing(1, {errc::worker_died, "killed for not answering"});  // an effect
  auto first = workers.ended(1, "pool worker 101 died (signal 9: Killed)", false);
  EXPECT_EQ(first.task_failure, (WorkerFailure{errc::protocol_error, "protocol error: bad frame"}));
  EXPECT_FALSE(first.pool_failure);  // it had been ready

  auto plain = workers.ended(2, "pool worker 102 died (signal 9: Killed)", false);
  EXPECT_EQ(plain.task_failure,
            (WorkerFailure{errc::worker_died, "pool worker 102 died (signal 9: Killed)"}));
  EXPECT_EQ(workers.size(), 1u);
}

TEST(WorkerLifecycle, EndedChannelsAreKnownAndNotClosedAgain) {
  auto workers = with_ready({1, 2});
  workers.channel_ended(2);
  EXPECT_EQ(workers.with_ended_channel(), Ids{2});
  EXPECT_EQ(workers.serving(), Ids{1});
  EXPECT_EQ(workers.close_all(), Ids{1});
}

TEST(WorkerLifecycle, UnknownWorkersAreIgnored) {
  WorkerLifecycle workers;
  workers.ready(7);
  workers.failing(7, {errc::worker_died, "x"});
  workers.channel_ended(7);
  EXPECT_TRUE(workers.empty());
  EXPECT_EQ(workers.pid(7), -1);
  EXPECT_EQ(workers.ended(7, "gone", false).task_failure.message, "gone");
}

}  // namespace
}  // namespace libterraform::pool
