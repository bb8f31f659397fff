#include "graph/graph_schedule.hpp"

#include <algorithm>

namespace libterraform::graph {

GraphSchedule::GraphSchedule(std::vector<std::vector<std::size_t>> waits_for,
                             const std::vector<bool>& selected, SchedulePolicy policy)
    : waits_for_(std::move(waits_for)),
      states_(waits_for_.size(), ModuleState::waiting),
      causes_(waits_for_.size()),
      policy_(policy) {
  for (std::size_t m = 0; m < states_.size(); ++m)
    if (!selected[m]) states_[m] = ModuleState::excluded;
}

bool GraphSchedule::may_start(std::size_t module) const {
  return std::all_of(waits_for_[module].begin(), waits_for_[module].end(), [this](auto before) {
    const ModuleState s = states_[before];
    return s == ModuleState::succeeded || s == ModuleState::excluded ||
           (policy_.ignore_errors && s == ModuleState::failed);
  });
}

std::vector<std::size_t> GraphSchedule::take_ready() {
  std::vector<std::size_t> ready;
  if (stopped_) return ready;
  for (std::size_t m = 0; m < states_.size(); ++m) {
    if (states_[m] == ModuleState::waiting && may_start(m)) ready.push_back(m);
  }
  for (std::size_t m : ready)
    states_[m] = ModuleState::running;
  running_ += ready.size();
  return ready;
}

void GraphSchedule::end(std::size_t module, ModuleState state) {
  if (states_[module] == ModuleState::running) --running_;
  states_[module] = state;
}

void GraphSchedule::succeeded(std::size_t module) {
  end(module, ModuleState::succeeded);
}

std::vector<std::size_t> GraphSchedule::skip_waiting_after(std::size_t failed) {
  // Everything waiting that leads back to `failed`, in module order.
  std::vector<bool> blocked(states_.size(), false);
  blocked[failed] = true;
  for (bool grew = true; grew;) {
    grew = false;
    for (std::size_t m = 0; m < states_.size(); ++m) {
      if (blocked[m] || states_[m] != ModuleState::waiting) continue;
      const auto& w = waits_for_[m];
      if (std::any_of(w.begin(), w.end(), [&](auto before) { return blocked[before]; })) {
        blocked[m] = grew = true;
      }
    }
  }
  std::vector<std::size_t> skipped;
  for (std::size_t m = 0; m < states_.size(); ++m) {
    if (m != failed && blocked[m]) skipped.push_back(m);
  }
  return skipped;
}

std::vector<std::size_t> GraphSchedule::failed(std::size_t module) {
  end(module, ModuleState::failed);
  std::vector<std::size_t> skipped;
  if (policy_.fail_fast) {
    stopped_ = true;
    for (std::size_t m = 0; m < states_.size(); ++m)
      if (states_[m] == ModuleState::waiting) skipped.push_back(m);
  } else if (!policy_.ignore_errors) {
    skipped = skip_waiting_after(module);
  }
  for (std::size_t m : skipped) {
    states_[m] = ModuleState::skipped;
    causes_[m] = module;
  }
  return skipped;
}

void GraphSchedule::skipped(std::size_t module, std::size_t cause) {
  end(module, ModuleState::skipped);
  causes_[module] = cause;
}

std::vector<std::size_t> GraphSchedule::cancelled(std::size_t module) {
  end(module, ModuleState::cancelled);
  auto cancelled = skip_waiting_after(module);
  for (std::size_t m : cancelled) {
    states_[m] = ModuleState::cancelled;
    causes_[m] = module;
  }
  return cancelled;
}

std::vector<std::size_t> GraphSchedule::cancel() {
  stopped_ = true;
  std::vector<std::size_t> cancelled;
  for (std::size_t m = 0; m < states_.size(); ++m) {
    if (states_[m] == ModuleState::waiting) {
      states_[m] = ModuleState::cancelled;
      cancelled.push_back(m);
    }
  }
  return cancelled;
}

bool GraphSchedule::done() const {
  if (running_ > 0) return false;
  return stopped_ || std::none_of(states_.begin(), states_.end(),
                                  [](auto s) { return s == ModuleState::waiting; });
}

}  // namespace libterraform::graph
