// TerraformPool against the real terraform: fan-out, ordering, submit and run,
// cancellation, module ownership.

#include "libterraform/libterraform.hpp"
#include "modules.hpp"
#include "test_support.hpp"

#include <atomic>
#include <mutex>
#include <thread>

namespace libterraform {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

PoolOptions pool_options(unsigned workers) {
  return {.max_workers = workers, .terraform = testing::terraform_options()};
}

// Records when a task's provisioner starts and completes, from its output callback.
struct Span {
  std::mutex mutex;
  std::optional<Clock::time_point> start, end;
  std::atomic<bool> started{false};

  LineCallback callback() {
    return [this](std::string_view line) {
      std::lock_guard lock(mutex);
      if (line.find("provision_start") != std::string_view::npos) {
        start = Clock::now();
        started = true;
      }
      if (line.find("provision_complete") != std::string_view::npos) end = Clock::now();
    };
  }
  ::testing::AssertionResult wait_started() const {
    if (testing::eventually([this] { return started.load(); })) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "the command never started";
  }
  bool overlaps(Span& other) {
    std::scoped_lock lock(mutex, other.mutex);
    return *start < *other.end && *other.start < *end;
  }
  bool before(Span& other) {
    std::scoped_lock lock(mutex, other.mutex);
    return *end <= *other.start;
  }
};

class PoolTest : public testing::LeakCheck {
 protected:
  std::vector<fs::path> modules(int count, std::string_view main_tf = testing::modules::kMinimal) {
    std::vector<fs::path> dirs;
    for (int i = 0; i < count; ++i) {
      dirs.push_back(
          testing::make_module(dir.path(), std::string("m").append(std::to_string(i)), main_tf));
    }
    return dirs;
  }
  fs::path initialized(std::string_view name, std::string_view main_tf) {
    return testing::make_initialized_module(dir.path(), name, main_tf);
  }

  TempDir dir;
};

TEST_F(PoolTest, FanOutYieldsResultsInInputOrder) {
  auto dirs = modules(12);
  TerraformPool pool(pool_options(4));
  for (const auto& r : pool.map("init", dirs, {.check = true}))
    EXPECT_EQ(r.retcode, 0);
  std::size_t i = 0;
  for (const auto& r : pool.map("validate", dirs, {.check = true})) {
    EXPECT_TRUE(r.value->at("valid").get<bool>());
    EXPECT_EQ(r.working_dir, fs::canonical(dirs[i++]));
  }
  EXPECT_EQ(i, dirs.size());
}

TEST_F(PoolTest, MapRethrowsTheFirstErrorReached) {
  auto good = initialized("good", testing::modules::kMinimal);
  auto bad = initialized("bad", testing::modules::kInvalid);
  auto also_good = initialized("also_good", testing::modules::kMinimal);
  TerraformPool pool(pool_options(2));

  auto results = pool.map("validate", {good, bad, also_good}, {.check = true});
  auto it = results.begin();
  EXPECT_TRUE((*it).value->at("valid").get<bool>());
  ++it;
  auto e = testing::expect_error<TerraformCommandError>(std::nullopt, "", [&] { *it; });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->retcode(), 1);
  ASSERT_FALSE(e->diagnostics().empty());
  EXPECT_EQ(e->diagnostics()[0].summary, "Unsupported argument");

  std::vector<bool> ok;
  for (const auto& outcome :
       pool.map_outcomes("validate", {good, bad, also_good}, {.check = true})) {
    ok.push_back(outcome.ok());
    ASSERT_NE(outcome.result(), nullptr);  // the failure carries terraform's result too
  }
  EXPECT_EQ(ok, (std::vector<bool>{true, false, true}));
}

TEST_F(PoolTest, AsCompletedWithTwoDifferentCommands) {
  auto slow = initialized("slow", testing::slow_resource(3));
  auto quick = initialized("quick", testing::modules::kMinimal);
  TerraformPool pool(pool_options(2));
  std::vector<Future<CommandResult>> futures{pool.command(slow).apply(),
                                             pool.command(quick).validate({.check = true})};
  std::vector<std::string> order;
  for (const auto& f : as_completed(futures))
    order.push_back(f.get().argv[1]);
  EXPECT_EQ(order, (std::vector<std::string>{"validate", "apply"}));
  EXPECT_TRUE(testing::state_is_clean(slow));
}

