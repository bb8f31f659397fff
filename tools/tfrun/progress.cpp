#include "progress.hpp"

namespace tfrun {

using libterraform::ChangeAction;
using libterraform::EventType;

namespace {

void count(ModuleProgress& p, ChangeAction action) {
  switch (action) {
    case ChangeAction::create:
      ++p.add;
      break;
    case ChangeAction::update:
      ++p.change;
      break;
    case ChangeAction::destroy:
      ++p.destroy;
      break;
    case ChangeAction::replace:
      ++p.add;
      ++p.destroy;
      break;
    default:
      break;
  }
}

}  // namespace

void ModuleProgress::on_event(const libterraform::Event& e) {
  switch (e.type) {
    case EventType::planned_change:
      phase = "planning";
      if (e.change) {
        resource = e.change->resource.addr;
        count(*this, e.change->action);
      }
      break;
    case EventType::refresh_start:
      phase = "refreshing";
      if (e.hook) resource = e.hook->resource.addr;
      break;
    case EventType::apply_start:
    case EventType::apply_progress:
      phase = e.hook && e.hook->action == ChangeAction::destroy ? "destroying" : "applying";
      if (e.hook) resource = e.hook->resource.addr;
      break;
    case EventType::apply_complete:
      if (e.hook) {
        if (!applying_) add = change = destroy = 0;  // from what is planned to what is done
        applying_ = true;
        count(*this, e.hook->action);
        resource = e.hook->resource.addr;
      }
      break;
    case EventType::provision_start:
    case EventType::provision_progress:
      phase = "provisioning";
      if (e.hook) resource = e.hook->resource.addr;
      break;
    case EventType::change_summary:
      if (e.summary) {
        add = e.summary->add;
        change = e.summary->change;
        destroy = e.summary->remove;
        phase = e.summary->operation == "plan" ? "planned" : "done";
        resource.clear();
      }
      break;
    case EventType::init_output:
      phase = "initializing";
      break;
    default:
      break;
  }
}

std::string change_counts(int add, int change, int destroy) {
  std::string counts = "+";  // appended: g++ 12 -O2 warns, wrongly, about "+" + string
  counts += std::to_string(add);
  counts += " ~" + std::to_string(change);
  counts += " -" + std::to_string(destroy);
  return counts;
}

}  // namespace tfrun
