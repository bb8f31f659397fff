// Runs over a graph of modules against the real terraform: order, reverse destroy,
// skips with their cause, fail-fast, cancellation, exit codes, dry runs and globs.

#include "libterraform/libterraform.hpp"
#include "modules.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <stdexcept>
#include <stop_token>

namespace libterraform {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;
namespace fs = std::filesystem;

// A module whose apply appends its name to ../applied.log and whose destroy appends it
// to ../destroyed.log, after `seconds` of sleep: the order terraform really ran them.
std::string step(std::string_view name, int seconds = 0) {
  return "resource \"terraform_data\" \"step\" {\n"
         "  provisioner \"local-exec\" {\n"
         "    command = \"sleep " +
         std::to_string(seconds) + "; echo " + std::string(name) +
         " >> ../applied.log\"\n"
         "  }\n"
         "  provisioner \"local-exec\" {\n"
         "    when    = destroy\n"
         "    command = \"echo " +
         std::string(name) +
         " >> ../destroyed.log\"\n"
         "  }\n"
         "}\n";
}

std::vector<std::string> lines_of(const fs::path& file) {
  std::vector<std::string> lines;
  std::istringstream in(testing::read_file(file));
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

const ModuleReport& report_of(const GraphRunReport& report, std::string_view name) {
  for (const auto& m : report.modules)
    if (m.module == name) return m;
  throw std::runtime_error("no module " + std::string(name));
}

ApplyOptions auto_approved(CommonOptions common) {
  return with_common_options(ApplyOptions(), common);
}

Future<CommandResult> apply(const PoolCommand& module, CommonOptions common) {
  return module.apply(auto_approved(std::move(common)));
}

class GraphRunTest : public testing::LeakCheck {
 protected:
  PoolOptions pool_options(unsigned workers) {
    return {.max_workers = workers, .terraform = testing::terraform_options()};
  }
  fs::path module(std::string_view name, const std::string& main_tf) {
    return testing::make_module(dir.path(), name, main_tf);
  }
  // base <- left, right <- top
  ModuleGraph diamond(int seconds = 0) {
    ModuleGraph g;
    for (const char* name : {"base", "left", "right", "top"})
      g.add(name, module(name, step(name, seconds)));
    g.add_dependency("left", "base").add_dependency("right", "base");
    g.add_dependency("top", "left").add_dependency("top", "right");
    return g;
  }
  void init(TerraformPool& pool, const ModuleGraph& graph) {
    ASSERT_EQ(run_graph(pool, graph, "init").get().exit_code, 0);
  }
  ModuleGraph two_slow_and_a_dependent(TerraformPool& pool);
  void expect_cancelled_mid_run(const GraphRunReport& report);
  static std::function<void(const ModuleEvent&)> count_provision_starts(std::atomic<int>& count) {
    return [&count](const ModuleEvent& e) {
      if (e.event.type == EventType::provision_start) ++count;
    };
  }
  TempDir dir;
};

TEST_F(GraphRunTest, ADiamondAppliesInDependencyOrderAndDestroysInReverse) {
  TerraformPool pool(pool_options(2));
  auto graph = diamond();
  init(pool, graph);

  const auto& applied = run_graph(pool, graph, apply).get();
  EXPECT_EQ(applied.exit_code, 0);
  for (const auto& m : applied.modules) {
    EXPECT_EQ(m.result, ModuleResult::succeeded) << m.module << ": " << m.reason;
    ASSERT_TRUE(m.summary) << m.module;
    EXPECT_EQ(m.summary->add, 1);
  }
  auto order = lines_of(dir / "applied.log");
  ASSERT_EQ(order.size(), 4u);
  EXPECT_EQ(order.front(), "base");
  EXPECT_EQ(order.back(), "top");
  // Each module was handed to the pool only after what it depends on had ended.
  for (const auto& m : graph.modules()) {
    for (std::size_t before : m.after) {
      EXPECT_LE(*report_of(applied, graph.modules()[before].name).ended,
                *report_of(applied, m.name).started);
    }
  }
  EXPECT_EQ(applied.order,
            (std::vector<std::vector<std::string>>{{"base"}, {"left", "right"}, {"top"}}));

  const auto& destroyed = run_graph(pool, graph, "destroy").get();
  EXPECT_EQ(destroyed.exit_code, 0);
  auto reverse = lines_of(dir / "destroyed.log");
  ASSERT_EQ(reverse.size(), 4u);
  EXPECT_EQ(reverse.front(), "top");
  EXPECT_EQ(reverse.back(), "base");
  for (const auto& m : graph.modules())
    EXPECT_TRUE(testing::state_is_clean(m.directory));
}

TEST_F(GraphRunTest, AFailureSkipsItsDependentsWithTheCauseAndOthersGoOn) {
  TerraformPool pool(pool_options(2));
  ModuleGraph g;
  g.add("base", module("base", step("base")));
  g.add("broken", module("broken", std::string(testing::modules::kInvalid)));
  g.add("after_broken", module("after_broken", step("after_broken")));
  g.add("last", module("last", step("last")));
  g.add("independent", module("independent", step("independent")));
  g.add_dependency("broken", "base").add_dependency("after_broken", "broken");
  g.add_dependency("last", "after_broken");
  init(pool, g);

  auto run = run_graph(pool, g, apply);
  const auto& report = run.get();
  EXPECT_EQ(report.exit_code, 1);
  EXPECT_EQ(report_of(report, "base").result, ModuleResult::succeeded);
  EXPECT_EQ(report_of(report, "independent").result, ModuleResult::succeeded);
  const auto& broken = report_of(report, "broken");
  EXPECT_EQ(broken.result, ModuleResult::failed);
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.reason.find("Unsupported argument"), std::string::npos) << broken.reason;
  for (const char* skipped : {"after_broken", "last"}) {
    const auto& m = report_of(report, skipped);
    EXPECT_EQ(m.result, ModuleResult::skipped) << skipped;
    EXPECT_EQ(m.cause, "broken");
    EXPECT_EQ(m.reason, "dependency broken failed");
    EXPECT_FALSE(m.started);
  }
  // Each module's future holds the same outcome.
  EXPECT_EQ(run.module("last").get().result, ModuleResult::skipped);
  EXPECT_FALSE(fs::exists(dir / "after_broken/terraform.tfstate"));
}

// A retry from the report of a run: what succeeded there is left out with its reason,
// also when the graph selection would add it back; the rest runs in dependency order.
TEST_F(GraphRunTest, ARetryRunsWhatDidNotSucceedInDependencyOrder) {
  TerraformPool pool(pool_options(2));
  ModuleGraph g;
  g.add("base", module("base", step("base")));
  // Fails to apply until a file named `fixed` exists in it.
  g.add("flaky", module("flaky", R"(
resource "terraform_data" "step" {
  provisioner "local-exec" {
    command = "test -e fixed && echo flaky >> ../applied.log"
  }
}
)"));
  g.add("after", module("after", step("after")));
  g.add("other", module("other", step("other")));
  g.add_dependency("flaky", "base").add_dependency("after", "flaky");
  init(pool, g);
  const GraphRunReport first = run_graph(pool, g, apply).get();
  ASSERT_EQ(report_of(first, "flaky").result, ModuleResult::failed);
  ASSERT_EQ(report_of(first, "after").result, ModuleResult::skipped);

  testing::write_file(dir / "flaky/fixed", "");
  fs::remove(dir / "applied.log");
  GraphRunOptions retry{.include = {"after"}};
  retry.include_dependencies = true;  // would add base back: the retry's left_out wins
  retry.left_out = retry_left_out(g, first);
  const GraphRunReport second = run_graph(pool, g, apply, retry).get();
  EXPECT_EQ(second.exit_code, 0);
  EXPECT_EQ(second.order, (std::vector<std::vector<std::string>>{{"flaky"}, {"after"}}));
  EXPECT_EQ(lines_of(dir / "applied.log"), (std::vector<std::string>{"flaky", "after"}));
  // Each left out with the first reason that applies: the include, then the retry.
  for (const auto& [left, reason] :
       {std::pair("base", "succeeded in the run retried"), std::pair("other", "excluded")}) {
    EXPECT_EQ(report_of(second, left).result, ModuleResult::excluded) << left;
    EXPECT_EQ(report_of(second, left).reason, reason) << left;
    EXPECT_FALSE(report_of(second, left).started) << left;
  }
}

TEST_F(GraphRunTest, IgnoreErrorsRunsTheDependentsOfAFailedModule) {
  TerraformPool pool(pool_options(2));
  ModuleGraph g;
  g.add("broken", module("broken", std::string(testing::modules::kInvalid)));
  g.add("after", module("after", step("after")));
  g.add_dependency("after", "broken");
  init(pool, g);
  const auto& report = run_graph(pool, g, apply, {.ignore_errors = true}).get();
  EXPECT_EQ(report_of(report, "after").result, ModuleResult::succeeded);
  EXPECT_EQ(report.exit_code, 1);
}

TEST_F(GraphRunTest, FailFastStartsNoMoreModulesAndLetsRunningOnesFinish) {
  TerraformPool pool(pool_options(2));
  ModuleGraph g;
  g.add("broken", module("broken", std::string(testing::modules::kInvalid)));
  g.add("slow", module("slow", step("slow", 2)));
  g.add("after_slow", module("after_slow", step("after_slow")));
  g.add_dependency("after_slow", "slow");
  init(pool, g);
  const auto& report = run_graph(pool, g, apply, {.fail_fast = true}).get();
  EXPECT_EQ(report.exit_code, 1);
  EXPECT_EQ(report_of(report, "broken").result, ModuleResult::failed);
  EXPECT_EQ(report_of(report, "slow").result, ModuleResult::succeeded);  // it was running
  const auto& skipped = report_of(report, "after_slow");
  EXPECT_EQ(skipped.result, ModuleResult::skipped);
  EXPECT_EQ(skipped.cause, "broken");
  EXPECT_EQ(skipped.reason, "fail-fast: broken failed");
  EXPECT_TRUE(testing::state_is_clean(dir / "slow"));
}

// slow_a and slow_b sleep 30 s in their applies; after_a runs after slow_a.
ModuleGraph GraphRunTest::two_slow_and_a_dependent(TerraformPool& pool) {
  ModuleGraph g;
  g.add("slow_a", module("slow_a", testing::slow_resource(30)));
  g.add("slow_b", module("slow_b", testing::slow_resource(30)));
  g.add("after_a", module("after_a", step("after_a")));
  g.add_dependency("after_a", "slow_a");
  init(pool, g);
  return g;
}

// A run of two_slow_and_a_dependent() stopped while both slow ones provisioned.
void GraphRunTest::expect_cancelled_mid_run(const GraphRunReport& report) {
  EXPECT_TRUE(report.cancelled);
  EXPECT_EQ(report.exit_code, 1);
  for (const char* name : {"slow_a", "slow_b"}) {
    const auto& m = report_of(report, name);
    EXPECT_EQ(m.result, ModuleResult::cancelled) << name << ": " << m.reason;
    EXPECT_EQ(m.stopped_by, StoppedBy::run_cancelled);
    EXPECT_EQ(m.error, errc::interrupted);
    ASSERT_TRUE(m.command_result);
    EXPECT_TRUE(m.command_result->interrupted);
    EXPECT_TRUE(testing::state_is_clean(dir / name));
  }
  const auto& after = report_of(report, "after_a");
  EXPECT_EQ(after.result, ModuleResult::cancelled);
  EXPECT_EQ(after.stopped_by, StoppedBy::run_cancelled);
  EXPECT_EQ(after.error, errc::cancelled);
  EXPECT_FALSE(after.started || after.ended);
}

TEST_F(GraphRunTest, CancelInterruptsRunningTerraformOnceAndStartsNoMore) {
  TerraformPool pool(pool_options(2));
  auto g = two_slow_and_a_dependent(pool);
  std::atomic<int> provisioning{0};
  auto run = run_graph(pool, g, apply, {.on_event = count_provision_starts(provisioning)});
  ASSERT_TRUE(testing::eventually([&] { return provisioning.load() == 2; }));
  run.cancel();
  run.cancel();  // harmless
  expect_cancelled_mid_run(run.get());
  // The modules are usable again at once: nothing is left locked.
  auto next = pool.command(dir / "slow_a").apply({.vars = {{"sleep_seconds", "0"}}, .check = true});
  EXPECT_EQ(next.get().retcode, 0);
}

// Two warm workers: slow and broken run; x and y are handed to them ahead of time, z
// waits in the pool. When broken fails, its worker has already started y; x, still held
// behind slow, is withdrawn, as z is.
TEST_F(GraphRunTest, FailFastAlsoWithdrawsAModuleABusyWorkerHolds) {
  TerraformPool pool(pool_options(2));
  ModuleGraph g;
  g.add("slow", module("slow", step("slow", 3)));
  g.add("broken", module("broken", std::string(testing::modules::kInvalid)));
  for (const char* name : {"x", "y", "z"})
    g.add(name, module(name, step(name)));
  init(pool, g);
  const auto& report = run_graph(pool, g, apply, {.fail_fast = true}).get();
  EXPECT_EQ(report_of(report, "slow").result, ModuleResult::succeeded);
  EXPECT_EQ(report_of(report, "broken").result, ModuleResult::failed);
  for (const char* name : {"x", "z"}) {
    const auto& m = report_of(report, name);
    EXPECT_EQ(m.result, ModuleResult::skipped) << name;
    EXPECT_EQ(m.stopped_by, StoppedBy::fail_fast) << name;
    EXPECT_EQ(m.cause, "broken") << name;
    EXPECT_FALSE(m.started) << name;
    EXPECT_FALSE(fs::exists(dir / name / "terraform.tfstate")) << name;
  }
}

// A run's on_change that throws fails the module it was told about, with that exception;
// the run goes on per its options and always completes.
TEST_F(GraphRunTest, ACallbackThatThrowsFailsItsModuleAndTheRunCompletes) {
  TerraformPool pool(pool_options(2));
  ModuleGraph g;
  g.add("base", module("base", step("base")));
  g.add("after_base", module("after_base", step("after_base")));
  g.add("slow", module("slow", testing::slow_resource(30)));
  g.add("never", module("never", step("never")));
  g.add("other", module("other", step("other")));
  g.add_dependency("after_base", "base");
  init(pool, g);
  auto throwing = [](const ModuleReport& m) {
    if ((m.module == "base" && m.result == ModuleResult::succeeded) ||
        (m.module == "slow" && m.result == ModuleResult::running) ||
        (m.module == "never" && m.result == ModuleResult::queued)) {
      throw std::domain_error(m.module + " refused");
    }
  };
  auto run = run_graph(pool, g, apply, {.on_change = throwing});
  ASSERT_EQ(run.future().wait_for(60s), std::future_status::ready) << "the run never completed";
  const auto& report = run.get();
  EXPECT_EQ(report.exit_code, 1);
  for (const char* name : {"base", "slow", "never"}) {
    const auto& m = report_of(report, name);
    EXPECT_EQ(m.result, ModuleResult::failed) << name;
    EXPECT_EQ(m.error, errc::callback_failed) << name;
    EXPECT_NE(m.reason.find(std::string(name) + " refused"), std::string::npos) << m.reason;
    EXPECT_THROW(std::rethrow_exception(m.exception), std::domain_error) << name;
  }
  // base had applied; after_base, which needs it, is skipped.
  const auto& after = report_of(report, "after_base");
  EXPECT_EQ(after.result, ModuleResult::skipped);
  EXPECT_EQ(after.stopped_by, StoppedBy::dependency_failed);
  EXPECT_EQ(after.cause, "base");
  // slow's terraform was interrupted as it started (before it wrote any state), and
  // left no lock behind.
  const auto& slow = report_of(report, "slow");
  ASSERT_TRUE(slow.command_result);
  EXPECT_TRUE(slow.command_result->interrupted);
  EXPECT_LT(*slow.ended - *slow.started, 20s);
  EXPECT_FALSE(fs::exists(dir / "slow/.terraform.tfstate.lock.info"));
  // never was not submitted at all.
  EXPECT_FALSE(report_of(report, "never").started);
  EXPECT_FALSE(fs::exists(dir / "never/terraform.tfstate"));
  EXPECT_EQ(report_of(report, "other").result, ModuleResult::succeeded);
  EXPECT_EQ(run.module("base").get().result, ModuleResult::failed);
}

TEST_F(GraphRunTest, ThePlanExitCodeCombinesFailuresAndChanges) {
  TerraformPool pool(pool_options(2));
  ModuleGraph g;
  g.add("applied", module("applied", step("applied")));
  g.add("pending", module("pending", step("pending")));
  init(pool, g);
  ASSERT_EQ(pool.command(dir / "applied").apply({.check = true}).get().retcode, 0);
  auto plan = [](const PoolCommand& m, CommonOptions common) {
    return m.plan(with_common_options(PlanOptions{.detailed_exitcode = true}, common));
  };
  const auto& with_changes = run_graph(pool, g, plan).get();
  EXPECT_EQ(with_changes.exit_code, 2);
  EXPECT_FALSE(report_of(with_changes, "applied").changes);
  EXPECT_TRUE(report_of(with_changes, "pending").changes);
  EXPECT_EQ(report_of(with_changes, "pending").result, ModuleResult::succeeded);

  const auto& unchanged = run_graph(pool, g, plan, {.include = {"app*"}}).get();
  EXPECT_EQ(unchanged.exit_code, 0);
  EXPECT_EQ(report_of(unchanged, "pending").result, ModuleResult::excluded);

  g.add("broken", module("broken", std::string(testing::modules::kInvalid)));
  EXPECT_EQ(run_graph(pool, g, plan).get().exit_code, 1);
}

TEST_F(GraphRunTest, ADryRunListsTheOrderAndRunsNothing) {
  TerraformPool pool(pool_options(2));
  auto graph = diamond();
  const auto& report = run_graph(pool, graph, "init", {.exclude = {"left"}, .dry_run = true}).get();
  EXPECT_TRUE(report.dry_run);
  EXPECT_EQ(report.order, (std::vector<std::vector<std::string>>{{"base"}, {"right"}, {"top"}}));
  EXPECT_EQ(report_of(report, "left").result, ModuleResult::excluded);
  EXPECT_EQ(report_of(report, "top").result, ModuleResult::pending);
  EXPECT_EQ(report.exit_code, 0);
  for (const auto& m : graph.modules())
    EXPECT_FALSE(fs::exists(m.directory / ".terraform")) << m.name;
}

// With both modules it depends on excluded, top waits for nothing: the order says so,
// and the run does it.
TEST_F(GraphRunTest, TheOrderOfASelectionIsTheOrderItRuns) {
  TerraformPool pool(pool_options(2));
  auto graph = diamond(1);
  const GraphRunOptions options{.exclude = {"left", "right"}};
  const std::vector<std::vector<std::string>> together{{"base", "top"}};
  EXPECT_EQ(run_order(graph, options), together);
  GraphRunOptions reversed = options;
  reversed.reverse = true;
  EXPECT_EQ(run_order(graph, reversed), together);
  EXPECT_EQ(run_order(graph, {.include = {"top", "left"}}),
            (std::vector<std::vector<std::string>>{{"left"}, {"top"}}));
  init(pool, graph);
  const auto& report = run_graph(pool, graph, apply, options).get();
  EXPECT_EQ(report.order, together);
  const auto& base = report_of(report, "base");
  const auto& top = report_of(report, "top");
  ASSERT_TRUE(base.started && top.started && base.ended && top.ended);
  EXPECT_LT(*top.started, *base.ended);  // side by side
  EXPECT_LT(*base.started, *top.ended);
}

// A terraform that logs when it starts and ends, in its module's .lifetime file (ms
// since the epoch): the process the pool starts, timed from outside.
fs::path timed_terraform(const fs::path& dir) {
  return testing::fake_terraform(dir,
                                 "date +%s%3N >> .lifetime\n"
                                 "terraform \"$@\"\n"
                                 "code=$?\n"
                                 "date +%s%3N >> .lifetime\n"
                                 "exit $code",
                                 "timed-terraform");
}

std::chrono::system_clock::time_point epoch_ms(const std::string& text) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(std::stoll(text)));
}