TEST_F(PoolTest, SubmitAndRun) {
  auto module = initialized("module", testing::modules::kMinimal);
  TerraformPool pool(pool_options(2));
  auto validated = pool.submit(module, "validate", {.check = true});
  auto created = pool.submit(module, "workspace_new", {"staging"}, {.check = true});
  auto version = pool.run("version");
  auto listed = pool.run({"workspace", "list"}, {.cwd = module, .check = true});

  EXPECT_TRUE(validated.get().value->at("valid").get<bool>());
  EXPECT_EQ(created.get().retcode, 0);
  auto [retcode, output, error] = version.get();
  EXPECT_EQ(retcode, 0);
  EXPECT_TRUE(output.starts_with("Terraform v"));
  EXPECT_NE(listed.get().output.find("staging"), std::string::npos);
  EXPECT_NE(validated.run_id(), version.run_id());

  testing::expect_error(errc::unknown_command, "", [&] { pool.submit(module, "no_such_method"); });
  testing::expect_error(errc::directory_not_found, "",
                        [&] { pool.submit(dir.path() / "missing", "validate").get(); });
}

TEST_F(PoolTest, CancelBeforeStart) {
  auto busy = initialized("busy", testing::slow_resource(3));
  auto waiting = initialized("waiting", testing::modules::kMinimal);
  TerraformPool pool(pool_options(1));
  Span span;
  auto running = pool.command(busy).apply({.on_output = span.callback()});
  ASSERT_TRUE(span.wait_started());
  auto queued = pool.command(waiting).validate();
  int callbacks = 0;
  queued.add_done_callback([&](const Future<CommandResult>&) { ++callbacks; });

  EXPECT_TRUE(queued.cancel());
  EXPECT_TRUE(queued.cancelled());
  EXPECT_TRUE(queued.done());
  EXPECT_TRUE(queued.cancel());  // twice: harmless
  EXPECT_EQ(callbacks, 1);
  testing::expect_error(errc::cancelled, "", [&] { queued.get(); });
  EXPECT_EQ(running.get().retcode, 0);  // the running task was not touched
  EXPECT_FALSE(running.cancel());       // finished: nothing to cancel
}

// A task held by the pool's one worker behind another, or queued, has not started:
// it starts, and says so, once its own terraform does.
TEST_F(PoolTest, AStartIsReportedWhenTerraformStartsNotWhenTheTaskIsHandedOut) {
  auto first_module = initialized("first", testing::slow_resource(2));
  auto second_module = initialized("second", testing::slow_resource(0));
  struct Start {
    std::uint64_t run_id;
    fs::path module;
    std::chrono::system_clock::time_point time;
  };
  std::mutex mutex;
  std::vector<Start> starts;
  PoolOptions options = pool_options(1);
  options.on_start = [&](const PoolStart& s) {
    std::lock_guard lock(mutex);
    starts.push_back({s.run_id, s.module, s.time});
  };
  TerraformPool pool(options);
  Span span;
  auto first = pool.command(first_module).apply({.on_output = span.callback()});
  auto second = pool.command(second_module).apply();
  std::atomic<bool> second_started{false};
  second.add_start_callback([&](const Future<CommandResult>& f) {
    EXPECT_TRUE(f.started_at());
    second_started = true;
  });
  ASSERT_TRUE(span.wait_started());
  EXPECT_TRUE(first.running());
  ASSERT_TRUE(first.started_at());
  EXPECT_FALSE(second.running());
  EXPECT_FALSE(second.started_at());
  EXPECT_FALSE(second_started);

  first.wait();
  EXPECT_EQ(second.get().retcode, 0);
  EXPECT_TRUE(second_started);
  ASSERT_TRUE(first.ended_at() && second.started_at() && second.ended_at());
  EXPECT_LT(*first.started_at(), *first.ended_at());
  EXPECT_LE(*first.ended_at(), *second.started_at());  // one worker: one after the other
  std::lock_guard lock(mutex);
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(starts[0].run_id, first.run_id());
  EXPECT_EQ(starts[0].module, fs::canonical(first_module));
  EXPECT_EQ(starts[0].time, *first.started_at());
  EXPECT_EQ(starts[1].run_id, second.run_id());
  EXPECT_EQ(starts[1].time, *second.started_at());
}

