#include "pool/launchers.hpp"

#include "libterraform/errors.hpp"

#include <algorithm>
#include <thread>

namespace libterraform::pool {
namespace {

bool has_nul(const std::string& text) {
  return text.find('\0') != std::string::npos;
}

}  // namespace

void check_launchers(const std::vector<WorkerLauncher>& launchers) {
  for (const auto& launcher : launchers) {
    const std::string name = "worker launcher \"" + launcher_name(launcher) + "\"";
    if (launcher.argv.empty()) throw Error(errc::invalid_option, "a worker launcher has no argv");
    if (std::ranges::any_of(launcher.argv, [](const auto& arg) { return arg.empty(); }) ||
        std::ranges::any_of(launcher.argv, has_nul)) {
      throw Error(errc::invalid_option, name + ": an argument is empty or has a NUL byte");
    }
    if (launcher.worker_program.empty() || has_nul(launcher.worker_program)) {
      throw Error(errc::invalid_option, name + ": the worker program is empty or has a NUL byte");
    }
    if (launcher.workers == 0) throw Error(errc::invalid_option, name + ": workers is 0");
    if (launcher.start_timeout.count() <= 0) {
      throw Error(errc::invalid_option, name + ": start_timeout is not positive");
    }
    for (const auto& [local, remote] : launcher.path_map) {
      if (!local.is_absolute() || !remote.is_absolute()) {
        throw Error(errc::invalid_option, name + ": path_map entries must be absolute paths");
      }
    }
  }
}

std::vector<std::vector<std::string>> launcher_argvs(const std::vector<WorkerLauncher>& launchers) {
  std::vector<std::vector<std::string>> argvs;
  for (const auto& launcher : launchers) {
    auto& argv = argvs.emplace_back(launcher.argv);
    argv.push_back(launcher.worker_program);
  }
  return argvs;
}

std::string launcher_name(const WorkerLauncher& launcher) {
  std::string name;
  for (const auto& arg : launcher.argv)
    name += (name.empty() ? "" : " ") + arg;
  return name;
}

std::string map_path(const std::string& path, const WorkerLauncher& launcher) {
  for (const auto& [local_prefix, remote_prefix] : launcher.path_map) {
    std::string local = local_prefix.lexically_normal().string();
    while (local.size() > 1 && local.back() == '/')
      local.pop_back();
    if (!path.starts_with(local)) continue;
    if (path.size() > local.size() && path[local.size()] != '/' && local != "/") continue;
    std::string remote = remote_prefix.lexically_normal().string();
    while (remote.size() > 1 && remote.back() == '/')
      remote.pop_back();
    std::string rest = path.substr(local.size());
    if (remote == "/" && rest.starts_with('/')) return rest;
    if (local == "/" && !rest.empty()) rest = "/" + rest;
    return remote + rest;
  }
  return path;
}

RunRequest for_launcher(RunRequest request, const WorkerLauncher& launcher) {
  if (launcher.path_map.empty()) return request;
  auto& launch = request.invocation.launch;
  launch.working_dir = map_path(launch.working_dir.string(), launcher);
  const std::string executable = map_path(launch.executable, launcher);
  if (!launch.argv.empty() && launch.argv.front() == launch.executable) {
    launch.argv.front() = executable;
  }
  launch.executable = executable;
  if (!request.plugin_cache_dir.empty()) {
    request.plugin_cache_dir = map_path(request.plugin_cache_dir, launcher);
  }
  return request;
}

unsigned local_workers(const PoolOptions& options) {
  if (options.max_workers > 0) return options.max_workers;
  if (!options.launchers.empty()) return 0;
  return std::max(1U, std::thread::hardware_concurrency());
}

}  // namespace libterraform::pool

namespace libterraform {

WorkerLauncher ssh_launcher(std::string host, unsigned workers) {
  return {.argv = {"ssh", "-T", "-e", "none", "-o", "BatchMode=yes", std::move(host)},
          .workers = workers};
}

WorkerLauncher slurm_launcher(unsigned workers) {
  return {.argv = {"srun", "-u", "-X", "--quiet", "-N1", "-n1"}, .workers = workers};
}

}  // namespace libterraform
