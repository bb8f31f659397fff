// The queue between a run and its event stream, and the stop ladder, without a process.

#include "command/event_queue.hpp"
#include "async/completion.hpp"
#include "libterraform/detail/stop_ladder.hpp"
#include "libterraform/errors.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace libterraform::detail {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

Event event(std::string message) {
  Event e;
  e.type = EventType::log;
  e.message = std::move(message);
  return e;
}

std::shared_ptr<const CommandResult> result(int retcode) {
  auto r = std::make_shared<CommandResult>();
  r->retcode = retcode;
  return r;
}

std::exception_ptr failure(const std::string& message) {
  return std::make_exception_ptr(Error(errc::command_failed, message));
}

TEST(EventQueue, EventsComeOutInOrderThenTheEndAgainAndAgain) {
  EventQueue queue;
  queue.push(event("one"));
  queue.push(event("two"));
  EXPECT_FALSE(queue.ended());
  EXPECT_EQ(queue.result(), nullptr);  // not before the end
  queue.end(result(0));
  EXPECT_TRUE(queue.ended());
  EXPECT_FALSE(queue.done());  // two events still in
  EXPECT_EQ(queue.pop()->message, "one");
  EXPECT_EQ(queue.pop()->message, "two");
  EXPECT_FALSE(queue.pop());
  EXPECT_FALSE(queue.pop());
  EXPECT_TRUE(queue.done());
  ASSERT_NE(queue.result(), nullptr);
  EXPECT_EQ(queue.result()->retcode, 0);
}

TEST(EventQueue, TheErrorComesOnceAfterTheEvents) {
  EventQueue queue;
  queue.push(event("last words"));
  queue.end(result(1), make_error_code(errc::command_failed), failure("plan failed"));
  queue.end(result(0));  // a second end changes nothing
  EXPECT_EQ(queue.pop()->message, "last words");
  EXPECT_FALSE(queue.done());  // the error is still to come
  try {
    queue.pop();
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "plan failed");
  }
  EXPECT_TRUE(queue.done());
  EXPECT_FALSE(queue.pop());
  EXPECT_EQ(queue.result()->retcode, 1);
}

TEST(EventQueue, ACodeAloneComesAsTheLibrarysError) {
  EventQueue queue;
  queue.end(nullptr, make_error_code(errc::timed_out));
  try {
    queue.pop();
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), make_error_code(errc::timed_out));
  }
  EXPECT_FALSE(queue.pop());
  EXPECT_TRUE(queue.ended());
  EXPECT_EQ(queue.result(), nullptr);  // terraform never ran
}

TEST(EventQueue, PopStepsThePumpOnItsThreadInsteadOfWaiting) {
  EventQueue queue;
  int steps = 0;
  const auto caller = std::this_thread::get_id();
  auto pump = [&] {
    EXPECT_EQ(std::this_thread::get_id(), caller);
    ++steps;
    if (steps == 2) queue.push(event("from the second step"));  // the first prints nothing
    if (steps < 3) return true;
    queue.end(result(0));
    return false;
  };
  EXPECT_EQ(queue.pop(pump)->message, "from the second step");
  EXPECT_EQ(steps, 2);  // stopped stepping once it had an event
  EXPECT_FALSE(queue.pop(pump));
  EXPECT_EQ(steps, 3);
  EXPECT_FALSE(queue.pop(pump));
  EXPECT_EQ(steps, 3);  // ended: nothing left to step
}

TEST(EventQueue, PopWaitsForAnotherThreadOnceThePumpHasNothingToStep) {
  EventQueue queue;
  std::thread feeder([&] {
    std::this_thread::sleep_for(50ms);
    queue.push(event("from afar"));
    queue.end(result(0));
  });
  EXPECT_EQ(queue.pop([] { return false; })->message, "from afar");
  EXPECT_FALSE(queue.pop());
  feeder.join();
}

// The asynchronous side, through the Completion an AsyncEventStream's next() uses.
class EventQueueAsync : public ::testing::Test {
 protected:
  using Next = Completion<std::optional<Event>>;
  struct Seen {
    int calls = 0;
    boost::system::error_code code;
    std::optional<Event> event;
  };

