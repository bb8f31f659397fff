// AsyncTerraformCommand on both backends (a child on the caller's executor, a pool
// task), against the real terraform.

#include "libterraform/libterraform.hpp"
#include "modules.hpp"
#include "test_support.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>

#include <algorithm>
#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>

namespace libterraform {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

enum class Backend { child, pool };

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::child ? "DefaultBackend" : "PoolBackend";
}

// Inside coroutines these tests name their options rather than writing
// `co_await cli.validate({.check = true})`: g++ 12 destroys aggregate-initialized
// temporaries that live across a co_await twice (docs/async.md).

// Runs a coroutine on `io` to completion, rethrowing what it threw.
template <class T>
T run_awaitable(asio::io_context& io, asio::awaitable<T> awaitable) {
  auto future = asio::co_spawn(io, std::move(awaitable), asio::use_future);
  io.run();
  io.restart();
  return future.get();
}

class AsyncTest : public testing::LeakCheck, public ::testing::WithParamInterface<Backend> {
 protected:
  void SetUp() override {
    LeakCheck::SetUp();
    // The pool is built before any other thread of the test exists.
    if (GetParam() == Backend::pool) {
      pool.emplace(PoolOptions{.max_workers = 2, .terraform = testing::terraform_options()});
    }
  }
  void TearDown() override {
    pool.reset();
    LeakCheck::TearDown();
  }

  fs::path initialized(std::string_view name, std::string_view main_tf) {
    return testing::make_initialized_module(dir.path(), name, main_tf);
  }

  AsyncTerraformCommand command(asio::any_io_executor executor, const fs::path& module) {
    return AsyncTerraformCommand(
        executor, module,
        {.pool = pool ? &*pool : nullptr, .terraform = testing::terraform_options()});
  }

  static LineCallback flag_on(std::atomic<bool>& flag, std::string_view marker) {
    return [&flag, marker](std::string_view line) {
      if (line.find(marker) != std::string_view::npos) flag = true;
    };
  }

  testing::TempDir dir;
  std::optional<TerraformPool> pool;
};

TEST_P(AsyncTest, AwaitAValidate) {
  auto module = initialized("module", testing::modules::kMinimal);
  asio::io_context io;
  auto cli = command(io.get_executor(), module);
  auto result = run_awaitable(io, [&]() -> asio::awaitable<CommandResult> {
    ValidateOptions options{.check = true};
    co_return co_await cli.validate(options);
  }());
  EXPECT_TRUE(result.value->at("valid").get<bool>());
  EXPECT_EQ(result.working_dir, fs::canonical(module));  // one form on every backend
}

TEST_P(AsyncTest, TwoSlowAppliesOverlapAndTheLoopStaysResponsive) {
  auto first = initialized("first", testing::slow_resource(2));
  auto second = initialized("second", testing::slow_resource(2));
  asio::io_context io;  // one thread runs everything
  auto a = command(io.get_executor(), first);
  auto b = command(io.get_executor(), second);
  struct Span {
    Clock::time_point start, end;
  };
  auto timed = [](Span& span) {
    return [&span](std::string_view line) {
      if (line.find("provision_start") != std::string_view::npos) span.start = Clock::now();
      if (line.find("provision_complete") != std::string_view::npos) span.end = Clock::now();
    };
  };
  Span span_a, span_b;
  int ticks_while_applying = 0;
  std::atomic<bool> applying{true};

  run_awaitable(io, [&]() -> asio::awaitable<void> {
    asio::steady_timer ticker(io);
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          while (applying) {
            ticker.expires_after(50ms);
            co_await ticker.async_wait(asio::use_awaitable);
            if (applying) ++ticks_while_applying;
          }
        },
        asio::detached);
    ApplyOptions first_options{.check = true, .on_output = timed(span_a)};
    ApplyOptions second_options{.check = true, .on_output = timed(span_b)};
    auto [ra, rb] = co_await (a.apply(first_options) && b.apply(second_options));
    applying = false;
    ticker.cancel();
    EXPECT_EQ(ra.retcode, 0);
    EXPECT_EQ(rb.retcode, 0);
  }());
  EXPECT_LT(span_a.start, span_b.end);
  EXPECT_LT(span_b.start, span_a.end);
  EXPECT_GE(ticks_while_applying, 5) << "the event loop was blocked during the applies";
}

