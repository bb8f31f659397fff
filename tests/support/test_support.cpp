#include "test_support.hpp"

#include "libterraform/terraform_command.hpp"

#include <nlohmann/json.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace libterraform::testing {

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "libterraform-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
  if (ec) {
    // std::filesystem gives up on paths beyond PATH_MAX; rm walks the tree with openat.
    [[maybe_unused]] int status = std::system(("rm -rf '" + path_.string() + "'").c_str());
  }
}

void write_file(const fs::path& path, std::string_view content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

TerraformOptions terraform_options() {
  static const fs::path config = [] {
    fs::path path =
        fs::temp_directory_path() / ("libterraform-test-" + std::to_string(::getpid()) + ".tfrc");
    write_file(path, "");
    return path;
  }();
  TerraformOptions options;
  options.env = {{"TF_CLI_CONFIG_FILE", config.string()}, {"CHECKPOINT_DISABLE", "1"}};
  return options;
}

fs::path make_module(const fs::path& parent, std::string_view name, std::string_view main_tf) {
  fs::path dir = parent / name;
  write_file(dir / "main.tf", main_tf);
  return dir;
}

fs::path make_initialized_module(const fs::path& parent, std::string_view name,
                                 std::string_view main_tf) {
  fs::path dir = make_module(parent, name, main_tf);
  TerraformCommand(dir, terraform_options()).init({.check = true});
  return dir;
}

std::string slow_resource(int seconds, std::string_view name) {
  return "variable \"sleep_seconds\" {\n"
         "  default = " +
         std::to_string(seconds) +
         "\n"
         "}\n\n"
         "resource \"terraform_data\" \"" +
         std::string(name) +
         "\" {\n"
         "  provisioner \"local-exec\" {\n"
         "    command = \"sleep ${var.sleep_seconds}\"\n"
         "  }\n"
         "}\n";
}

std::string child_helper() {
  return LIBTERRAFORM_CHILD_HELPER;
}
std::string pool_parent() {
  return LIBTERRAFORM_POOL_PARENT;
}

std::set<pid_t> child_processes() {
  return children_of(::getpid());
}

fs::path working_directory_of(pid_t pid) {
  std::error_code ec;
  return fs::read_symlink("/proc/" + std::to_string(pid) + "/cwd", ec);
}

std::set<pid_t> children_of(pid_t parent) {
  std::set<pid_t> children;
  const std::string self = std::to_string(parent);
  DIR* proc = ::opendir("/proc");
  if (!proc) return children;
  while (dirent* entry = ::readdir(proc)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    std::ifstream stat(std::string("/proc/") + entry->d_name + "/stat");
    std::string line;
    std::getline(stat, line);
    // pid (comm) state ppid ...: comm may hold spaces, so parse after the last ')'.
    auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(line.substr(close + 1));
    std::string state, ppid;
    fields >> state >> ppid;
    // Zombies (Z) and the dead being released (X) are gone.
    if (ppid == self && state != "Z" && state != "X") children.insert(std::stoi(entry->d_name));
  }
  ::closedir(proc);
  return children;
}

std::set<pid_t> pool_workers() {
  std::set<pid_t> workers;
  for (pid_t spawner : child_processes()) {
    for (pid_t worker : children_of(spawner))
      workers.insert(worker);
  }
  return workers;
}

pid_t pool_worker_running_in(const fs::path& module) {
  for (pid_t worker : pool_workers()) {
    for (pid_t child : children_of(worker)) {
      if (working_directory_of(child) == fs::canonical(module)) return worker;
    }
  }
  return -1;
}

void reap_orphans() {
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

int open_descriptor_count() {
  int count = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator("/proc/self/fd"))
    ++count;
  return count;
}

void LeakCheck::SetUp() {
  children_before_ = child_processes();
  descriptors_before_ = open_descriptor_count();
}

void LeakCheck::TearDown() {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::set<pid_t> extra;
  while (true) {
    extra.clear();
    for (pid_t pid : child_processes()) {
      if (!children_before_.count(pid)) extra.insert(pid);
    }
    if (extra.empty() || std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // Kill what outlived the test, so one failure does not fail the tests after it.
  for (pid_t pid : extra) {
    ADD_FAILURE() << "child process " << pid << " outlived the test";
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  reap_orphans();
  // A pool destroyed from one of its own threads releases its descriptors from a
  // detached wind-down, so they may close a moment after its last process exits.
  eventually([&] { return open_descriptor_count() == descriptors_before_; },
             std::chrono::seconds(5));
  EXPECT_EQ(open_descriptor_count(), descriptors_before_) << "descriptors leaked by the test";
}

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                const std::function<void()>& step) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    if (step) {
      step();
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  return true;
}

LineCallback flag_on(std::atomic<bool>& flag, std::string_view marker) {
  return [&flag, marker](std::string_view line) {
    if (line.find(marker) != std::string_view::npos) flag = true;
  };
}

::testing::AssertionResult started(const std::atomic<bool>& flag) {
  if (eventually([&] { return flag.load(); })) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "the command never started";
}

void reap_every_child(int) {
  int saved = errno;
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  errno = saved;
}

fs::path fake_terraform(const fs::path& dir, std::string_view body, std::string_view name) {
  fs::path path = dir / name;
  write_file(path, "#!/bin/sh\n" + std::string(body) + "\n");
  fs::permissions(path, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
  return path;
}

namespace {

// The fake of slow_to_stop_terraform, each message printed by the shell function
// `say`, defined by `say_is`.
std::string slow_to_stop(std::string_view say_is) {
  return "say() { " + std::string(say_is) +
         "; }\n"
         "trap 'say stopping; trap \"say \\\"interrupted again\\\"; exit 3\" INT' INT\n"
         "trap 'say terminated; exit 4' TERM\n"
         "say \"terraform runs\"\n"
         "i=0; while [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done";
}

}  // namespace

std::string slow_to_stop_terraform(bool to_stderr) {
  return slow_to_stop(to_stderr ? "echo \"$1\" >&2" : "echo \"$1\"");
}

std::string slow_to_stop_terraform_events() {
  return "echo '{\"@level\":\"info\",\"@message\":\"Terraform 1.11.4\",\"type\":\"version\","
         "\"terraform\":\"1.11.4\",\"ui\":\"1.2\"}'\n" +
         slow_to_stop(
             "printf '{\"@level\":\"info\",\"@message\":\"%s\",\"type\":\"log\"}\\n' "
             "\"$1\"");
}

ScopedSignal::ScopedSignal(int signal, void (*handler)(int)) : signal_(signal) {
  struct sigaction action {};
  action.sa_handler = handler;
  action.sa_flags = SA_RESTART;
  ::sigemptyset(&action.sa_mask);
  ::sigaction(signal, &action, &previous_);
}

ScopedSignal::~ScopedSignal() {
  ::sigaction(signal_, &previous_, nullptr);
}

StdioClosed::StdioClosed() {
  for (int fd = 0; fd < 3; ++fd) {
    saved_[fd] = ::fcntl(fd, F_DUPFD_CLOEXEC, 100);
    ::close(fd);
  }
}

StdioClosed::~StdioClosed() {
  for (int fd = 0; fd < 3; ++fd) {
    ::dup2(saved_[fd], fd);
    ::close(saved_[fd]);
  }
}

fs::path make_deep_directory(const fs::path& base, std::size_t length) {
  const std::string component(200, 'd');
  std::string path = base.string();
  int at = ::open(base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  while (path.size() < length && at >= 0) {
    ::mkdirat(at, component.c_str(), 0755);
    int next = ::openat(at, component.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ::close(at);
    at = next;
    path += "/" + component;
  }
  if (at < 0) throw std::runtime_error("could not create " + path);
  ::close(at);
  return path;
}

::testing::AssertionResult state_is_clean(const fs::path& module) {
  if (fs::exists(module / ".terraform.tfstate.lock.info")) {
    return ::testing::AssertionFailure() << "lock info left in " << module;
  }
  fs::path state = module / "terraform.tfstate";
  if (!fs::exists(state)) return ::testing::AssertionFailure() << "no state file in " << module;
  auto parsed = nlohmann::json::parse(read_file(state), nullptr, false);
  if (parsed.is_discarded() || !parsed.contains("version")) {
    return ::testing::AssertionFailure() << "state file does not parse: " << state;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace libterraform::testing

#include "modules.hpp"

namespace libterraform::testing {

fs::path make_app_module(const fs::path& parent, std::string_view name) {
  fs::path dir = make_module(parent, name, modules::kApp);
  write_file(dir / "child" / "main.tf", modules::kAppChild);
  write_file(dir / "tests" / "main.tftest.hcl", modules::kAppTest);
  return dir;
}

}  // namespace libterraform::testing
