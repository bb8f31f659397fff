#pragma once

#include "pool/scheduler.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <vector>

namespace libterraform::pool {

// Which of the pool's processes it is waiting on, and which of them no longer answer:
// a SIGSTOPped or wedged worker would otherwise hold its task, its timeout, a cancel
// and the pool's shutdown forever. Sans-io: the pool's I/O thread reports what happens
// and the time, and carries out the actions.
//
// A worker with work is pinged every `answer_timeout`; one that leaves a ping
// unanswered that long is to be killed (the pool then winds its terraform down, as
// for any worker that dies). A worker whose channel the pool closed must exit within
// `answer_timeout`, or be killed; one that was killed, or whose channel ended, must be
// reported exited by the spawner within it, or is presumed exited. The same holds for the spawner
// once its channel is closed. A check that comes late by half a timeout or more (the pool itself
// was stopped, as by Ctrl-Z) gives every process a fresh timeout instead.
class Liveness {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Liveness(std::chrono::milliseconds answer_timeout) : timeout_(answer_timeout) {}

  // Events.
  void busy(WorkerId worker, bool busy, Clock::time_point now);
  void answered(WorkerId worker, Clock::time_point now);
  void closed(WorkerId worker, Clock::time_point now);
  void channel_ended(WorkerId worker, Clock::time_point now);
  void gone(WorkerId worker);
  void spawner_closed(Clock::time_point now);
  void spawner_gone();

  struct Actions {
    std::vector<WorkerId> ping;
    std::vector<WorkerId> kill;            // unanswered, or not exiting when closed
    std::vector<WorkerId> presume_exited;  // channel ended, no exit report came
    bool kill_spawner = false;
  };
  Actions on_time(Clock::time_point now);
  std::optional<Clock::time_point> next_wakeup() const;

 private:
  struct Watch {
    std::optional<Clock::time_point> ping_at;      // busy: when to ping next
    std::optional<Clock::time_point> answer_by;    // a ping is outstanding
    std::optional<Clock::time_point> exit_by;      // closed by the pool
    std::optional<Clock::time_point> reported_by;  // its channel ended
    bool killed = false;
  };
  // True once `deadline` has passed; a check that comes late moves it on instead.
  bool expired(std::optional<Clock::time_point>& deadline, Clock::time_point now) const;

  std::chrono::milliseconds timeout_;
  std::map<WorkerId, Watch> workers_;
  std::optional<Clock::time_point> spawner_exit_by_;
  bool spawner_killed_ = false;
};

}  // namespace libterraform::pool
