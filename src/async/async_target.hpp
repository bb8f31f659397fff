#pragma once

#include "libterraform/async_terraform_command.hpp"

#include <filesystem>
#include <string>

namespace libterraform::detail {

// What an AsyncTerraformCommand runs against; shared with its pending operations.
struct AsyncTarget {
  boost::asio::any_io_executor executor;
  std::filesystem::path working_dir;
  TerraformPool* pool = nullptr;
  TerraformOptions terraform;
  std::string executable;  // default backend only
};

}  // namespace libterraform::detail
