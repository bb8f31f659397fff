#pragma once

/// \file
/// libterraform: drive the terraform CLI from C++. This header brings in everything,
/// Asio included; terraform_command.hpp or terraform_pool.hpp alone build faster.

/// \namespace libterraform
/// Everything the library offers; libterraform::detail is its implementation.

#include "libterraform/async_terraform_command.hpp"
#include "libterraform/command_result.hpp"
#include "libterraform/commands.hpp"
#include "libterraform/errors.hpp"
#include "libterraform/event_stream.hpp"
#include "libterraform/events.hpp"
#include "libterraform/future.hpp"
#include "libterraform/graph_run.hpp"
#include "libterraform/module_graph.hpp"
#include "libterraform/module_path.hpp"
#include "libterraform/pool_worker.hpp"
#include "libterraform/stop_policy.hpp"
#include "libterraform/structured_results.hpp"
#include "libterraform/terraform_command.hpp"
#include "libterraform/terraform_options.hpp"
#include "libterraform/terraform_pool.hpp"
#include "libterraform/version.hpp"
