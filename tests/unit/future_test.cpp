// Futures, as_completed and wait, without a pool.

#include "libterraform/future.hpp"
#include "fake_tasks.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <thread>

namespace libterraform {
namespace {

using namespace std::chrono_literals;

using testing::FakePool;

// What a pool sets when a task fails with `error`.
detail::TaskError task_error(std::exception_ptr error, errc code = errc::worker_died) {
  return {make_error_code(code), std::move(error), nullptr};
}

Future<int> make_future(std::uint64_t id = 1) {
  return Future<int>(std::make_shared<detail::FutureState<int>>(id));
}

TEST(Future, ValueAndStatus) {
  auto f = make_future(5);
  EXPECT_EQ(f.run_id(), 5u);
  EXPECT_FALSE(f.done());
  EXPECT_EQ(f.wait_for(1ms), std::future_status::timeout);
  detail::Access::state(f)->set_running();
  EXPECT_FALSE(f.running());  // a worker holds it; terraform has not started
  EXPECT_FALSE(f.started_at());
  const auto at = std::chrono::system_clock::now();
  detail::Access::state(f)->set_ended(at);  // not started: no end either
  EXPECT_FALSE(f.ended_at());
  detail::Access::state(f)->set_started(at);
  EXPECT_TRUE(f.running());
  EXPECT_EQ(f.started_at(), at);
  detail::Access::state(f)->set_ended(at + 1s);
  EXPECT_EQ(f.ended_at(), at + 1s);
  detail::Access::state(f)->set_value(42);
  EXPECT_TRUE(f.done());
  EXPECT_FALSE(f.running());
  EXPECT_EQ(f.get(), 42);
  EXPECT_EQ(f.wait_for(0ms), std::future_status::ready);
  detail::Access::state(f)->set_value(7);  // completes exactly once
  EXPECT_EQ(f.get(), 42);
}

TEST(Future, StartCallbacksRunOnceTerraformStartsAndNeverForATaskThatDidNot) {
  auto f = make_future();
  std::vector<std::string> calls;
  f.add_start_callback([&](const Future<int>& started) {
    EXPECT_TRUE(started.started_at());
    calls.push_back("before");
  });
  EXPECT_TRUE(detail::Access::state(f)->has_callbacks());
  detail::Access::state(f)->set_running();
  detail::Access::state(f)->set_started(std::chrono::system_clock::now());
  f.add_start_callback([&](const Future<int>&) { calls.push_back("between"); });
  EXPECT_TRUE(calls.empty());  // started, not yet notified: they wait for the notification
  detail::Access::state(f)->notify_started();
  detail::Access::state(f)->notify_started();  // once
  EXPECT_EQ(calls, (std::vector<std::string>{"before", "between"}));
  f.add_start_callback([&](const Future<int>&) { calls.push_back("after"); });  // at once
  EXPECT_EQ(calls.size(), 3u);
  EXPECT_FALSE(detail::Access::state(f)->has_callbacks());

  // Done before its start was notified (a task with no callbacks at its end): a start
  // callback registered meanwhile still comes with the notification.
  auto quick = make_future();
  bool told = false;
  detail::Access::state(quick)->set_running();
  detail::Access::state(quick)->set_started(std::chrono::system_clock::now());
  detail::Access::state(quick)->set_value(1);
  quick.add_start_callback([&](const Future<int>&) { told = true; });
  EXPECT_FALSE(told);
  detail::Access::state(quick)->notify_started();
  EXPECT_TRUE(told);

  auto never = make_future();
  bool called = false;
  never.add_start_callback([&](const Future<int>&) { called = true; });
  never.cancel();  // no pool: nothing to interrupt; completes below
  detail::Access::state(never)->set_cancelled();
  detail::Access::state(never)->notify_started();
  never.add_start_callback([&](const Future<int>&) { called = true; });
  EXPECT_FALSE(called);
  EXPECT_FALSE(detail::Access::state(never)->has_callbacks());
  EXPECT_FALSE(never.started_at());
}

TEST(Future, ErrorIsRethrown) {
  auto f = make_future();
  detail::Access::state(f)->set_error(
      task_error(std::make_exception_ptr(Error(errc::worker_died, "gone"))));
  testing::expect_error(errc::worker_died, "", [&] { f.get(); });
}

TEST(Future, ExceptionGivesTheErrorWithoutThrowing) {
  auto failed = make_future();
  detail::Access::state(failed)->set_error(
      task_error(std::make_exception_ptr(Error(errc::worker_died, "gone"))));
  const auto error = failed.exception();
  ASSERT_TRUE(error);
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), errc::worker_died);
    EXPECT_STREQ(e.what(), "gone");
  }

  auto succeeded = make_future();
  std::thread completes([&] { detail::Access::state(succeeded)->set_value(1); });
  EXPECT_FALSE(succeeded.exception());  // waited for the value: no error
  completes.join();

  auto pool = std::make_shared<FakePool>();
  auto cancelled = make_future();
  detail::Access::state(cancelled)->set_canceller(pool);
  ASSERT_TRUE(cancelled.cancel());
  ASSERT_TRUE(cancelled.exception());
  EXPECT_THROW(std::rethrow_exception(cancelled.exception()), Error);
}