TEST_P(AsyncTest, CheckErrorIsThrownWithTheResultOrHandedToTheHandler) {
  auto module = initialized("invalid", testing::modules::kInvalid);
  asio::io_context io;
  auto cli = command(io.get_executor(), module);
  run_awaitable(io, [&]() -> asio::awaitable<void> {
    ValidateOptions checked{.check = true};
    try {
      co_await cli.validate(checked);
      ADD_FAILURE() << "expected TerraformCommandError";
    } catch (const TerraformCommandError& e) {
      EXPECT_EQ(e.retcode(), 1);
      EXPECT_EQ(e.diagnostics().at(0).summary, "Unsupported argument");
    }
    auto [ec, result] = co_await cli.validate(checked, asio::as_tuple(asio::use_awaitable));
    EXPECT_EQ(ec, errc::command_failed);
    EXPECT_FALSE(result.value->at("valid").get<bool>());
  }());

  boost::system::error_code seen;
  cli.validate({.check = true}, [&](boost::system::error_code ec, CommandResult r) {
    seen = ec;
    EXPECT_EQ(r.retcode, 1);
  });
  io.run();
  EXPECT_EQ(seen, errc::command_failed);
}

TEST_P(AsyncTest, ACallbacksOwnExceptionReachesTheCaller) {
  auto module = initialized("module", testing::modules::kMinimal);
  asio::io_context io;
  auto cli = command(io.get_executor(), module);
  ValidateOptions options;
  options.on_output = [](std::string_view) { throw std::domain_error("the caller's own"); };
  run_awaitable(io, [&]() -> asio::awaitable<void> {
    try {
      co_await cli.validate(options);
      ADD_FAILURE() << "expected the callback's exception";
    } catch (const std::domain_error& e) {
      EXPECT_STREQ(e.what(), "the caller's own");
    }
    auto [ec, result] = co_await cli.validate(options, asio::as_tuple(asio::use_awaitable));
    EXPECT_EQ(ec, errc::callback_failed);
    EXPECT_FALSE(result.argv.empty());
  }());
  auto future = cli.validate(options, asio::use_future);
  io.run();
  EXPECT_THROW(future.get(), std::domain_error);
}

TEST_P(AsyncTest, TheStartCallbackComesBeforeAnyOutputAndItsThrowStopsTerraform) {
  auto module = initialized("module", testing::modules::kMinimal);
  asio::io_context io;
  auto cli = command(io.get_executor(), module);
  std::vector<std::string> seen;
  PlanOptions options;
  options.on_output = [&](std::string_view) { seen.emplace_back("line"); };
  options.on_start = [&](auto) { seen.emplace_back("start"); };
  run_awaitable(io, [&]() -> asio::awaitable<void> { co_await cli.plan(options); }());
  ASSERT_GT(seen.size(), 1u);
  EXPECT_EQ(seen.front(), "start");
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "start"), 1);

  PlanOptions throwing;
  throwing.on_start = [](auto) { throw std::domain_error("refused"); };
  auto future = cli.plan(throwing, asio::use_future);
  io.run();
  EXPECT_THROW(future.get(), std::domain_error);
}

TEST_P(AsyncTest, HandlersNeverRunInsideTheInitiatingCall) {
  auto module = initialized("module", testing::modules::kMinimal);
  asio::io_context io;
  auto cli = command(io.get_executor(), module);
  auto missing = command(io.get_executor(), dir.path() / "missing");
  bool ran = false, failed_ran = false;
  boost::system::error_code failure;
  cli.version({}, [&](boost::system::error_code, CommandResult) { ran = true; });
  missing.validate({}, [&](boost::system::error_code ec, CommandResult) {
    failed_ran = true;
    failure = ec;
  });
  EXPECT_FALSE(ran);
  EXPECT_FALSE(failed_ran);
  io.run();
  EXPECT_TRUE(ran);
  EXPECT_EQ(failure, errc::directory_not_found);
}

