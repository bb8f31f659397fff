// The pool's scheduling core, without processes.

#include "pool/scheduler.hpp"

#include <gtest/gtest.h>

namespace libterraform::pool {
namespace {

using Assignments = std::vector<Scheduler::Assignment>;

Scheduler with_ready_workers(std::size_t max, std::size_t ready) {
  Scheduler s(max);
  for (WorkerId w = 1; w <= ready; ++w) {
    s.worker_started(w);
    s.worker_ready(w);
  }
  return s;
}

TEST(Scheduler, StartsWorkersOnlyForRunnableTasksUpToTheMaximum) {
  Scheduler s(3);
  EXPECT_EQ(s.workers_to_start(), 0u);
  s.enqueue(1, "/a");
  EXPECT_EQ(s.workers_to_start(), 1u);
  s.enqueue(2, "/a");  // same module: cannot run alongside task 1
  EXPECT_EQ(s.workers_to_start(), 1u);
  for (TaskId t = 3; t <= 10; ++t)
    s.enqueue(t, "/m" + std::to_string(t));
  EXPECT_EQ(s.workers_to_start(), 3u);
  s.worker_started(1);
  s.worker_started(2);
  EXPECT_EQ(s.workers_to_start(), 1u);  // two are on their way
  s.worker_started(3);
  EXPECT_EQ(s.workers_to_start(), 0u);
}

TEST(Scheduler, AWithdrawnAssignmentFreesItsWorkerAndModule) {
  auto s = with_ready_workers(1, 1);
  s.enqueue(1, "/a");
  s.enqueue(2, "/a");
  EXPECT_EQ(s.assign(), (Assignments{{1, 1}}));
  s.withdraw(1);  // cancelled before it was sent
  EXPECT_EQ(s.task_of(1), std::nullopt);
  EXPECT_EQ(s.worker_of(1), std::nullopt);
  EXPECT_EQ(s.assign(), (Assignments{{2, 1}}));  // the module is free again
  EXPECT_EQ(s.running(), 1u);
  s.withdraw(7);  // unknown: nothing happens
  EXPECT_EQ(s.task_of(1), 2u);
}

TEST(Scheduler, StartingWorkersTakeNoTask) {
  Scheduler s(2);
  s.enqueue(1, "/a");
  s.worker_started(1);
  EXPECT_TRUE(s.assign().empty());
  s.worker_ready(1);
  EXPECT_EQ(s.assign(), (Assignments{{1, 1}}));
}

TEST(Scheduler, AssignsInSubmissionOrder) {
  auto s = with_ready_workers(3, 2);  // room for a third worker: no prefetch yet
  s.enqueue(1, "/a");
  s.enqueue(2, "/b");
  s.enqueue(3, "/c");
  EXPECT_EQ(s.assign(), (Assignments{{1, 1}, {2, 2}}));
  EXPECT_EQ(s.queued(), 1u);
  EXPECT_EQ(s.running(), 2u);
  EXPECT_EQ(s.task_finished(2), 2u);
  EXPECT_EQ(s.assign(), (Assignments{{3, 2}}));
}

TEST(Scheduler, SameModuleWaitsWhileOtherModulesGoAhead) {
  auto s = with_ready_workers(3, 3);
  s.enqueue(1, "/a");
  s.enqueue(2, "/a");
  s.enqueue(3, "/b");
  s.enqueue(4, "/a");
  EXPECT_EQ(s.assign(), (Assignments{{1, 1}, {3, 2}}));
  EXPECT_TRUE(s.assign().empty());  // worker 3 idles: everything left is on /a
  EXPECT_EQ(s.task_finished(1), 1u);
  EXPECT_EQ(s.assign(), (Assignments{{2, 1}}));  // /a's tasks keep their order
  EXPECT_EQ(s.task_finished(1), 2u);
  EXPECT_EQ(s.assign(), (Assignments{{4, 1}}));
}

TEST(Scheduler, TasksWithoutAModuleNeverWait) {
  auto s = with_ready_workers(2, 2);
  s.enqueue(1, "");
  s.enqueue(2, "");
  EXPECT_EQ(s.assign(), (Assignments{{1, 1}, {2, 2}}));
}

TEST(Scheduler, WithABacklogABusyWorkerHoldsOneMoreTask) {
  auto s = with_ready_workers(2, 2);
  for (TaskId t = 1; t <= 8; ++t)
    s.enqueue(t, "");
  EXPECT_EQ(s.assign(), (Assignments{{1, 1}, {2, 2}, {3, 1}, {4, 2}}));
  EXPECT_TRUE(s.assign().empty());  // one each, no more
  EXPECT_EQ(s.task_of(1), TaskId{1});
  EXPECT_EQ(s.task_finished(1), 1u);
  EXPECT_EQ(s.task_of(1), TaskId{3});  // it went on with its prefetched task
  EXPECT_EQ(s.assign(), (Assignments{{5, 1}}));
}

TEST(Scheduler, NoPrefetchWithoutABacklog) {
  auto s = with_ready_workers(2, 2);
  for (TaskId t = 1; t <= 4; ++t)
    s.enqueue(t, "");
  EXPECT_EQ(s.assign(), (Assignments{{1, 1}, {2, 2}}));  // two wait, for two workers
}

TEST(Scheduler, PrefetchedTaskIsRevokedForAnIdleWorker) {
  auto s = with_ready_workers(2, 2);
  for (TaskId t = 1; t <= 5; ++t)
    s.enqueue(t, "/m" + std::to_string(t));
  EXPECT_EQ(s.assign(), (Assignments{{1, 1}, {2, 2}, {3, 1}, {4, 2}}));
  EXPECT_EQ(s.cancel(5), Scheduler::CancelResult::removed);
  EXPECT_TRUE(s.revocations().empty());  // nobody idle
  EXPECT_EQ(s.task_finished(2), 2u);     // worker 2 goes on with task 4
  EXPECT_EQ(s.task_finished(2), 4u);     // worker 2 idles; task 3 waits behind task 1
  EXPECT_EQ(s.revocations(), (Assignments{{3, 1}}));
  EXPECT_TRUE(s.revocations().empty());  // asked once
  EXPECT_FALSE(s.revoked(1, 3));         // dropped by worker 1: back in the queue
  EXPECT_EQ(s.assign(), (Assignments{{3, 2}}));
}

TEST(Scheduler, RevokeThatArrivesTooLateIsHarmless) {
  auto s = with_ready_workers(2, 2);
  for (TaskId t = 1; t <= 5; ++t)
    s.enqueue(t, "");
  s.assign();  // 1 and 3 on worker 1, 2 and 4 on worker 2
  s.cancel(5);
  s.task_finished(2);
  s.task_finished(2);
  EXPECT_EQ(s.revocations(), (Assignments{{3, 1}}));
  EXPECT_EQ(s.task_finished(1), 1u);  // worker 1 started task 3 before the revoke arrived
  EXPECT_EQ(s.task_of(1), TaskId{3});
  EXPECT_FALSE(s.revoked(1, 3));  // nothing happens: it runs
  EXPECT_EQ(s.task_of(1), TaskId{3});
  EXPECT_EQ(s.queued(), 0u);
}

TEST(Scheduler, Cancel) {
  auto s = with_ready_workers(1, 1);
  s.enqueue(1, "/a");
  s.enqueue(2, "/b");
  s.enqueue(3, "/c");
  s.assign();  // 1 runs, 2 is prefetched, 3 waits
  EXPECT_EQ(s.cancel(3), Scheduler::CancelResult::removed);
  EXPECT_EQ(s.cancel(3), Scheduler::CancelResult::unknown);
  EXPECT_EQ(s.cancel(1), Scheduler::CancelResult::running);
  EXPECT_EQ(s.cancel(2), Scheduler::CancelResult::prefetched);
  EXPECT_TRUE(s.revoked(1, 2));  // the worker dropped it: it is gone
  EXPECT_EQ(s.worker_of(1), WorkerId{1});
  EXPECT_EQ(s.task_finished(1), 1u);
  EXPECT_EQ(s.cancel(1), Scheduler::CancelResult::unknown);
  EXPECT_TRUE(s.assign().empty());
}

TEST(Scheduler, CancelQueuedLeavesRunningTasks) {
  auto s = with_ready_workers(1, 1);
  s.enqueue(1, "/a");
  s.enqueue(2, "/b");
  s.enqueue(3, "/c");
  s.assign();
  EXPECT_EQ(s.cancel_queued(), (std::vector<TaskId>{3}));
  EXPECT_EQ(s.running(), 2u);
  EXPECT_EQ(s.queued(), 0u);
}

TEST(Scheduler, LostWorkerFailsItsTaskAndRequeuesItsPrefetchedOne) {
  auto s = with_ready_workers(1, 1);
  s.enqueue(1, "/a");
  s.enqueue(2, "/b");
  s.enqueue(3, "/a");
  s.enqueue(4, "/c");
  EXPECT_EQ(s.assign(), (Assignments{{1, 1}, {2, 1}}));
  auto lost = s.worker_lost(1);
  EXPECT_EQ(lost.failed, TaskId{1});
  EXPECT_EQ(lost.requeued, TaskId{2});
  EXPECT_FALSE(lost.cancelled);
  EXPECT_EQ(s.workers(), 0u);
  EXPECT_EQ(s.workers_to_start(), 1u);  // a replacement
  s.worker_started(2);
  s.worker_ready(2);
  EXPECT_EQ(s.assign(), (Assignments{{2, 2}, {3, 2}}));  // /a is free again
  EXPECT_EQ(s.worker_lost(7).failed, std::nullopt);      // never seen
}

TEST(Scheduler, LostWorkerReportsACancelledPrefetchedTask) {
  auto s = with_ready_workers(1, 1);
  s.enqueue(1, "");
  s.enqueue(2, "");
  s.enqueue(3, "");
  s.assign();
  EXPECT_EQ(s.cancel(2), Scheduler::CancelResult::prefetched);
  auto lost = s.worker_lost(1);
  EXPECT_EQ(lost.cancelled, TaskId{2});
  EXPECT_FALSE(lost.requeued);
  EXPECT_EQ(s.queued(), 1u);
}

TEST(Scheduler, ShutdownCancelsPrefetchedTasks) {
  auto s = with_ready_workers(1, 1);
  for (TaskId t = 1; t <= 3; ++t)
    s.enqueue(t, "");
  s.assign();
  EXPECT_EQ(s.cancel_prefetched(), (Assignments{{2, 1}}));
  EXPECT_TRUE(s.cancel_prefetched().empty());
  EXPECT_TRUE(s.revoked(1, 2));
}

TEST(Scheduler, ReservedModuleWaitsForRelease) {
  auto s = with_ready_workers(1, 1);
  s.reserve_module("/a");
  s.enqueue(1, "/a");
  EXPECT_TRUE(s.assign().empty());
  EXPECT_EQ(s.workers_to_start(), 0u);
  s.release_module("/a");
  EXPECT_EQ(s.assign(), (Assignments{{1, 1}}));
}

TEST(Scheduler, ManyQueuedTasks) {
  auto s = with_ready_workers(4, 4);
  for (TaskId t = 1; t <= 5000; ++t)
    s.enqueue(t, "");
  std::size_t done = 0;
  s.assign();
  while (s.running() > 0) {
    for (WorkerId w = 1; w <= 4; ++w) {
      if (s.task_finished(w)) ++done;
    }
    s.assign();
  }
  EXPECT_EQ(done, 5000u);
}

}  // namespace
}  // namespace libterraform::pool