TEST(Future, CancelDropsAPendingTaskAndInterruptsARunningOne) {
  using Ids = std::vector<std::uint64_t>;
  auto pool = std::make_shared<FakePool>();
  auto f = make_future(1);
  detail::Access::state(f)->set_canceller(pool);
  EXPECT_TRUE(f.cancel());
  EXPECT_TRUE(f.cancelled());
  EXPECT_EQ(pool->dropped_tasks, Ids{1});
  EXPECT_FALSE(detail::Access::state(f)->set_running());  // the pool must not start it
  EXPECT_TRUE(f.cancel());                                // harmless again
  EXPECT_EQ(pool->dropped_tasks, Ids{1});
  EXPECT_THROW(f.get(), Error);
  EXPECT_EQ(detail::Access::state(f)->failure()->code, errc::cancelled);

  auto running = make_future(2);
  detail::Access::state(running)->set_canceller(pool);
  EXPECT_TRUE(detail::Access::state(running)->set_running());
  EXPECT_FALSE(running.cancel());
  EXPECT_EQ(pool->interrupted_tasks, Ids{2});
  EXPECT_FALSE(detail::Access::state(running)->cancel(false));  // shutdown leaves it running
  EXPECT_EQ(pool->interrupted_tasks, Ids{2});
  detail::Access::state(running)->set_value(1);
  EXPECT_FALSE(running.cancel());  // finished: nothing to do
  EXPECT_EQ(pool->interrupted_tasks, Ids{2});
  EXPECT_EQ(running.get(), 1);

  auto orphan = make_future(3);  // the pool is gone
  detail::Access::state(orphan)->set_canceller(std::weak_ptr<FakePool>());
  EXPECT_FALSE(orphan.cancel());
  EXPECT_FALSE(orphan.cancelled());
}

TEST(Future, EscalateDropsAPendingTaskAndEscalatesARunningOne) {
  using Ids = std::vector<std::uint64_t>;
  auto pool = std::make_shared<FakePool>();
  auto pending = make_future(1);
  detail::Access::state(pending)->set_canceller(pool);
  EXPECT_TRUE(pending.escalate());
  EXPECT_TRUE(pending.cancelled());
  EXPECT_EQ(pool->dropped_tasks, Ids{1});
  EXPECT_TRUE(pool->escalated_tasks.empty());

  auto running = make_future(2);
  detail::Access::state(running)->set_canceller(pool);
  detail::Access::state(running)->set_running();
  EXPECT_FALSE(running.escalate());
  EXPECT_EQ(pool->escalated_tasks, Ids{2});
  EXPECT_TRUE(pool->interrupted_tasks.empty());  // the pool interrupts first if need be
  detail::Access::state(running)->set_value(1);
  EXPECT_FALSE(running.escalate());
  EXPECT_EQ(pool->escalated_tasks, Ids{2});
}

