#include "pool_service.hpp"

#include "process/child_exit.hpp"
#include "process/environment.hpp"
#include "test_support.hpp"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

namespace libterraform::testing {
namespace {

pid_t only_child(pid_t parent, const char* what) {
  auto children = children_of(parent);
  if (children.size() != 1) throw std::runtime_error(std::string("no single ") + what);
  return *children.begin();
}

}  // namespace

PoolService::PoolService(const std::filesystem::path& module, bool close_stdin) {
  process::LaunchSpec spec;
  spec.executable = pool_parent();
  spec.argv = {spec.executable, module.string(), terraform_options().env.at("TF_CLI_CONFIG_FILE")};
  if (close_stdin) spec.argv.push_back("close-stdin");
  spec.environment = process::shared_environment({}, false);
  parent_ = process::launch(spec);

  std::string seen;
  while (seen.find("started") == std::string::npos) {
    pollfd readable{parent_.stdout_fd.get(), POLLIN, 0};
    char buffer[256];
    ssize_t n = ::poll(&readable, 1, 60000) > 0
                    ? ::read(parent_.stdout_fd.get(), buffer, sizeof buffer)
                    : 0;
    if (n <= 0) throw std::runtime_error("the pool never started terraform");
    seen.append(buffer, static_cast<std::size_t>(n));
  }
  spawner_ = only_child(parent_.pid, "spawner");
  worker_ = only_child(spawner_, "worker");
  terraform_ = only_child(worker_, "terraform");
}

PoolService::~PoolService() {
  if (!parent_reaped_) {
    ::kill(parent_.pid, SIGKILL);
    reap_parent();
  }
}

std::set<pid_t> PoolService::terraform_family() const {
  std::set<pid_t> family{terraform_};
  for (pid_t child : children_of(terraform_)) {
    family.insert(child);
    for (pid_t grandchild : children_of(child))
      family.insert(grandchild);
  }
  return family;
}

void PoolService::reap_parent() {
  process::reap(parent_);
  parent_reaped_ = true;
}

bool PoolService::all_gone(std::chrono::milliseconds timeout) const {
  return eventually(
      [&] {
        reap_orphans();
        return ::kill(spawner_, 0) != 0 && ::kill(worker_, 0) != 0 && ::kill(terraform_, 0) != 0;
      },
      timeout, [] { std::this_thread::sleep_for(std::chrono::milliseconds(20)); });
}

}  // namespace libterraform::testing
