#pragma once

#include "command/event_queue.hpp"
#include "command/invocation.hpp"
#include "libterraform/event_stream.hpp"

#include <memory>

namespace libterraform::detail {

// What feeds an EventStream's queue: a run on the calling thread, or a pool task.
class EventSource {
 public:
  virtual ~EventSource() = default;
  // Runs the command a step further on the calling thread (a run there); false once
  // there is nothing more to step: the queue has ended, or is fed from elsewhere.
  virtual bool step() { return false; }
  // Asks terraform to stop. Thread-safe, also while step() runs.
  virtual void cancel() = 0;
  // cancel(), then the stop policy's escalation at once. Thread-safe.
  virtual void escalate() = 0;
};

// What an EventStream holds: the queue outlives the source, which feeds it until it
// is destroyed.
struct EventStreamState {
  std::shared_ptr<EventQueue> queue = std::make_shared<EventQueue>();
  std::unique_ptr<EventSource> source;
};

// Starts the command of an EventStream on the calling thread. Throws the launch errors.
std::unique_ptr<EventStreamState> open_event_stream(CommandSpec spec, Invocation invocation);

}  // namespace libterraform::detail
