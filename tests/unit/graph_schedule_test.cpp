// The graph run's scheduling core, without processes.

#include "graph/graph_schedule.hpp"

#include <gtest/gtest.h>

namespace libterraform::graph {
namespace {

using Ids = std::vector<std::size_t>;

// 0 <- 1, 0 <- 2, {1, 2} <- 3: a diamond (3 waits for 1 and 2, which wait for 0).
std::vector<Ids> diamond() {
  return {{}, {0}, {0}, {1, 2}};
}

GraphSchedule make(std::vector<Ids> waits, SchedulePolicy policy = {},
                   std::vector<bool> selected = {}) {
  if (selected.empty()) selected.assign(waits.size(), true);
  return GraphSchedule(std::move(waits), selected, policy);
}

TEST(GraphSchedule, ADiamondRunsLevelByLevelAsDependenciesSucceed) {
  auto s = make(diamond());
  EXPECT_EQ(s.take_ready(), (Ids{0}));
  EXPECT_EQ(s.take_ready(), Ids{});  // each module is handed out once
  s.succeeded(0);
  EXPECT_EQ(s.take_ready(), (Ids{1, 2}));
  s.succeeded(2);
  EXPECT_EQ(s.take_ready(), Ids{});  // 3 still waits for 1
  EXPECT_FALSE(s.done());
  s.succeeded(1);
  EXPECT_EQ(s.take_ready(), (Ids{3}));
  s.succeeded(3);
  EXPECT_TRUE(s.done());
}

TEST(GraphSchedule, AFailureSkipsEverythingThatWaitsOnItWithItAsCause) {
  // 0 <- 1 <- 2, and 3 alone.
  auto s = make({{}, {0}, {1}, {}});
  EXPECT_EQ(s.take_ready(), (Ids{0, 3}));
  EXPECT_EQ(s.failed(0), (Ids{1, 2}));
  EXPECT_EQ(s.state(1), ModuleState::skipped);
  EXPECT_EQ(s.state(2), ModuleState::skipped);
  EXPECT_EQ(s.cause(2), 0u);
  EXPECT_EQ(s.state(3), ModuleState::running);  // unrelated: goes on
  EXPECT_FALSE(s.done());
  s.succeeded(3);
  EXPECT_TRUE(s.done());
}

TEST(GraphSchedule, IgnoreErrorsRunsDependentsOfAFailedModule) {
  auto s = make(diamond(), {.ignore_errors = true});
  s.take_ready();
  EXPECT_EQ(s.failed(0), Ids{});
  EXPECT_EQ(s.take_ready(), (Ids{1, 2}));
}

TEST(GraphSchedule, FailFastSkipsEveryWaitingModuleAndStartsNoMore) {
  // 0 and 1 independent; 2 waits for 1.
  auto s = make({{}, {}, {1}}, {.fail_fast = true});
  EXPECT_EQ(s.take_ready(), (Ids{0, 1}));
  EXPECT_EQ(s.failed(0), (Ids{2}));
  EXPECT_EQ(s.cause(2), 0u);
  s.succeeded(1);  // a running one finishes
  EXPECT_EQ(s.take_ready(), Ids{});
  EXPECT_TRUE(s.stopped());
  EXPECT_TRUE(s.done());
}

TEST(GraphSchedule, ExcludedModulesCountAsDoneForTheirDependents) {
  auto s = make(diamond(), {}, {false, true, true, true});
  EXPECT_EQ(s.state(0), ModuleState::excluded);
  EXPECT_EQ(s.take_ready(), (Ids{1, 2}));
}

TEST(GraphSchedule, CancelStartsNothingMoreAndWaitsForRunningOnes) {
  auto s = make(diamond());
  s.take_ready();
  EXPECT_EQ(s.cancel(), (Ids{1, 2, 3}));
  EXPECT_EQ(s.state(3), ModuleState::cancelled);
  EXPECT_FALSE(s.done());  // 0 still runs
  s.cancelled(0);
  EXPECT_EQ(s.take_ready(), Ids{});
  EXPECT_TRUE(s.done());
}

TEST(GraphSchedule, ACancelledTaskCancelsWhatWaitsOnIt) {
  auto s = make(diamond());
  s.take_ready();
  EXPECT_EQ(s.cancelled(0), (Ids{1, 2, 3}));
  EXPECT_EQ(s.cause(3), 0u);
  EXPECT_TRUE(s.done());
}

TEST(GraphSchedule, AModuleWithdrawnFromTheQueueIsSkipped) {
  auto s = make({{}, {}}, {.fail_fast = true});
  s.take_ready();
  s.failed(0);
  s.skipped(1, 0);
  EXPECT_EQ(s.state(1), ModuleState::skipped);
  EXPECT_EQ(s.cause(1), 0u);
  EXPECT_TRUE(s.done());
}

TEST(GraphSchedule, AnEmptyGraphIsDoneAtOnce) {
  auto s = make({});
  EXPECT_EQ(s.take_ready(), Ids{});
  EXPECT_TRUE(s.done());
}

}  // namespace
}  // namespace libterraform::graph