TEST_P(AsyncTest, TerminalAndPartialCancellationInterruptARunningApply) {
  for (auto type : {asio::cancellation_type::terminal, asio::cancellation_type::partial}) {
    SCOPED_TRACE(static_cast<int>(type));
    auto module =
        initialized("module" + std::to_string(static_cast<int>(type)), testing::slow_resource(30));
    asio::io_context io;
    auto cli = command(io.get_executor(), module);
    asio::cancellation_signal signal;
    std::atomic<bool> started{false};
    boost::system::error_code seen;
    CommandResult result;
    cli.apply({.on_output = flag_on(started, "provision_start")},
              asio::bind_cancellation_slot(signal.slot(),
                                           [&](boost::system::error_code ec, CommandResult r) {
                                             seen = ec;
                                             result = std::move(r);
                                           }));
    ASSERT_TRUE(
        testing::eventually([&] { return started.load(); }, 60s, [&] { io.run_one_for(100ms); }));
    signal.emit(type);
    io.run();
    EXPECT_EQ(seen, asio::error::operation_aborted);
    EXPECT_TRUE(result.interrupted);
    EXPECT_NE(result.output.find("apply_errored"), std::string::npos);
    EXPECT_TRUE(testing::state_is_clean(module));
  }
}

// A second terminal cancellation is a second Ctrl-C: with a terraform slow to stop
// (it exits only on a second SIGINT), the policy's escalation is what ends it.
TEST_P(AsyncTest, ASecondCancellationEscalatesTheStop) {
  TerraformOptions options = testing::terraform_options();
  options.terraform =
      testing::fake_terraform(dir.path(), testing::slow_to_stop_terraform()).string();
  options.stop_policy = {.grace_period = std::chrono::milliseconds::max(),
                         .escalation = Escalation::interrupt_again};
  if (pool) {
    pool.reset();  // one whose terraform is the fake
    pool.emplace(PoolOptions{.max_workers = 1, .terraform = options});
  }
  asio::io_context io;
  AsyncTerraformCommand cli(io.get_executor(), dir.path(),
                            {.pool = pool ? &*pool : nullptr, .terraform = options});
  asio::cancellation_signal signal;
  std::atomic<bool> started{false}, stopping{false}, completed{false};
  boost::system::error_code seen;
  CommandResult result;
  cli.apply({.on_output =
                 [&](std::string_view line) {
                   if (line == "terraform runs") started = true;
                   if (line == "stopping") stopping = true;
                 }},
            asio::bind_cancellation_slot(signal.slot(),
                                         [&](boost::system::error_code ec, CommandResult r) {
                                           seen = ec;
                                           result = std::move(r);
                                           completed = true;
                                         }));
  auto run_until = [&](const std::atomic<bool>& flag) {
    return testing::eventually([&] { return flag.load(); }, 60s, [&] { io.run_one_for(100ms); });
  };
  ASSERT_TRUE(run_until(started));
  signal.emit(asio::cancellation_type::terminal);
  ASSERT_TRUE(run_until(stopping));
  io.run_for(300ms);
  EXPECT_FALSE(completed) << "terraform stopped without the escalation";
  signal.emit(asio::cancellation_type::terminal);
  io.run();
  EXPECT_EQ(seen, asio::error::operation_aborted);
  EXPECT_EQ(result.retcode, 3) << result.output;
  EXPECT_NE(result.output.find("interrupted again"), std::string::npos) << result.output;
}

// Total cancellation promises that nothing happened, which a running apply cannot keep:
// it goes on and completes as usual.
TEST_P(AsyncTest, TotalCancellationLeavesARunningApplyAlone) {
  auto module = initialized("module", testing::slow_resource(2));
  asio::io_context io;
  auto cli = command(io.get_executor(), module);
  asio::cancellation_signal signal;
  std::atomic<bool> started{false};
  std::optional<boost::system::error_code> seen;
  CommandResult result;
  cli.apply({.on_output = flag_on(started, "provision_start")},
            asio::bind_cancellation_slot(signal.slot(),
                                         [&](boost::system::error_code ec, CommandResult r) {
                                           seen = ec;
                                           result = std::move(r);
                                         }));
  ASSERT_TRUE(
      testing::eventually([&] { return started.load(); }, 60s, [&] { io.run_one_for(100ms); }));
  signal.emit(asio::cancellation_type::total);
  io.run();
  ASSERT_TRUE(seen);
  EXPECT_FALSE(*seen) << seen->message();
  EXPECT_EQ(result.retcode, 0);
  EXPECT_FALSE(result.interrupted);
  EXPECT_TRUE(testing::state_is_clean(module));
}

