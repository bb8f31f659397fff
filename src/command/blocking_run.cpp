#include "command/blocking_run.hpp"

namespace libterraform::detail {

BlockingRun::BlockingRun(CommandSpec spec, Invocation invocation, EventCallback also_on_event)
    : spec_(std::move(spec)),
      invocation_(std::move(invocation)),
      on_stop_(spec_.common.stop_token, [this] { wake_->signal(); }),
      collector_(spec_.common, spec_.format, std::move(also_on_event)),
      child_(process::launch(invocation_.launch)) {
  how_.stop_policy = invocation_.stop_policy;
  how_.timeout = invocation_.timeout;
  how_.stdin_data = invocation_.stdin_data;
  how_.on_output = [this](process::OutputStream stream, std::string_view chunk) {
    if (!collector_.add(stream, chunk)) wake_->signal();  // a callback failed: stop
  };
  wake_->attach(how_);
  supervision_.emplace(child_, how_);
}

BlockingRun::~BlockingRun() {
  if (ended_ || !supervision_) return;
  interrupt();
  while (supervision_->step()) {
  }
  supervision_->finish();
}

bool BlockingRun::step() {
  return !ended_ && supervision_->step();
}

Outcome BlockingRun::finish() {
  ended_ = true;
  process::ChildExit exit = supervision_->finish();
  collector_.finish();
  Outcome outcome = conclude(
      spec_, {std::move(invocation_.launch.argv), std::move(invocation_.launch.working_dir), exit,
              std::move(collector_.output()), std::move(collector_.error())});
  if (collector_.failure()) outcome.error = collector_.failure();
  return outcome;
}

}  // namespace libterraform::detail
