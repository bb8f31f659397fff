#pragma once

namespace libterraform::detail {

// Marks this thread, for the scope, as running one of a pool's deliveries (user
// callbacks, a future's completion): an unbounded wait for a pool future there throws
// (forbid_waiting_in_delivery), since the deliveries of one worker come in order.
class Delivering {
 public:
  Delivering();
  ~Delivering();
  Delivering(const Delivering&) = delete;
  Delivering& operator=(const Delivering&) = delete;
};

}  // namespace libterraform::detail