TEST_P(AsyncTest, TimerRaceStopsTerraformBeforeReturning) {
  auto module = initialized("module", testing::slow_resource(30));
  asio::io_context io;
  auto cli = command(io.get_executor(), module);
  auto winner = run_awaitable(io, [&]() -> asio::awaitable<std::size_t> {
    asio::steady_timer timeout(io, 2s);
    auto outcome = co_await (cli.apply() || timeout.async_wait(asio::use_awaitable));
    co_return outcome.index();
  }());
  EXPECT_EQ(winner, 1u);  // the timer
  EXPECT_TRUE(testing::state_is_clean(module));
}

TEST_P(AsyncTest, DestroyingTheContextStopsTerraform) {
  auto module = initialized("module", testing::slow_resource(30));
  std::atomic<bool> started{false};
  {
    asio::io_context io;
    auto cli = command(io.get_executor(), module);
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          ApplyOptions options{.on_output = flag_on(started, "provision_start")};
          co_await cli.apply(options);
          ADD_FAILURE() << "the apply was not expected to finish";
        },
        asio::detached);
    ASSERT_TRUE(
        testing::eventually([&] { return started.load(); }, 60s, [&] { io.run_one_for(100ms); }));
    io.stop();
  }                            // the context goes, with the coroutine and the operation in flight
  if (pool) pool->shutdown();  // waits for the pool task the context abandoned
  EXPECT_TRUE(testing::state_is_clean(module));
}

TEST_P(AsyncTest, MultiThreadedContext) {
  std::vector<fs::path> modules;
  for (int i = 0; i < 4; ++i) {
    modules.push_back(
        initialized(std::string("m").append(std::to_string(i)), testing::modules::kMinimal));
  }
  asio::io_context io;
  std::atomic<int> valid{0};
  for (const auto& module : modules) {
    asio::co_spawn(
        io,
        [&, module]() -> asio::awaitable<void> {
          auto cli = command(co_await asio::this_coro::executor, module);
          ValidateOptions options{.check = true};
          auto result = co_await cli.validate(options);
          if (result.value->at("valid").get<bool>()) ++valid;
        },
        asio::detached);
  }
  std::thread helper([&] { io.run(); });
  io.run();
  helper.join();
  EXPECT_EQ(valid, 4);
}

TEST_P(AsyncTest, OtherCompletionTokens) {
  auto module = initialized("module", testing::modules::kMinimal);
  asio::io_context io;
  auto cli = command(io.get_executor(), module);
  auto future = cli.validate({}, asio::use_future);
  auto deferred = cli.version({}, asio::deferred);
  bool versioned = false;
  std::move(deferred)([&](boost::system::error_code ec, CommandResult r) {
    versioned = !ec && r.value->contains("terraform_version");
  });
  io.run();
  EXPECT_TRUE(future.get().value->at("valid").get<bool>());
  EXPECT_TRUE(versioned);
}

TEST_P(AsyncTest, StaticRun) {
  asio::io_context io;
  auto [retcode, output, error] = run_awaitable(io, [&]() -> asio::awaitable<RunResult> {
    AsyncRunOptions options{.pool = pool ? &*pool : nullptr,
                            .terraform = testing::terraform_options()};
    co_return co_await AsyncTerraformCommand::run(io.get_executor(), "version", options);
  }());
  EXPECT_EQ(retcode, 0);
  EXPECT_TRUE(output.starts_with("Terraform v"));
}

