#pragma once

#include "libterraform/command_result.hpp"
#include "libterraform/events.hpp"

#include <boost/system/error_code.hpp>

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace libterraform::detail {

// The events of one run on their way to whoever takes them (an EventStream, an
// AsyncEventStream), from whatever runs it (a run on the taker's thread, a pool task,
// an asynchronous run). Events come out in order; once the run has ended and they are
// all out, the run's error comes out once, then the end, again and again.
// Thread-safe: one side pushes, the other pops, each on any thread.
class EventQueue {
 public:
  // What an asynchronous pop takes: an event, or the end (the run's error, once,
  // before it: a code, and the exception the synchronous API throws for it).
  struct Item {
    std::optional<Event> event;
    boost::system::error_code code;
    std::exception_ptr error;
  };
  // An asynchronous pop, called once with its item, on the thread that has it, and
  // unlocked; it hands the item on (it must not complete a handler inline).
  using Waiter = std::function<void(Item)>;

  // The run printed an event.
  void push(Event event);
  // The run ended: what terraform produced (null: it never ran) and the error the run
  // counts as (no code: none). Later calls do nothing.
  void end(std::shared_ptr<const CommandResult> result, boost::system::error_code code = {},
           std::exception_ptr error = nullptr);

  // The next event, waiting for it; nothing at the end, after throwing the run's error
  // once. With a `pump`, the run goes on this thread: pump() is stepped instead of
  // waiting, until it returns false (it has called end(), or the events come from
  // elsewhere from then on).
  std::optional<Event> pop(const std::function<bool()>& pump = {});
  // Hands the next item to `waiter`: now, if there is one, else when it comes. One at
  // a time: while another waits, `waiter` gets Error(invalid_option) at once.
  // `on_wait` runs, locked, if `waiter` is left waiting (before anything can take it).
  void async_pop(Waiter waiter, const std::function<void()>& on_wait = {});
  // Destroys a waiting pop without calling it (unlocked: it may own whoever owns the
  // queue, which the caller keeps alive).
  void drop_waiting();

  // end() has been called.
  bool ended() const;
  // Ended, every event is out, and so is the run's error, if it has one.
  bool done() const;
  // Once ended: what terraform produced (null if it never ran). Null before.
  const CommandResult* result() const;

 private:
  // What a pop can take now, if anything. Called locked.
  std::optional<Item> take();

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Event> events_;
  bool ended_ = false;
  std::shared_ptr<const CommandResult> result_;
  std::optional<Item> error_;  // taken once, at the end
  Waiter waiting_;
};

}  // namespace libterraform::detail
