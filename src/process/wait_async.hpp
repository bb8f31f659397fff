#pragma once

#include "libterraform/stop_policy.hpp"
#include "process/child_exit.hpp"
#include "process/launch.hpp"
#include "process/supervision_options.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace libterraform::process {

// Supervises a launched child on an Asio executor with the same rules as wait_blocking
// (the same Supervisor): no thread of its own, every handler on one strand. The handler
// runs once, on that strand, after the child has exited and its output is drained;
// `on_output` is called on that strand too.
//
// If the executor's context is destroyed while the child still runs, the watch
// interrupts the child and waits for it (blocking, in its destructor): no terraform
// outlives the context that started it.
class AsyncWait {
 public:
  using Handler = std::function<void(ChildExit)>;

  static std::shared_ptr<AsyncWait> start(const boost::asio::any_io_executor& executor, Child child,
                                          SupervisionOptions options, OutputHandler on_output,
                                          Handler handler);

  // Thread-safe: the request is posted to the watch's strand.
  virtual void request_stop(StopReason reason) = 0;
  // The child has had its interrupt from elsewhere (Supervisor::interrupted_elsewhere).
  virtual void interrupted_elsewhere(StopReason reason) = 0;
  // Escalates the stop at once, per the policy (Supervisor::escalate).
  virtual void escalate(StopReason reason) = 0;
  virtual ~AsyncWait() = default;
};

}  // namespace libterraform::process
