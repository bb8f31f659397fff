#pragma once

#include "process/unique_fd.hpp"

#include <sys/types.h>

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace libterraform::process {

// Descriptors travelling with bytes over a Unix socket (SCM_RIGHTS): how a pool's
// spawner hands over a worker's channel and pidfd, and a worker terraform's pidfd and
// pipes.

inline constexpr std::size_t kMaxPassedFds = 8;

// sendmsg of `bytes` with `fds` (at most kMaxPassedFds) riding along, MSG_NOSIGNAL,
// retried on EINTR. Returns what sendmsg returns. Allocates nothing: a forked spawner
// may call it.
ssize_t send_with_fds(int socket, const void* bytes, std::size_t size, std::span<const int> fds);

// recvmsg into `bytes`, MSG_CMSG_CLOEXEC; the descriptors that came along are appended
// to `fds`, above 0-2. Returns what recvmsg returns (retried on EINTR). `lost`, when
// given, is set when descriptors that came along were dropped: this process had no
// room for them (its descriptor limit), and the kernel closed them.
ssize_t receive_with_fds(int socket, void* bytes, std::size_t size, int flags,
                         std::vector<UniqueFd>& fds, bool* lost = nullptr);

// "out of file descriptors (this process may hold 1024: RLIMIT_NOFILE)": what ran out,
// for messages about descriptors that could not be made or received.
std::string descriptors_exhausted();

}  // namespace libterraform::process
