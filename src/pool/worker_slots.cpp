#include "pool/worker_slots.hpp"

namespace libterraform::pool {

WorkerSlots::WorkerSlots(std::vector<unsigned> room, std::vector<std::string> names) {
  for (std::size_t i = 0; i < room.size(); ++i) {
    Slot& slot = slots_.emplace_back();
    slot.room = room[i];
    if (i < names.size()) slot.name = names[i];
  }
}

std::optional<std::size_t> WorkerSlots::pick(Clock::time_point now) const {
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const Slot& slot = slots_[i];
    if (!slot.retired && slot.live < slot.room && now >= slot.rests_until) return i;
  }
  return std::nullopt;
}

void WorkerSlots::started(std::size_t slot) {
  ++slots_.at(slot).live;
}

void WorkerSlots::ready(std::size_t slot) {
  slots_.at(slot).failures_in_a_row = 0;
}

void WorkerSlots::ended(std::size_t slot) {
  Slot& s = slots_.at(slot);
  if (s.live > 0) --s.live;
}

bool WorkerSlots::failed(std::size_t slot, std::string error, Clock::time_point now) {
  Slot& s = slots_.at(slot);
  s.last_error = std::move(error);
  if (s.retired) return false;
  ++s.failures_in_a_row;
  if (s.failures_in_a_row >= kFailuresInARow) {
    s.retired = true;
    return true;
  }
  s.rests_until = now + kFirstRest * (1U << (s.failures_in_a_row - 1));
  return false;
}

std::size_t WorkerSlots::capacity() const {
  std::size_t total = 0;
  for (const Slot& slot : slots_)
    if (!slot.retired) total += slot.room;
  return total;
}

std::optional<WorkerSlots::Clock::time_point> WorkerSlots::next_start(Clock::time_point now) const {
  std::optional<Clock::time_point> first;
  for (const Slot& slot : slots_) {
    if (slot.retired || slot.live >= slot.room || slot.rests_until <= now) continue;
    if (!first || slot.rests_until < *first) first = slot.rests_until;
  }
  return first;
}

std::string WorkerSlots::failures() const {
  std::string text;
  for (const Slot& slot : slots_) {
    if (slot.last_error.empty()) continue;
    if (!text.empty()) text += "; ";
    text += slot.name + (slot.retired ? " (out of rotation): " : ": ") + slot.last_error;
  }
  return text;
}

}  // namespace libterraform::pool
