#include "command/async_run.hpp"

#include "command/invocation.hpp"
#include "command/run_core.hpp"
#include "process/wait_async.hpp"

#include <boost/asio/post.hpp>

#include <optional>
#include <stop_token>

namespace libterraform::detail {
namespace {

class ChildRun final : public AsyncRun, public std::enable_shared_from_this<ChildRun> {
 public:
  ChildRun(boost::asio::any_io_executor executor, CommandSpec spec, const Invocation& invocation,
           Handler done)
      : executor_(std::move(executor)),
        core_(std::move(spec), invocation),
        done_(std::move(done)) {}

  void begin(process::Child child, process::SupervisionOptions supervision) {
    const bool start_told = core_.started(std::chrono::system_clock::now());  // before output
    watch_ = process::AsyncWait::start(
        executor_, std::move(child), std::move(supervision),
        [self = shared_from_this()](process::OutputStream stream, std::string_view chunk) {
          if (!self->core_.on_output(stream, chunk)) self->stop();  // a callback failed
        },
        [self = shared_from_this()](process::ChildExit exit) { self->finish(exit); });
    on_stop_.emplace(core_.spec().common.stop_token, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->stop();
    });
    on_escalation_.emplace(core_.spec().escalation, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->escalate();
    });
    if (!start_told) stop();  // the start callback threw
  }

  void stop() override {
    if (auto watch = watch_.lock()) watch->request_stop(process::StopReason::interrupted);
  }

  void escalate() override {
    if (auto watch = watch_.lock()) watch->escalate(process::StopReason::interrupted);
  }

 private:
  void finish(const process::ChildExit& exit) {
    on_stop_.reset();
    on_escalation_.reset();
    Handler done = std::move(done_);
    done(core_.finish(exit));
  }

  boost::asio::any_io_executor executor_;
  RunCore core_;
  Handler done_;
  std::weak_ptr<process::AsyncWait> watch_;
  std::optional<std::stop_callback<std::function<void()>>> on_stop_, on_escalation_;
};

// A run that never started: nothing to stop.
class NoRun final : public AsyncRun {
 public:
  void stop() override {}
  void escalate() override {}
};

}  // namespace

std::shared_ptr<AsyncRun> AsyncRun::start(boost::asio::any_io_executor executor,
                                          const RunTarget& target, CommandSpec spec, Handler done) {
  std::optional<Invocation> invocation;
  process::Child child;
  try {
    invocation =
        prepare(spec, target.options, target.executable, working_dir_of(spec, target.module_dir));
    child = process::launch(invocation->launch);
  } catch (const Error& e) {
    boost::asio::post(executor, [done = std::move(done),
                                 failure = Outcome::failure(e.code(), e.what())]() mutable {
      done(std::move(failure));
    });
    return std::make_shared<NoRun>();
  }
  auto run = std::make_shared<ChildRun>(std::move(executor), std::move(spec), *invocation,
                                        std::move(done));
  run->begin(std::move(child), std::move(invocation->supervision));
  return run;
}

}  // namespace libterraform::detail