// The one worker's next command is told only after this callback returns: waiting for it
// here is refused, not a deadlock.
TEST_F(PoolTest, WaitingForAPoolFutureInsideACallbackIsRefused) {
  TerraformPool pool(pool_options(1));
  std::atomic<int> code{-1};
  std::mutex mutex;
  std::optional<Future<RunResult>> next;
  auto first = pool.run("version");
  first.add_done_callback([&](const Future<RunResult>&) {
    auto queued = pool.run("version");
    {
      std::lock_guard lock(mutex);
      next = queued;
    }
    try {
      queued.get();
      code = 0;
    } catch (const Error& e) {
      code = e.code().value();
    }
  });
  ASSERT_TRUE(testing::eventually([&] { return code.load() != -1; }));
  EXPECT_EQ(code.load(), static_cast<int>(errc::would_deadlock));
  std::lock_guard lock(mutex);
  EXPECT_EQ(next->get().retcode, 0);  // from another thread it is fine
}

TEST_F(PoolTest, CancelWhileRunningInterruptsTerraform) {
  auto module = initialized("module", testing::slow_resource(30));
  TerraformPool pool(pool_options(2));
  Span span;
  auto apply = pool.command(module).apply({.on_output = span.callback()});
  ASSERT_TRUE(span.wait_started());
  EXPECT_TRUE(apply.running());
  EXPECT_TRUE(apply.started_at());

  EXPECT_FALSE(apply.cancel());  // running: an interrupt, not a cancellation
  EXPECT_FALSE(apply.cancel());  // a second cancel sends nothing more
  const auto& result = apply.get();
  EXPECT_FALSE(apply.cancelled());
  EXPECT_TRUE(result.interrupted);
  EXPECT_EQ(result.retcode, 1);
  EXPECT_NE(result.output.find("apply_errored"), std::string::npos);
  EXPECT_TRUE(testing::state_is_clean(module));

  auto next = pool.command(module).apply({.vars = {{"sleep_seconds", "0"}}, .check = true});
  EXPECT_EQ(next.get().retcode, 0);
}

TEST_F(PoolTest, OneModuleNeverRunsTwiceAtOnceWhileOthersDo) {
  auto shared = initialized("shared", testing::slow_resource(2));
  auto other = initialized("other", testing::slow_resource(2));
  TerraformPool pool(pool_options(3));
  Span first, second, third;
  // The same module under another spelling: ownership compares real paths.
  auto alias = dir.path() / "." / "shared";
  auto a = pool.command(shared).apply({.on_output = first.callback()});
  auto b = pool.command(alias).apply(
      {.replace = {"terraform_data.slow"}, .on_output = second.callback()});
  auto c = pool.command(other).apply({.on_output = third.callback()});
  a.get();
  b.get();
  c.get();
  EXPECT_TRUE(first.before(second));
  EXPECT_TRUE(first.overlaps(third));
  EXPECT_TRUE(testing::state_is_clean(shared));
}

TEST_F(PoolTest, ResultsAndCheckErrorsArriveUnchanged) {
  auto module = initialized("module", testing::modules::kRequiredVariable);
  TerraformPool pool(pool_options(1));
  TerraformCommand cli(module, testing::terraform_options());
  auto direct = cli.plan({.vars = {{"required", "x"}}});
  auto pooled = pool.command(module).plan({.vars = {{"required", "x"}}}).get();
  EXPECT_EQ(pooled.retcode, direct.retcode);
  EXPECT_EQ(pooled.argv, direct.argv);
  EXPECT_EQ(pooled.value->size(), direct.value->size());
  EXPECT_EQ(pooled.error, direct.error);

  auto e = testing::expect_error<TerraformCommandError>(
      std::nullopt, "", [&] { pool.command(module).plan({.check = true}).get(); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->diagnostics()[0].summary, "No value for required variable");
}

TEST_F(PoolTest, StopTokenCancelsAPoolTask) {
  auto module = initialized("module", testing::slow_resource(30));
  TerraformPool pool(pool_options(1));
  std::stop_source stop;
  Span span;
  auto apply =
      pool.command(module).apply({.on_output = span.callback(), .stop_token = stop.get_token()});
  ASSERT_TRUE(span.wait_started());
  stop.request_stop();
  EXPECT_TRUE(apply.get().interrupted);
  EXPECT_TRUE(testing::state_is_clean(module));
}

}  // namespace
}  // namespace libterraform
