#include "process/launch.hpp"

#include "libterraform/errors.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace libterraform::process {
namespace {

[[noreturn]] void fail(errc code, const std::string& what, int error_number) {
  throw Error(code, what + ": " + std::strerror(error_number));
}

struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) fail(errc::spawn_failed, "pipe", errno);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

class FileActions {
 public:
  FileActions() { ::posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { ::posix_spawn_file_actions_destroy(&actions_); }
  FileActions(const FileActions&) = delete;
  FileActions& operator=(const FileActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

class SpawnAttributes {
 public:
  SpawnAttributes() {
    ::posix_spawnattr_init(&attr_);
    sigset_t defaults;
    ::sigfillset(&defaults);
    ::sigdelset(&defaults, SIGKILL);
    ::sigdelset(&defaults, SIGSTOP);
    sigset_t empty;
    ::sigemptyset(&empty);
    ::posix_spawnattr_setsigdefault(&attr_, &defaults);
    ::posix_spawnattr_setsigmask(&attr_, &empty);
    ::posix_spawnattr_setpgroup(&attr_, 0);
    ::posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_USEVFORK);
  }
  ~SpawnAttributes() { ::posix_spawnattr_destroy(&attr_); }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
  posix_spawnattr_t* get() { return &attr_; }

 private:
  posix_spawnattr_t attr_;
};

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (const auto& s : strings)
    pointers.push_back(const_cast<char*>(s.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

bool is_existing_directory(const std::filesystem::path& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

}  // namespace

Child launch(const LaunchSpec& spec) {
  if (!spec.working_dir.empty() && !is_existing_directory(spec.working_dir)) {
    fail(errc::directory_not_found, "module directory " + spec.working_dir.string(), ENOENT);
  }

  Pipe out = make_pipe();
  Pipe err = make_pipe();
  UniqueFd stdin_parent, stdin_child;
  if (spec.feed_stdin) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
      fail(errc::spawn_failed, "socketpair", errno);
    }
    stdin_parent.reset(pair[0]);
    stdin_child.reset(pair[1]);
    ::shutdown(stdin_parent.get(), SHUT_RD);
  }

  FileActions actions;
  if (stdin_child) {
    ::posix_spawn_file_actions_adddup2(actions.get(), stdin_child.get(), STDIN_FILENO);
  } else {
    ::posix_spawn_file_actions_addopen(actions.get(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
  ::posix_spawn_file_actions_adddup2(actions.get(), out.write_end.get(), STDOUT_FILENO);
  ::posix_spawn_file_actions_adddup2(actions.get(), err.write_end.get(), STDERR_FILENO);
  if (!spec.working_dir.empty()) {
    ::posix_spawn_file_actions_addchdir_np(actions.get(), spec.working_dir.c_str());
  }
  // Nothing of the parent's leaks into terraform: a leaked pipe end held by a
  // provisioner's grandchild would delay EOF on someone else's output.
  ::posix_spawn_file_actions_addclosefrom_np(actions.get(), STDERR_FILENO + 1);

  SpawnAttributes attributes;
  auto argv = c_strings(spec.argv);
  static const std::vector<std::string> none;
  auto envp = c_strings(spec.environment ? *spec.environment : none);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, spec.executable.c_str(), actions.get(), attributes.get(),
                         argv.data(), envp.data());
  if (rc != 0) {
    if (rc == ENOENT && !spec.working_dir.empty() && !is_existing_directory(spec.working_dir)) {
      fail(errc::directory_not_found, "module directory " + spec.working_dir.string(), rc);
    }
    if (rc == ENOENT || rc == EACCES || rc == ENOEXEC) {
      fail(errc::binary_not_found, "terraform binary " + spec.executable, rc);
    }
    fail(errc::spawn_failed, "starting " + spec.executable, rc);
  }

  Child child;
  child.pid = pid;
  child.pidfd.reset(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!child.pidfd) {
    // Only fails when the kernel has no pidfd (before 5.3): stop the child we cannot watch.
    int error_number = errno;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    fail(errc::spawn_failed, "pidfd_open", error_number);
  }
  child.stdin_fd = std::move(stdin_parent);
  child.stdout_fd = std::move(out.read_end);
  child.stderr_fd = std::move(err.read_end);
  return child;
}

}  // namespace libterraform::process
