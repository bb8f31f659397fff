#pragma once

// libterraform: drive the terraform CLI from C++.

#include "libterraform/command_result.hpp"
#include "libterraform/errors.hpp"
#include "libterraform/stop_policy.hpp"
#include "libterraform/terraform_command.hpp"
#include "libterraform/terraform_options.hpp"