  // A pop whose handler records what it completed with.
  void pop(Seen& seen) {
    auto next = std::make_shared<Next>(
        [&seen](boost::system::error_code code, std::optional<Event> event) {
          ++seen.calls;
          seen.code = code;
          seen.event = std::move(event);
        },
        io.get_executor());
    queue.async_pop([next](EventQueue::Item item) {
      Next::complete_posted(next, item.code, std::move(item.event));
    });
  }

  asio::io_context io;
  EventQueue queue;
};

TEST_F(EventQueueAsync, NeverCompletesInline) {
  queue.push(event("ready"));
  Seen ready;
  pop(ready);  // an event is there: taken now, handed over later
  EXPECT_EQ(ready.calls, 0);
  io.run();
  EXPECT_EQ(ready.calls, 1);
  EXPECT_EQ(ready.event->message, "ready");

  Seen waiting;
  pop(waiting);
  queue.push(event("later"));  // inside the run's event callback: not from there either
  EXPECT_EQ(waiting.calls, 0);
  io.restart();
  io.run();
  EXPECT_EQ(waiting.calls, 1);
  EXPECT_EQ(waiting.event->message, "later");
}

TEST_F(EventQueueAsync, TheErrorComesOnceThenTheEnd) {
  Seen first, second;
  std::exception_ptr left;
  queue.async_pop([&](EventQueue::Item item) {
    ++first.calls;
    first.code = item.code;
    left = item.error;
  });
  queue.end(result(1), make_error_code(errc::command_failed), failure("apply failed"));
  EXPECT_EQ(first.calls, 1);
  EXPECT_EQ(first.code, make_error_code(errc::command_failed));
  EXPECT_TRUE(left);
  pop(second);
  io.run();
  EXPECT_EQ(second.calls, 1);
  EXPECT_FALSE(second.code);
  EXPECT_FALSE(second.event);
  EXPECT_TRUE(queue.done());
}

TEST_F(EventQueueAsync, OneAtATime) {
  Seen first, second;
  bool waits = false;
  queue.async_pop(
      [&](EventQueue::Item item) {
        ++first.calls;
        first.event = std::move(item.event);
      },
      [&] { waits = true; });
  EXPECT_TRUE(waits);
  pop(second);
  io.run();
  EXPECT_EQ(second.calls, 1);
  EXPECT_EQ(second.code, make_error_code(errc::invalid_option));
  EXPECT_EQ(first.calls, 0);  // still waiting
  queue.push(event("for the first"));
  EXPECT_EQ(first.calls, 1);
  EXPECT_EQ(first.event->message, "for the first");
}

TEST_F(EventQueueAsync, OnWaitRunsOnlyForAPopLeftWaiting) {
  queue.push(event("ready"));
  bool waits = false;
  queue.async_pop([](EventQueue::Item) {}, [&] { waits = true; });
  EXPECT_FALSE(waits);
}

TEST_F(EventQueueAsync, ADroppedPopIsDestroyedWithoutBeingCalled) {
  auto alive = std::make_shared<int>(0);
  std::weak_ptr<int> watch = alive;
  bool called = false;
  queue.async_pop([&called, alive = std::move(alive)](EventQueue::Item) { called = true; });
  EXPECT_FALSE(watch.expired());
  queue.drop_waiting();
  EXPECT_TRUE(watch.expired());
  queue.end(result(0));
  EXPECT_FALSE(called);
}

TEST(StopLadder, FirstInterruptsThenEscalates) {
  StopLadder ladder;
  EXPECT_FALSE(ladder.asked());
  EXPECT_EQ(ladder.next(), StopLadder::Step::interrupt);
  EXPECT_TRUE(ladder.asked());
  EXPECT_EQ(ladder.next(), StopLadder::Step::escalate);
  EXPECT_EQ(ladder.next(), StopLadder::Step::escalate);
}

TEST(StopLadder, OneInterruptAmongThreadsAskingAtOnce) {
  StopLadder ladder;
  std::atomic<int> interrupts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (ladder.next() == StopLadder::Step::interrupt) ++interrupts;
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(interrupts, 1);
}

}  // namespace
}  // namespace libterraform::detail