TEST_P(AsyncTest, UseFutureRaisesTheLibrarysOwnErrors) {
  auto module = testing::make_module(dir.path(), "broken",
                                     "resource \"terraform_data\" \"x\" {\n  bogus = 1\n}\n");
  asio::io_context io;
  auto cli = command(io.get_executor(), module);
  ValidateOptions options{.check = true};
  auto future = cli.validate(options, asio::use_future);
  AsyncRunOptions run_options{.pool = pool ? &*pool : nullptr,
                              .terraform = testing::terraform_options()};
  run_options.run.check = true;
  run_options.run.cwd = module;
  auto run = AsyncTerraformCommand::run(io.get_executor(), {"validate", "-no-color"}, run_options,
                                        asio::use_future);
  io.run();
  auto e = testing::expect_error<TerraformCommandError>(std::nullopt, "", [&] { future.get(); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->command_result().working_dir.filename(), "broken");
  EXPECT_FALSE(e->diagnostics().empty());
  EXPECT_THROW(run.get(), TerraformCommandError);
}

// An operation refused before terraform starts raises its own message too.
TEST_P(AsyncTest, AMissingBinaryRaisesItsMessage) {
  if (pool) GTEST_SKIP() << "a pool's workers run the pool's terraform";
  asio::io_context io;
  AsyncRunOptions options{.terraform = testing::terraform_options()};
  options.terraform.terraform = "no-such-terraform";
  auto future = AsyncTerraformCommand::run(io.get_executor(), "version", options, asio::use_future);
  io.run();
  testing::expect_error(errc::binary_not_found, "no executable named no-such-terraform",
                        [&] { future.get(); });
}

// The pool's own words for a worker that died reach every token whole: the code, the
// worker and its signal, and what it was running.
TEST_P(AsyncTest, AWorkerThatDiesRaisesItsMessageAndType) {
  if (!pool) GTEST_SKIP() << "only a pool task has a worker to lose";
  auto module = initialized("victim", testing::slow_resource(30));
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  auto cli = command(io.get_executor(), module);
  // Starts the apply through `await` (which returns how to wait for its error), kills
  // the worker once the provisioner runs, and checks the error that comes.
  auto expect_worker_died = [&](std::string_view token, auto await) {
    SCOPED_TRACE(token);
    std::atomic<bool> provisioning{false};
    ApplyOptions options{.on_output = flag_on(provisioning, "provision_start")};
    auto error = await(options);
    ASSERT_TRUE(testing::started(provisioning));
    pid_t worker = testing::pool_worker_running_in(module);
    ASSERT_GT(worker, 0);
    ASSERT_EQ(::kill(worker, SIGKILL), 0);
    auto e = testing::expect_error(errc::worker_died, "signal 9",
                                   [&] { std::rethrow_exception(error.get()); });
    ASSERT_TRUE(e);
    EXPECT_NE(std::string(e->what()).find("while running terraform apply"), std::string::npos)
        << e->what();
    ASSERT_NE(e->result(), nullptr);
    EXPECT_NE(e->result()->output.find("provision_start"), std::string::npos);
  };
  // Each form hands its error to a std::future of the exception.
  expect_worker_died("use_awaitable", [&](ApplyOptions options) {
    return asio::co_spawn(
        io,
        [&, options]() -> asio::awaitable<std::exception_ptr> {
          try {
            co_await cli.apply(options);
          } catch (...) {
            co_return std::current_exception();
          }
          co_return nullptr;
        },
        asio::use_future);
  });
  expect_worker_died("use_future", [&](ApplyOptions options) {
    return std::async(std::launch::deferred,
                      [future = cli.apply(options, asio::use_future)]() mutable {
                        try {
                          future.get();
                        } catch (...) {
                          return std::current_exception();
                        }
                        return std::exception_ptr();
                      });
  });
  expect_worker_died("with_errors(deferred)", [&](ApplyOptions options) {
    auto promise = std::make_shared<std::promise<std::exception_ptr>>();
    cli.apply(options, with_errors(asio::deferred))(
        [promise](std::exception_ptr error, CommandResult) { promise->set_value(error); });
    return promise->get_future();
  });
  work.reset();
  runner.join();
  EXPECT_TRUE(testing::state_is_clean(module));
}

INSTANTIATE_TEST_SUITE_P(Backends, AsyncTest, ::testing::Values(Backend::child, Backend::pool),
                         backend_name);

// The documented defaults hold inside coroutines: g++ 12 destroys an aggregate
// default argument `= {}` twice when it lives across a co_await (a crash, "free():
// invalid pointer"); every options parameter defaults to `Options()` instead.
class AsyncDefaultsTest : public testing::LeakCheck {};

TEST_F(AsyncDefaultsTest, DefaultArgumentsHoldInsideCoroutines) {
  testing::TempDir dir;
  auto module = testing::make_module(dir.path(), "module", testing::modules::kMinimal);
  TerraformPool pool;
  asio::io_context io;
  auto [version, run, pooled] =
      run_awaitable(io, [&]() -> asio::awaitable<std::tuple<int, int, int>> {
        auto executor = co_await asio::this_coro::executor;
        AsyncTerraformCommand cli(executor, module);
        auto version = co_await cli.version();
        auto run = co_await AsyncTerraformCommand::run(executor, "version");
        AsyncRunOptions options;
        options.pool = &pool;
        auto pooled = co_await AsyncTerraformCommand::run(executor, "version", options);
        co_return std::tuple{version.retcode, run.retcode, pooled.retcode};
      }());
  EXPECT_EQ(version, 0);
  EXPECT_EQ(run, 0);
  EXPECT_EQ(pooled, 0);
}

// Only the pool has a queue: a cancelled operation whose task waits in it never runs.
class AsyncPoolTest : public testing::LeakCheck {};

// Every cancellation type removes a task still queued: nothing has happened yet.
class AsyncPoolQueueTest : public AsyncPoolTest,
                           public ::testing::WithParamInterface<asio::cancellation_type> {};

TEST_P(AsyncPoolQueueTest, CancellingAQueuedTaskRemovesIt) {
  testing::TempDir dir;
  auto busy = testing::make_module(dir.path(), "busy", testing::slow_resource(2));
  auto queued = testing::make_module(dir.path(), "queued", testing::modules::kMinimal);
  TerraformCommand(busy, testing::terraform_options()).init({.check = true});
  TerraformCommand(queued, testing::terraform_options()).init({.check = true});
  TerraformPool pool({.max_workers = 1, .terraform = testing::terraform_options()});
  asio::io_context io;
  AsyncTerraformCommand slow(io.get_executor(), busy, {.pool = &pool});
  AsyncTerraformCommand waiting(io.get_executor(), queued, {.pool = &pool});

  std::atomic<bool> started{false};
  boost::system::error_code slow_ec, queued_ec;
  CommandResult queued_result;
  slow.apply({.on_output =
                  [&](std::string_view line) {
                    if (line.find("provision_start") != std::string_view::npos) started = true;
                  }},
             [&](boost::system::error_code ec, CommandResult) { slow_ec = ec; });
  asio::cancellation_signal signal;
  waiting.validate({}, asio::bind_cancellation_slot(
                           signal.slot(), [&](boost::system::error_code ec, CommandResult r) {
                             queued_ec = ec;
                             queued_result = std::move(r);
                           }));
  ASSERT_TRUE(
      testing::eventually([&] { return started.load(); }, 60s, [&] { io.run_one_for(100ms); }));
  signal.emit(GetParam());
  io.run();
  EXPECT_EQ(queued_ec, asio::error::operation_aborted);
  EXPECT_TRUE(queued_result.argv.empty()) << "the cancelled task ran";
  EXPECT_FALSE(slow_ec);
}

INSTANTIATE_TEST_SUITE_P(Types, AsyncPoolQueueTest,
                         ::testing::Values(asio::cancellation_type::terminal,
                                           asio::cancellation_type::partial,
                                           asio::cancellation_type::total),
                         [](const ::testing::TestParamInfo<asio::cancellation_type>& info) {
                           switch (info.param) {
                             case asio::cancellation_type::terminal:
                               return "Terminal";
                             case asio::cancellation_type::partial:
                               return "Partial";
                             default:
                               return "Total";
                           }
                         });

}  // namespace
}  // namespace libterraform
