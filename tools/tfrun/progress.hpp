#pragma once

// What one running module is doing, from its -json events: the live view's line.

#include <libterraform/events.hpp>

#include <string>

namespace tfrun {

struct ModuleProgress {
  std::string phase = "starting";        // planning, applying, provisioning, refreshing, ...
  std::string resource;                  // the resource it works on now
  int add = 0, change = 0, destroy = 0;  // so far: planned (plan) or done (apply)

  void on_event(const libterraform::Event& event);

 private:
  bool applying_ = false;  // counting what is done, no longer what is planned
};

// "+1 ~0 -2"
std::string change_counts(int add, int change, int destroy);

}  // namespace tfrun
