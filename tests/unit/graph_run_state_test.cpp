// A run over a graph driven by hand, through run_graph with a module runner whose
// tasks run nowhere: the order, failures, fail-fast, cancel and escalate, callbacks that
// throw, and what the report takes from each task. No process runs.

#include "fake_tasks.hpp"
#include "graphs.hpp"
#include "libterraform/graph_run.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <vector>

namespace libterraform {
namespace {

using testing::FakeRunner;
using Strings = std::vector<std::string>;

using testing::diamond;
using testing::independent;

const ModuleReport& report_of(const GraphRunReport& report, std::string_view name) {
  auto found = std::find_if(report.modules.begin(), report.modules.end(),
                            [&](const ModuleReport& m) { return m.module == name; });
  return *found;
}

TEST(GraphRunState, EachModuleStartsOnceItsDependenciesSucceeded) {
  FakeRunner tasks;
  Strings told;
  auto run = run_graph(diamond(), tasks.runner(), {.on_change = [&](const ModuleReport& m) {
                         told.push_back(m.module + ":" + std::string(to_string(m.result)));
                       }});
  EXPECT_EQ(tasks.submitted, Strings({"base"}));
  tasks.start("base");
  tasks.end("base", 0);
  EXPECT_EQ(tasks.submitted, Strings({"base", "left", "right"}));
  tasks.start("left");
  tasks.end("left", 0);
  EXPECT_EQ(tasks.submitted.size(), 3u) << "top waits for right too";
  tasks.start("right");
  tasks.end("right", 0);
  EXPECT_EQ(tasks.submitted, Strings({"base", "left", "right", "top"}));
  EXPECT_FALSE(run.done());
  tasks.start("top");
  tasks.end("top", 0);
  ASSERT_TRUE(run.done());
  const auto report = run.get();
  EXPECT_EQ(report.exit_code, 0);
  for (const auto& m : report.modules)
    EXPECT_EQ(m.result, ModuleResult::succeeded) << m.module;
  // base's end is told before left is handed to the runner.
  auto at = [&](const std::string& entry) {
    return std::find(told.begin(), told.end(), entry) - told.begin();
  };
  EXPECT_LT(at("base:queued"), at("base:running"));
  EXPECT_LT(at("base:running"), at("base:succeeded"));
  EXPECT_LT(at("base:succeeded"), at("left:queued"));
  EXPECT_LT(at("right:succeeded"), at("top:queued"));
}

TEST(GraphRunState, AFailureSkipsWhatDependsOnItWithItsCause) {
  FakeRunner tasks;
  auto run = run_graph(diamond(), tasks.runner());
  tasks.start("base");
  tasks.end("base", 1);
  ASSERT_TRUE(run.done());
  const auto report = run.get();
  EXPECT_EQ(report.exit_code, 1);
  const auto& base = report_of(report, "base");
  EXPECT_EQ(base.result, ModuleResult::failed);
  EXPECT_EQ(base.error, errc::command_failed);
  EXPECT_EQ(base.reason, "terraform exited with code 1");
  for (const char* skipped : {"left", "right", "top"}) {
    const auto& m = report_of(report, skipped);
    EXPECT_EQ(m.result, ModuleResult::skipped) << skipped;
    EXPECT_EQ(m.stopped_by, StoppedBy::dependency_failed) << skipped;
    EXPECT_EQ(m.cause, "base") << skipped;
  }
  EXPECT_EQ(tasks.submitted, Strings({"base"}));
}

TEST(GraphRunState, FailFastWithdrawsTheTasksNotStarted) {
  FakeRunner tasks;
  auto run = run_graph(independent({"a", "b", "c"}), tasks.runner(), {.fail_fast = true});
  ASSERT_EQ(tasks.submitted, Strings({"a", "b", "c"}));
  tasks.start("a");
  tasks.start("b");
  tasks.end("a", 1);
  // Each other task goes back unless it has started: c, still queued, is dropped; b,
  // whose terraform runs, is asked and runs on. None is interrupted.
  EXPECT_EQ(tasks.pool().dropped_tasks, std::vector<std::uint64_t>({tasks.id("c")}));
  EXPECT_EQ(tasks.pool().withdrawn_tasks, std::vector<std::uint64_t>({tasks.id("b")}));
  EXPECT_TRUE(tasks.pool().interrupted_tasks.empty());
  tasks.end("b", 0);
  ASSERT_TRUE(run.done());
  const auto report = run.get();
  EXPECT_EQ(report_of(report, "b").result, ModuleResult::succeeded);
  const auto& c = report_of(report, "c");
  EXPECT_EQ(c.result, ModuleResult::skipped);
  EXPECT_EQ(c.stopped_by, StoppedBy::fail_fast);
  EXPECT_EQ(c.cause, "a");
}

TEST(GraphRunState, CancelInterruptsOnceAndEscalateEscalates) {
  FakeRunner tasks;
  auto run = run_graph(independent({"a", "b"}), tasks.runner());
  tasks.start("a");  // b stays queued
  run.cancel();
  run.cancel();  // harmless
  EXPECT_EQ(tasks.pool().interrupted_tasks, std::vector<std::uint64_t>({tasks.id("a")}));
  EXPECT_EQ(tasks.pool().dropped_tasks, std::vector<std::uint64_t>({tasks.id("b")}));
  run.escalate();
  EXPECT_EQ(tasks.pool().escalated_tasks, std::vector<std::uint64_t>({tasks.id("a")}));
  EXPECT_FALSE(run.done()) << "a's terraform is still winding down";
  tasks.end("a", 1, /*interrupted=*/true);
  ASSERT_TRUE(run.done());
  const auto report = run.get();
  EXPECT_TRUE(report.cancelled);
  const auto& a = report_of(report, "a");
  EXPECT_EQ(a.result, ModuleResult::cancelled);
  EXPECT_EQ(a.stopped_by, StoppedBy::run_cancelled);
  EXPECT_EQ(a.error, errc::interrupted);
  EXPECT_EQ(report_of(report, "b").result, ModuleResult::cancelled);
  EXPECT_EQ(report_of(report, "b").error, errc::cancelled);
}

TEST(GraphRunState, AStopRequestCancelsTheRun) {
  FakeRunner tasks;
  std::stop_source stop;
  GraphRunOptions options;
  options.common.stop_token = stop.get_token();
  auto run = run_graph(independent({"a"}), tasks.runner(), options);
  EXPECT_FALSE(tasks.task("a").common.stop_token.stop_possible()) << "the run's, not passed on";
  tasks.start("a");
  stop.request_stop();
  EXPECT_EQ(tasks.pool().interrupted_tasks, std::vector<std::uint64_t>({tasks.id("a")}));
  tasks.end("a", 1, /*interrupted=*/true);
  EXPECT_TRUE(run.get().cancelled);
}

TEST(GraphRunState, AnOnChangeThatThrowsFailsItsModuleAndTheRunEnds) {
  FakeRunner tasks;
  auto run = run_graph(diamond(), tasks.runner(), {.on_change = [](const ModuleReport& m) {
                         if (m.module == "base" && m.result == ModuleResult::succeeded)
                           throw std::runtime_error("display broke");
                       }});
  tasks.start("base");
  tasks.end("base", 0);
  ASSERT_TRUE(run.done());
  const auto report = run.get();
  const auto& base = report_of(report, "base");
  EXPECT_EQ(base.result, ModuleResult::failed);
  EXPECT_EQ(base.error, errc::callback_failed);
  EXPECT_NE(base.reason.find("display broke"), std::string::npos) << base.reason;
  EXPECT_EQ(report_of(report, "left").result, ModuleResult::skipped);
  EXPECT_EQ(tasks.submitted, Strings({"base"})) << "nothing starts after a module it failed";
}

TEST(GraphRunState, ARunnerThatThrowsFailsTheModuleWithItsCode) {
  FakeRunner tasks;
  auto runner = tasks.runner();
  auto refusing = [&](const GraphModule& module, CommonOptions common) {
    if (module.name == "b") throw Error(errc::pool_shut_down, "the pool is shutting down");
    return runner(module, std::move(common));
  };
  auto run = run_graph(independent({"a", "b"}), refusing);
  tasks.start("a");
  tasks.end("a", 0);
  ASSERT_TRUE(run.done());
  const auto report = run.get();
  const auto& b = report_of(report, "b");
  EXPECT_EQ(b.result, ModuleResult::failed);
  EXPECT_EQ(b.error, errc::pool_shut_down);
  EXPECT_EQ(b.reason, "the pool is shutting down");
}

TEST(GraphRunState, ATaskThatFailsGivesItsCodeAndException) {
  FakeRunner tasks;
  auto run = run_graph(independent({"a"}), tasks.runner());
  tasks.start("a");
  tasks.fail("a", errc::worker_died, "pool worker 3 died (signal 9)");
  const auto report = run.get();
  const auto& a = report_of(report, "a");
  EXPECT_EQ(a.result, ModuleResult::failed);
  EXPECT_EQ(a.error, errc::worker_died);
  EXPECT_EQ(a.reason, "pool worker 3 died (signal 9)");
  testing::expect_error(errc::worker_died, "signal 9",
                        [&] { std::rethrow_exception(a.exception); });
}

TEST(GraphRunState, TheReportTakesTimesAndSummaryFromTheTask) {
  FakeRunner tasks;
  auto run = run_graph(independent({"a", "never"}), tasks.runner(), {.exclude = {"never"}});
  EXPECT_EQ(tasks.submitted, Strings({"a"}));
  const auto started = FakeRunner::Clock::now() - std::chrono::seconds(5);
  const auto ended = started + std::chrono::seconds(2);
  tasks.start("a", started);
  Event summary;
  summary.summary = ChangeSummary{.add = 2, .operation = "apply"};
  tasks.event("a", summary);
  tasks.end("a", 0, false, ended);
  const auto report = run.get();
  const auto& a = report_of(report, "a");
  ASSERT_TRUE(a.started && a.ended && a.submitted);
  EXPECT_EQ(*a.started, started);
  EXPECT_EQ(*a.ended, ended);
  ASSERT_TRUE(a.summary);
  EXPECT_EQ(a.summary->add, 2);
  const auto& never = report_of(report, "never");
  EXPECT_EQ(never.result, ModuleResult::excluded);
  EXPECT_FALSE(never.started);
  // The handles: the module's outcome and the run's report, read-only.
  EXPECT_EQ(run.module("a").get().result, ModuleResult::succeeded);
  EXPECT_EQ(run.future().exception(), nullptr);
}

}  // namespace
}  // namespace libterraform
