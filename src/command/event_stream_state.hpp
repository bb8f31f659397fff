#pragma once

#include "command/blocking_run.hpp"
#include "libterraform/event_stream.hpp"

#include <deque>
#include <memory>
#include <optional>

namespace libterraform::detail {

// What an EventStream holds: the run, until it has ended, and the events it has not
// handed out yet.
struct EventStreamState {
  std::deque<Event> events;
  std::unique_ptr<BlockingRun> run;
  // The run's, kept for cancel(), which other threads call while next() may be
  // destroying the run.
  std::shared_ptr<const process::WakeUp> wake_up;
  std::optional<Outcome> outcome;
  bool error_thrown = false;
};

// Starts the command of an EventStream. Throws the launch errors.
std::unique_ptr<EventStreamState> open_event_stream(CommandSpec spec, Invocation invocation);

}  // namespace libterraform::detail
