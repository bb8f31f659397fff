#pragma once

#include "libterraform/stop_policy.hpp"
#include "process/child_exit.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace libterraform::process {

// How a launched child is supervised, whichever driver runs it (the poll loop, the Asio
// watch, a pool worker). Plain data, so that it travels to a worker with the launch.
struct SupervisionOptions {
  StopPolicy stop_policy;
  std::optional<std::chrono::milliseconds> timeout;
  std::string stdin_data;  // written to the child's stdin, which is then closed
};

// Raw output as it arrives, in chunks of any size.
using OutputHandler = std::function<void(OutputStream, std::string_view)>;

}  // namespace libterraform::process