// One worker, three modules ready at once: handed to the pool together, they run one
// after another. Each is `running` only while its terraform runs, its times are
// terraform's own, and the time it waited for the worker is apart.
TEST_F(GraphRunTest, AModuleRunsWhenItsTerraformRunsAndItsTimesAreTerraforms) {
  TempDir bin;
  PoolOptions options = pool_options(1);
  options.terraform.terraform = timed_terraform(bin.path()).string();
  TerraformPool pool(options);
  ModuleGraph g;
  for (const char* name : {"a", "b", "c"})
    g.add(name, module(name, step(name, 1)));
  init(pool, g);
  for (const auto& m : g.modules())
    fs::remove(m.directory / ".lifetime");

  std::mutex mutex;
  std::map<std::string, std::vector<ModuleResult>> seen;
  int running = 0, most_running = 0;
  auto run = run_graph(
      pool, g, apply, {.on_change = [&](const ModuleReport& m) {
        std::lock_guard lock(mutex);
        if (m.result == ModuleResult::running) {
          most_running = std::max(most_running, ++running);
        } else if (!seen[m.module].empty() && seen[m.module].back() == ModuleResult::running) {
          --running;
        }
        seen[m.module].push_back(m.result);
      }});
  const auto& report = run.get();
  EXPECT_EQ(report.exit_code, 0);
  EXPECT_EQ(most_running, 1);  // one worker: never two at once
  std::vector<const ModuleReport*> by_start;
  for (const auto& m : report.modules) {
    EXPECT_EQ(seen[m.module],
              (std::vector<ModuleResult>{ModuleResult::queued, ModuleResult::running,
                                         ModuleResult::succeeded}))
        << m.module;
    ASSERT_TRUE(m.submitted && m.started && m.ended) << m.module;
    EXPECT_LE(*m.submitted, *m.started);
    EXPECT_LT(*m.started, *m.ended);
    // Within 100 ms of the process's own start and end.
    const auto lifetime = lines_of(m.directory / ".lifetime");
    ASSERT_EQ(lifetime.size(), 2u) << m.module;
    using std::chrono::abs;
    EXPECT_LE(abs(*m.started - epoch_ms(lifetime[0])), 100ms) << m.module;
    EXPECT_LE(abs(*m.ended - epoch_ms(lifetime[1])), 100ms) << m.module;
    by_start.push_back(&m);
  }
  std::sort(by_start.begin(), by_start.end(),
            [](auto* x, auto* y) { return *x->started < *y->started; });
  for (std::size_t i = 1; i < by_start.size(); ++i)
    EXPECT_LE(*by_start[i - 1]->ended, *by_start[i]->started);  // one after another
  // All handed to the pool at once; the last waited for the two others (1 s sleep each).
  EXPECT_LE(*by_start.back()->submitted, *by_start.front()->ended);
  EXPECT_GE(*by_start.back()->started - *by_start.back()->submitted, 2s);
}

