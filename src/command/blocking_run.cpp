#include "command/blocking_run.hpp"

namespace libterraform::detail {

BlockingRun::BlockingRun(CommandSpec spec, Invocation invocation, EventCallback also_on_event)
    : core_(std::move(spec), invocation, std::move(also_on_event)),
      on_stop_(core_.spec().common.stop_token, [this] { wake_->signal(); }),
      on_escalation_(core_.spec().escalation, [this] { wake_->escalate(); }),
      child_(process::launch(invocation.launch)) {
  how_.supervision = std::move(invocation.supervision);
  how_.on_output = [this](process::OutputStream stream, std::string_view chunk) {
    if (!core_.on_output(stream, chunk)) wake_->signal();  // a callback failed: stop
  };
  wake_->attach(how_);
  supervision_.emplace(child_, how_);
  if (!core_.started(std::chrono::system_clock::now())) wake_->signal();  // it threw: stop
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
  return core_.finish(supervision_->finish());
}

}  // namespace libterraform::detail
