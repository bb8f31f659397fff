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
  for (TaskId t = 3; t <= 10; ++t) s.enqueue(t, "/m" + std::to_string(t));
  EXPECT_EQ(s.workers_to_start(), 3u);
  s.worker_started(1);
  s.worker_started(2);
  EXPECT_EQ(s.workers_to_start(), 1u);  // two are on their way
  s.worker_started(3);
  EXPECT_EQ(s.workers_to_start(), 0u);
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
  auto s = with_ready_workers(2, 2);
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

TEST(Scheduler, Cancel) {
  auto s = with_ready_workers(1, 1);
  s.enqueue(1, "/a");
  s.enqueue(2, "/b");
  s.assign();
  EXPECT_EQ(s.cancel(2), Scheduler::CancelResult::removed);
  EXPECT_EQ(s.cancel(2), Scheduler::CancelResult::unknown);
  EXPECT_EQ(s.cancel(1), Scheduler::CancelResult::running);
  EXPECT_EQ(s.worker_of(1), WorkerId{1});
  EXPECT_EQ(s.task_of(1), TaskId{1});
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
  EXPECT_EQ(s.cancel_queued(), (std::vector<TaskId>{2, 3}));
  EXPECT_EQ(s.running(), 1u);
  EXPECT_EQ(s.queued(), 0u);
}

TEST(Scheduler, LostWorkerFailsItsTaskAndFreesItsModule) {
  auto s = with_ready_workers(2, 1);
  s.enqueue(1, "/a");
  s.enqueue(2, "/a");
  s.assign();
  EXPECT_EQ(s.worker_lost(1), TaskId{1});
  EXPECT_EQ(s.workers(), 0u);
  EXPECT_EQ(s.workers_to_start(), 1u);  // a replacement, for task 2
  s.worker_started(2);
  s.worker_ready(2);
  EXPECT_EQ(s.assign(), (Assignments{{2, 2}}));
  EXPECT_EQ(s.worker_lost(7), std::nullopt);  // never seen
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
  for (TaskId t = 1; t <= 5000; ++t) s.enqueue(t, "");
  std::size_t done = 0;
  auto running = s.assign();
  while (!running.empty()) {
    for (const auto& a : running) {
      s.task_finished(a.worker);
      ++done;
    }
    running = s.assign();
  }
  EXPECT_EQ(done, 5000u);
}

}  // namespace
}  // namespace libterraform::pool
