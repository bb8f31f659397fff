#include "process/launch.hpp"

#include "libterraform/errors.hpp"
#include "process/child_exit.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace libterraform::process {
namespace {

[[noreturn]] void fail(errc code, const std::string& what, int error_number) {
  throw Error(code, what + ": " + std::generic_category().message(error_number));
}

struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) fail(errc::spawn_failed, "pipe", errno);
  return {UniqueFd(above_stdio(fds[0])), UniqueFd(above_stdio(fds[1]))};
}

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (const auto& s : strings)
    pointers.push_back(const_cast<char*>(s.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

bool is_existing_directory(const std::vector<std::string>& steps) {
  if (steps.size() == 1) {
    struct stat info;
    return ::stat(steps[0].c_str(), &info) == 0 && S_ISDIR(info.st_mode);
  }
  UniqueFd at;
  for (const auto& step : steps) {
    int fd = ::openat(at ? at.get() : AT_FDCWD, step.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    at.reset(fd);
  }
  return true;
}

// Rejects what execve would refuse with E2BIG, naming the string by its position only
// (a -var value must never reach a message).
void check_sizes(const LaunchSpec& spec) {
  const std::size_t limit = max_argument_size();
  for (std::size_t i = 1; i < spec.argv.size(); ++i) {
    if (spec.argv[i].size() + 1 > limit) {
      throw Error(errc::invalid_option,
                  "argument " + std::to_string(i) + " of " + spec.executable + " is " +
                      std::to_string(spec.argv[i].size()) + " bytes; Linux passes at most " +
                      std::to_string(limit - 1) +
                      " bytes in one argument (put a large variable value in a -var-file)");
    }
  }
  if (!spec.environment) return;
  for (const auto& entry : *spec.environment) {
    if (entry.size() + 1 > limit) {
      throw Error(errc::invalid_option, "environment variable " + entry.substr(0, entry.find('=')) +
                                            " is " + std::to_string(entry.size()) +
                                            " bytes; Linux passes at most " +
                                            std::to_string(limit - 1) + " bytes in one variable");
    }
  }
}

// --- the child, between clone and exec ------------------------------------------------
//
// It shares the parent's memory (CLONE_VM) while the parent's thread waits
// (CLONE_VFORK), so it makes raw system calls only: no allocation, no lock, no
// sanitizer interceptor, no signal handler of the parent's (all are reset before the
// signals blocked around clone are unblocked). A failing step is reported in the plan.

enum class Step { none, signals, group, stdio, directory, descriptors, exec };

struct ChildPlan {
  const char* executable;
  char* const* argv;
  char* const* envp;
  int stdin_fd;  // -1: /dev/null
  int stdout_fd;
  int stderr_fd;
  char* const* directories;  // chdir into each in turn; null-terminated
  long max_fd;               // for closing descriptors where close_range is missing
  Step failed = Step::none;  // written by the child
  int error = 0;
};

// The kernel's struct sigaction; all zeros is SIG_DFL with no flags and no mask.
struct KernelSigaction {
  unsigned long handler, flags, restorer, mask;
};

#define LIBTERRAFORM_CHILD_CODE __attribute__((no_sanitize("address", "thread", "undefined")))

[[noreturn]] LIBTERRAFORM_CHILD_CODE void child_failed(ChildPlan* plan, Step step) {
  plan->error = errno;
  plan->failed = step;
  ::syscall(SYS_exit, 127);
  __builtin_unreachable();
}

LIBTERRAFORM_CHILD_CODE int child_main(void* argument) {
  auto* plan = static_cast<ChildPlan*>(argument);
  const KernelSigaction defaults{};
  for (long sig = 1; sig < 65; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    if (::syscall(SYS_rt_sigaction, sig, &defaults, nullptr, 8) != 0 && errno != EINVAL) {
      child_failed(plan, Step::signals);
    }
  }
  const unsigned long no_signals = 0;
  if (::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &no_signals, nullptr, 8) != 0) {
    child_failed(plan, Step::signals);
  }
  if (::syscall(SYS_setpgid, 0, 0) != 0) child_failed(plan, Step::group);

  long stdin_fd = plan->stdin_fd;
  if (stdin_fd < 0) stdin_fd = ::syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY | O_CLOEXEC);
  const long sources[3] = {stdin_fd, plan->stdout_fd, plan->stderr_fd};
  for (long target = 0; target < 3; ++target) {
    long source = sources[target];
    long rc = source == target ? ::syscall(SYS_fcntl, source, F_SETFD, 0)
                               : ::syscall(SYS_dup3, source, target, 0);
    if (source < 0 || rc < 0) child_failed(plan, Step::stdio);
  }
  for (char* const* step = plan->directories; *step; ++step) {
    if (::syscall(SYS_chdir, *step) != 0) child_failed(plan, Step::directory);
  }
  if (::syscall(SYS_close_range, 3, ~0U, 0) != 0) {
    if (errno != ENOSYS) child_failed(plan, Step::descriptors);
    for (long fd = 3; fd < plan->max_fd; ++fd)
      ::syscall(SYS_close, fd);
  }
  ::syscall(SYS_execve, plan->executable, plan->argv, plan->envp);
  child_failed(plan, Step::exec);
}

#undef LIBTERRAFORM_CHILD_CODE

// The child's stack, apart from the parent's.
class ChildStack {
 public:
  static constexpr std::size_t kSize = std::size_t{64} * 1024;
  ChildStack()
      : base_(::mmap(nullptr, kSize, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0)) {
    if (base_ == MAP_FAILED) fail(errc::spawn_failed, "mmap", errno);
  }
  ~ChildStack() { ::munmap(base_, kSize); }
  ChildStack(const ChildStack&) = delete;
  ChildStack& operator=(const ChildStack&) = delete;
  void* top() const { return static_cast<char*>(base_) + kSize; }

 private:
  void* base_;
};

// Blocks every signal for the lifetime of the object: no handler of the parent's may
// run in the child, which shares its memory.
class AllSignalsBlocked {
 public:
  AllSignalsBlocked() {
    sigset_t all;
    ::sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &previous_);
  }
  ~AllSignalsBlocked() { ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
  AllSignalsBlocked(const AllSignalsBlocked&) = delete;
  AllSignalsBlocked& operator=(const AllSignalsBlocked&) = delete;

 private:
  sigset_t previous_;
};

// glibc's clone. ThreadSanitizer intercepts clone and does a fork's bookkeeping in the
// child, which under CLONE_VM is the parent's own memory: its race detection would be
// corrupted. Under it, the call goes to glibc's clone directly.
using CloneFunction = int (*)(int (*)(void*), void*, int, void*, ...);
CloneFunction libc_clone() {
#if defined(__SANITIZE_THREAD__)
  static const CloneFunction real = [] {
    void* libc = ::dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
    return reinterpret_cast<CloneFunction>(libc ? ::dlsym(libc, "clone") : nullptr);
  }();
  if (real) return real;
#endif
  return ::clone;
}

[[noreturn]] void report_child_failure(const LaunchSpec& spec, const ChildPlan& plan) {
  const int error = plan.error;
  switch (plan.failed) {
    case Step::directory:
      fail(errc::directory_not_found, "module directory " + spec.working_dir.string(), error);
    case Step::exec:
      if (error == ENOENT || error == EACCES || error == ENOEXEC) {
        fail(errc::binary_not_found, "terraform binary " + spec.executable, error);
      }
      if (error == E2BIG) {
        fail(errc::invalid_option,
             "the arguments and environment of " + spec.executable +
                 " are more than Linux passes to a program (put large variable values in a "
                 "-var-file)",
             error);
      }
      fail(errc::spawn_failed, "starting " + spec.executable, error);
    default:
      fail(errc::spawn_failed, "setting up " + spec.executable, error);
  }
}

}  // namespace