TEST(Future, DoneCallbacksRunOnce) {
  auto f = make_future();
  int calls = 0;
  f.add_done_callback([&](const Future<int>& done) { calls += done.get(); });
  f.add_done_callback([](const Future<int>&) { throw std::runtime_error("ignored"); });
  detail::Access::state(f)->set_value(1);
  detail::Access::state(f)->set_value(1);
  EXPECT_EQ(calls, 1);
  f.add_done_callback([&](const Future<int>&) { ++calls; });  // already done: runs now
  EXPECT_EQ(calls, 2);
}

TEST(AsCompleted, YieldsInCompletionOrder) {
  std::vector<Future<int>> futures{make_future(1), make_future(2), make_future(3)};
  detail::Access::state(futures[2])->set_value(3);
  std::thread completer([&] {
    std::this_thread::sleep_for(10ms);
    detail::Access::state(futures[0])->set_value(1);
    std::this_thread::sleep_for(10ms);
    detail::Access::state(futures[1])->set_value(2);
  });
  std::vector<int> order;
  for (const auto& f : as_completed(futures))
    order.push_back(f.get());
  completer.join();
  EXPECT_EQ(order, (std::vector<int>{3, 1, 2}));
}

TEST(Wait, FirstCompletedAllCompletedAndTimeout) {
  std::vector<Future<int>> futures{make_future(1), make_future(2)};
  auto timed_out = wait(futures, ReturnWhen::all_completed, 10ms);
  EXPECT_EQ(timed_out.not_done.size(), 2u);
  detail::Access::state(futures[1])->set_value(2);
  auto first = wait(futures, ReturnWhen::first_completed);
  EXPECT_EQ(first.done.size(), 1u);
  EXPECT_EQ(first.done[0], futures[1]);
  detail::Access::state(futures[0])
      ->set_error(
          task_error(std::make_exception_ptr(std::runtime_error("x")), errc::callback_failed));
  auto all = wait(futures);
  EXPECT_EQ(all.done.size(), 2u);
}

TEST(Wait, RepeatedWaitsLeaveNoCallbacksBehind) {
  std::vector<Future<int>> futures{make_future(1), make_future(2)};
  detail::Access::state(futures[1])->set_value(2);
  for (int i = 0; i < 1000; ++i) {
    auto polled = wait(futures, ReturnWhen::all_completed, 0ms);
    ASSERT_EQ(polled.not_done.size(), 1u);
  }
  EXPECT_FALSE(detail::Access::state(futures[0])->has_callbacks());
  { auto abandoned = as_completed(futures); }
  EXPECT_FALSE(detail::Access::state(futures[0])->has_callbacks());
  // A callback the caller added stays until the future completes.
  int calls = 0;
  futures[0].add_done_callback([&](const Future<int>&) { ++calls; });
  wait(futures, ReturnWhen::first_completed);
  EXPECT_TRUE(detail::Access::state(futures[0])->has_callbacks());
  detail::Access::state(futures[0])->set_value(1);
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(detail::Access::state(futures[0])->has_callbacks());
}

TEST(Wait, FirstException) {
  std::vector<Future<int>> futures{make_future(1), make_future(2)};
  std::thread failer([&] {
    std::this_thread::sleep_for(10ms);
    detail::Access::state(futures[0])
        ->set_error(
            task_error(std::make_exception_ptr(std::runtime_error("x")), errc::callback_failed));
  });
  auto result = wait(futures, ReturnWhen::first_exception);
  failer.join();
  EXPECT_EQ(result.done.size(), 1u);
  EXPECT_EQ(result.not_done.size(), 1u);
}

}  // namespace
}  // namespace libterraform
