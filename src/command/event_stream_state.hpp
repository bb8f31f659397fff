#pragma once

#include "command/invocation.hpp"
#include "libterraform/event_stream.hpp"

#include <deque>
#include <exception>
#include <memory>

namespace libterraform::detail {

// What an EventStream pulls its events from: a run on the calling thread, or a pool
// task.
class EventSource {
 public:
  virtual ~EventSource() = default;
  // Waits until there are events, which it appends to `events`, or the run has ended.
  // True while the run goes on.
  virtual bool wait(std::deque<Event>& events) = 0;
  // Asks terraform to stop. Thread-safe, also while wait() runs.
  virtual void cancel() = 0;
  // Once wait() has returned false: what terraform produced (null if it never ran)
  // and the error the run counts as (null: none).
  virtual const CommandResult* result() const = 0;
  virtual std::exception_ptr error() const = 0;
};

// What an EventStream holds.
struct EventStreamState {
  explicit EventStreamState(std::unique_ptr<EventSource> from) : source(std::move(from)) {}

  std::unique_ptr<EventSource> source;
  std::deque<Event> events;  // received, not handed out yet
  bool ended = false;
  bool error_thrown = false;
};

// Starts the command of an EventStream on the calling thread. Throws the launch errors.
std::unique_ptr<EventStreamState> open_event_stream(CommandSpec spec, Invocation invocation);

}  // namespace libterraform::detail
