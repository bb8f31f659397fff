#include "pool/liveness.hpp"

#include <algorithm>

namespace libterraform::pool {

void Liveness::busy(WorkerId worker, bool busy, Clock::time_point now) {
  Watch& watch = workers_[worker];
  if (!busy) {
    watch.ping_at.reset();
    watch.answer_by.reset();
  } else if (!watch.ping_at && !watch.answer_by) {
    watch.ping_at = now + timeout_;
  }
}

void Liveness::answered(WorkerId worker, Clock::time_point now) {
  auto found = workers_.find(worker);
  if (found == workers_.end() || !found->second.answer_by) return;
  found->second.answer_by.reset();
  found->second.ping_at = now + timeout_;
}

void Liveness::closed(WorkerId worker, Clock::time_point now) {
  Watch& watch = workers_[worker];
  watch.ping_at.reset();
  watch.answer_by.reset();
  if (!watch.exit_by) watch.exit_by = now + timeout_;
}

void Liveness::channel_ended(WorkerId worker, Clock::time_point now) {
  Watch& watch = workers_[worker];
  watch.ping_at.reset();
  watch.answer_by.reset();
  watch.exit_by.reset();
  if (!watch.reported_by) watch.reported_by = now + timeout_;
}

void Liveness::gone(WorkerId worker) {
  workers_.erase(worker);
}

void Liveness::spawner_closed(Clock::time_point now) {
  if (!spawner_exit_by_) spawner_exit_by_ = now + timeout_;
}

void Liveness::spawner_gone() {
  spawner_exit_by_.reset();
}

bool Liveness::expired(std::optional<Clock::time_point>& deadline, Clock::time_point now) const {
  if (!deadline || now < *deadline) return false;
  if (now - *deadline >= timeout_ / 2) {  // this check is late: so was everything else
    deadline = now + timeout_;
    return false;
  }
  return true;
}

Liveness::Actions Liveness::on_time(Clock::time_point now) {
  Actions actions;
  for (auto& [worker, watch] : workers_) {
    if (!watch.killed && (expired(watch.answer_by, now) || expired(watch.exit_by, now))) {
      watch.killed = true;
      watch.answer_by.reset();
      watch.exit_by.reset();
      watch.reported_by = now + timeout_;  // a stopped spawner would never say
      actions.kill.push_back(worker);
      continue;
    }
    if (watch.ping_at && now >= *watch.ping_at) {
      watch.ping_at.reset();
      watch.answer_by = now + timeout_;
      actions.ping.push_back(worker);
    }
    if (expired(watch.reported_by, now)) {
      watch.reported_by.reset();
      actions.presume_exited.push_back(worker);
    }
  }
  if (!spawner_killed_ && expired(spawner_exit_by_, now)) {
    spawner_killed_ = true;
    spawner_exit_by_.reset();
    actions.kill_spawner = true;
  }
  return actions;
}

std::optional<Liveness::Clock::time_point> Liveness::next_wakeup() const {
  std::optional<Clock::time_point> next;
  auto consider = [&](const std::optional<Clock::time_point>& deadline) {
    if (deadline && (!next || *deadline < *next)) next = deadline;
  };
  for (const auto& [worker, watch] : workers_) {
    consider(watch.ping_at);
    consider(watch.answer_by);
    consider(watch.exit_by);
    consider(watch.reported_by);
  }
  consider(spawner_exit_by_);
  return next;
}

}  // namespace libterraform::pool
