#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace libterraform::pool {

// Where the pool's workers come from: local forks (slot 0) and each launcher (slots
// 1..n), how many each may run, and which launchers rest or are out of rotation.
// Sans-io: the pool reports starts and ends; this says where the next worker goes.
//
// A launcher whose worker ends before greeting the pool (ssh could not connect, srun
// was refused) rests before its next start, twice as long after each failure in a row;
// after kFailuresInARow it is out of rotation for good, and its room is gone. A worker
// that became ready clears its launcher's count.
class WorkerSlots {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr unsigned kFailuresInARow = 3;
  static constexpr std::chrono::milliseconds kFirstRest{500};

  // `room[i]`: how many workers slot i may run; `names[i]`: how errors name it.
  WorkerSlots(std::vector<unsigned> room, std::vector<std::string> names);

  // The slot where the next worker starts now, if one has room and is not resting:
  // the local one first, then the launchers in order.
  std::optional<std::size_t> pick(Clock::time_point now) const;
  void started(std::size_t slot);
  void ready(std::size_t slot);
  // A worker of the slot has ended (it was ready, or it failed: see failed()).
  void ended(std::size_t slot);
  // A worker of the slot ended before it was ready. Returns true if that took the slot
  // out of rotation. Call ended() too.
  bool failed(std::size_t slot, std::string error, Clock::time_point now);

  // How many workers may exist at once: the room of the slots in rotation.
  std::size_t capacity() const;
  // When the first resting slot may start a worker again.
  std::optional<Clock::time_point> next_start(Clock::time_point now) const;
  // Every slot is out of rotation.
  bool exhausted() const { return capacity() == 0; }
  // Each launcher's last error, for the error that says why no worker can start.
  std::string failures() const;
  const std::string& name(std::size_t slot) const { return slots_.at(slot).name; }

 private:
  struct Slot {
    unsigned room = 0;
    std::string name;
    unsigned live = 0;
    unsigned failures_in_a_row = 0;
    bool retired = false;
    Clock::time_point rests_until{};
    std::string last_error;
  };
  std::vector<Slot> slots_;
};

}  // namespace libterraform::pool
