#pragma once

#include "command/async_run.hpp"
#include "libterraform/async_terraform_command.hpp"

namespace libterraform::detail {

// What an AsyncTerraformCommand runs against; shared with its pending operations.
struct AsyncTarget {
  boost::asio::any_io_executor executor;
  TerraformPool* pool = nullptr;
  RunTarget run;  // the default backend's binary and options; module_dir for both
};

}  // namespace libterraform::detail
