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
  std::optional<Outcome> outcome;
  bool error_thrown = false;
};

// Starts the command of an EventStream. Throws the launch errors.
std::unique_ptr<EventStreamState> open_event_stream(CommandSpec spec, Invocation invocation);

}  // namespace libterraform::detail