TEST_F(GraphRunTest, AStopTokenCancelsTheRun) {
  TerraformPool pool(pool_options(2));
  auto g = two_slow_and_a_dependent(pool);
  std::stop_source stop;
  std::atomic<int> provisioning{0};
  GraphRunOptions options{.on_event = count_provision_starts(provisioning)};
  options.common.stop_token = stop.get_token();
  auto run = run_graph(pool, g, apply, options);
  ASSERT_TRUE(testing::eventually([&] { return provisioning.load() == 2; }));
  stop.request_stop();
  expect_cancelled_mid_run(run.get());

  // Asked before the run: nothing starts.
  const auto& never = run_graph(pool, g, apply, options).get();
  EXPECT_TRUE(never.cancelled);
  for (const auto& m : never.modules) {
    EXPECT_EQ(m.result, ModuleResult::cancelled) << m.module;
    EXPECT_FALSE(m.submitted) << m.module;
  }
}

TEST_F(GraphRunTest, AFailedModuleKeepsItsErrorCodeAndException) {
  TerraformPool pool(pool_options(3));
  ModuleGraph g;
  g.add("timed", module("timed", testing::slow_resource(30)));
  g.add("killed", module("killed", testing::slow_resource(30)));
  g.add("fine", module("fine", step("fine")));
  init(pool, g);
  auto command = [](const PoolCommand& m, CommonOptions common) {
    if (m.working_dir().filename() == "timed") common.timeout = 1s;
    return apply(m, std::move(common));
  };
  std::atomic<bool> killed_provisions{false};
  auto run =
      run_graph(pool, g, command, {.on_event = [&](const ModuleEvent& e) {
                  if (e.module.name == "killed" && e.event.type == EventType::provision_start) {
                    killed_provisions = true;
                  }
                }});
  ASSERT_TRUE(testing::eventually([&] { return killed_provisions.load(); }));
  const pid_t worker = testing::pool_worker_running_in(dir / "killed");
  ASSERT_GT(worker, 0);
  ::kill(worker, SIGKILL);
  const auto& report = run.get();
  EXPECT_EQ(report.exit_code, 1);

  const auto& timed = report_of(report, "timed");
  EXPECT_EQ(timed.result, ModuleResult::failed);
  EXPECT_EQ(timed.error, errc::timed_out);
  EXPECT_EQ(&timed.error.category(), &error_category());
  // The timeout and terraform's wind-down, said apart.
  EXPECT_NE(timed.reason.find("its timeout of 1000 ms ran out; interrupted, terraform took"),
            std::string::npos)
      << timed.reason;
  EXPECT_THROW(std::rethrow_exception(timed.exception), CommandTimeoutError);
  EXPECT_TRUE(testing::state_is_clean(dir / "timed"));

  const auto& killed = report_of(report, "killed");
  EXPECT_EQ(killed.result, ModuleResult::failed);
  EXPECT_EQ(killed.error, errc::worker_died);
  EXPECT_NE(killed.reason.find("died (signal 9"), std::string::npos) << killed.reason;
  ASSERT_TRUE(killed.exception);
  EXPECT_TRUE(killed.started && killed.ended);

  const auto& fine = report_of(report, "fine");
  EXPECT_EQ(fine.result, ModuleResult::succeeded);
  EXPECT_FALSE(fine.error);
  EXPECT_FALSE(fine.exception);
}

