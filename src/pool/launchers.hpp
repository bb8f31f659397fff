#pragma once

// The pool's launchers (PoolOptions::launchers), without I/O: checking them, the argv
// each runs, and what a request becomes on a launcher's host.

#include "libterraform/terraform_pool.hpp"
#include "pool/messages.hpp"

#include <string>
#include <vector>

namespace libterraform::pool {

// Throws Error(invalid_option) for a launcher without argv, with an empty argument or
// worker program, with a NUL byte, or with no workers.
void check_launchers(const std::vector<WorkerLauncher>& launchers);

// Each launcher's whole argv: its own, then its worker program.
std::vector<std::vector<std::string>> launcher_argvs(const std::vector<WorkerLauncher>& launchers);

// How errors and reports name a launcher: its argv, space-separated.
std::string launcher_name(const WorkerLauncher& launcher);

// `path` on the launcher's host: the first path_map entry whose local prefix holds it
// (whole components) has that prefix replaced; else `path` as it is.
std::string map_path(const std::string& path, const WorkerLauncher& launcher);

// The request as the launcher's worker must see it: its directory, its plugin cache
// and its terraform binary mapped.
RunRequest for_launcher(RunRequest request, const WorkerLauncher& launcher);

// How many local workers a pool with these options runs.
unsigned local_workers(const PoolOptions& options);

}  // namespace libterraform::pool
