#pragma once

#include "process/unique_fd.hpp"

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace libterraform::process {

// A complete environment, "KEY=value" strings. Shared and immutable: a pool's
// commands, and a worker's, reuse one rather than copying it for each command.
using EnvironmentBlock = std::shared_ptr<const std::vector<std::string>>;

// Everything needed to start one child. Plain data, so it can travel to a pool worker.
struct LaunchSpec {
  std::string executable;             // absolute path, already resolved
  std::vector<std::string> argv;      // argv[0] included
  std::filesystem::path working_dir;  // applied to the child only; empty: inherit
  EnvironmentBlock environment;       // empty when null
  bool feed_stdin = false;            // true: stdin is a socket the parent writes to
};

// A started child: its own process group (pgid == pid), a pidfd to wait on, and
// the parent's ends of its standard streams (all close-on-exec).
struct Child {
  pid_t pid = -1;
  // Not our child (a terraform whose pool worker died, its descriptors passed to us):
  // its exit is seen through the pidfd, but it cannot be reaped and its code is unknown.
  bool adopted = false;
  UniqueFd pidfd;
  UniqueFd stdin_fd;  // only with feed_stdin; a socket, so a write never raises SIGPIPE
  UniqueFd stdout_fd;
  UniqueFd stderr_fd;
};

// Starts the child with clone(CLONE_VM | CLONE_VFORK), as posix_spawn does (the cost
// does not grow with the parent's memory), and CLONE_PIDFD: the pidfd exists before
// the child can exit, so a host whose kernel reaps children at once (SIGCHLD ignored)
// cannot lose it. In the child: its own process group, default signal dispositions, an
// empty signal mask, the working directory (reached in steps when longer than
// PATH_MAX), and every descriptor above 2 closed.
// Throws libterraform::Error: binary_not_found, directory_not_found, invalid_option
// (an argument or environment string the kernel refuses: too long, E2BIG),
// spawn_failed. Uses no locks and no Asio, so a forked pool worker may call it.
Child launch(const LaunchSpec& spec);

// The longest argument or environment string execve accepts, its NUL included
// (MAX_ARG_STRLEN: 32 pages).
std::size_t max_argument_size();

// The chdir steps that reach `directory`: the path itself, or, when it is longer than
// PATH_MAX (which chdir refuses), pieces of it cut at '/' that each fit.
std::vector<std::string> directory_steps(const std::filesystem::path& directory);

}  // namespace libterraform::process