TEST_F(GraphRunTest, AModuleLeftWhenThePoolShutsDownFailsWithItsCode) {
  TerraformPool pool(pool_options(2));
  ModuleGraph g;
  g.add("first", module("first", step("first", 2)));
  g.add("second", module("second", step("second")));
  g.add_dependency("second", "first");
  init(pool, g);
  std::atomic<bool> first_runs{false};
  auto run = run_graph(pool, g, apply, {.on_change = [&](const ModuleReport& m) {
                         if (m.result == ModuleResult::running) first_runs = true;
                       }});
  ASSERT_TRUE(testing::eventually([&] { return first_runs.load(); }));
  pool.shutdown({.wait = false});
  const auto& report = run.get();
  EXPECT_EQ(report_of(report, "first").result, ModuleResult::succeeded);
  const auto& second = report_of(report, "second");
  EXPECT_EQ(second.result, ModuleResult::failed);
  EXPECT_EQ(second.error, errc::pool_shut_down);
  ASSERT_TRUE(second.exception);
  try {
    std::rethrow_exception(second.exception);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), errc::pool_shut_down);
  }
  EXPECT_FALSE(second.started || second.ended);
}

TEST_F(GraphRunTest, BadRunsAreRefusedUpFront) {
  TerraformPool pool(pool_options(1));
  auto graph = diamond();
  testing::expect_error(errc::unknown_command, "",
                        [&] { run_graph(pool, graph, "no_such_command"); });
  EXPECT_THROW(run_graph(pool, graph, "workspace_new"), Error);  // it needs a name
  graph.add_dependency("base", "top");
  EXPECT_THROW(run_graph(pool, graph, "init"), DependencyCycleError);
}

}  // namespace
}  // namespace libterraform