std::size_t max_argument_size() {
  return 32 * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

std::vector<std::string> directory_steps(const std::filesystem::path& directory) {
  const std::string& path = directory.native();
  if (path.size() < PATH_MAX) return {path};
  std::vector<std::string> steps;
  std::size_t begin = 0;
  while (begin < path.size()) {
    std::size_t end = path.size();
    if (end - begin >= PATH_MAX) {
      end = path.rfind('/', begin + PATH_MAX - 1);
      if (end == std::string::npos || end <= begin)
        end = begin + PATH_MAX - 1;  // no '/': chdir fails
    }
    steps.push_back(path.substr(begin, end - begin));
    begin = end;
    while (begin < path.size() && path[begin] == '/' && begin > 0)
      ++begin;
  }
  return steps;
}

Child launch(const LaunchSpec& spec) {
  check_sizes(spec);
  std::vector<std::string> steps;
  if (!spec.working_dir.empty()) {
    steps = directory_steps(spec.working_dir);
    if (!is_existing_directory(steps)) {
      fail(errc::directory_not_found, "module directory " + spec.working_dir.string(), ENOENT);
    }
  }

  Pipe out = make_pipe();
  Pipe err = make_pipe();
  UniqueFd stdin_parent;
  UniqueFd stdin_child;
  if (spec.feed_stdin) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
      fail(errc::spawn_failed, "socketpair", errno);
    }
    stdin_parent.reset(above_stdio(pair[0]));
    stdin_child.reset(above_stdio(pair[1]));
    ::shutdown(stdin_parent.get(), SHUT_RD);
  }

  auto argv = c_strings(spec.argv);
  static const std::vector<std::string> none;
  auto envp = c_strings(spec.environment ? *spec.environment : none);
  auto directories = c_strings(steps);
  ChildPlan plan{spec.executable.c_str(),
                 argv.data(),
                 envp.data(),
                 stdin_child ? stdin_child.get() : -1,
                 out.write_end.get(),
                 err.write_end.get(),
                 directories.data(),
                 ::sysconf(_SC_OPEN_MAX)};

  ChildStack stack;
  int pidfd = -1;
  pid_t pid;
  int clone_error;
  {
    AllSignalsBlocked blocked;
    // The low byte of the flags is the exit signal: none, until exec makes it SIGCHLD,
    // so that a child failing before exec is reaped by nobody but us.
    pid =
        libc_clone()(child_main, stack.top(), CLONE_VM | CLONE_VFORK | CLONE_PIDFD, &plan, &pidfd);
    clone_error = errno;
  }
  if (pid < 0) fail(errc::spawn_failed, "clone", clone_error);
  Child child;
  child.pid = pid;
  child.pidfd.reset(above_stdio(pidfd));
  if (plan.failed != Step::none) {
    reap(child);
    report_child_failure(spec, plan);
  }
  child.stdin_fd = std::move(stdin_parent);
  child.stdout_fd = std::move(out.read_end);
  child.stderr_fd = std::move(err.read_end);
  return child;
}

}  // namespace libterraform::process
