#pragma once

#include "pool/scheduler.hpp"
#include "process/unique_fd.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/process/v2/process_handle.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace libterraform::pool {

// Each launcher's argv, ready for exec (null-terminated), pointing into strings that
// outlive the spawner's fork.
using SpawnerLaunchers = std::vector<std::vector<char*>>;

// Where the pool's workers come from: a small process forked once, when the pool is
// built, that stays single-threaded and forks every worker on request. A worker is
// thus never forked from a multi-threaded process, and cannot inherit a lock held by
// one of the application's threads (fork only makes malloc safe). The spawner reaps
// the workers and reports how each one ended.
//
// A worker of a launcher (PoolOptions::launchers) is the launcher's process instead,
// exec'd with the channel as its stdin and stdout and a pipe as its stderr.
//
// It keeps the host's standard streams (or /dev/null where the host had closed them)
// and nothing else of the host's. It ignores SIGINT, SIGTERM, SIGHUP and SIGQUIT, as
// the workers do: those signals are for the host, which owns the pool, to act on; it
// exits once its channel closes and its workers have exited.
//
// The parent's side lives on the pool's I/O thread; so do its handlers.
class Spawner : public std::enable_shared_from_this<Spawner> {
 public:
  struct Handlers {
    // A worker requested with spawn() is running: its pid, the parent's end of its
    // channel, a pidfd to signal it by and, for a launcher's, the read end of its
    // stderr. Answers come in request order.
    std::function<void(WorkerId, pid_t, process::UniqueFd channel, process::UniqueFd pidfd,
                       process::UniqueFd launcher_stderr)>
        on_spawned;
    // `shortage`: for want of a resource that may come back (descriptors, processes,
    // memory), not for good.
    std::function<void(WorkerId, const std::string& reason, bool shortage)> on_spawn_failed;
    // A worker exited, with this wait status.
    std::function<void(pid_t, int wait_status)> on_worker_exit;
    // The spawner itself is gone: no more workers, no more exit reports.
    std::function<void(const std::string& reason)> on_gone;
  };

  // Forks the spawner. Call from the constructing thread, before the pool's own
  // threads start. Throws Error(spawn_failed).
  // `launchers`: each launcher's whole argv (the worker program appended).
  static std::shared_ptr<Spawner> start(boost::asio::io_context& io,
                                        const std::function<void()>& worker_initializer,
                                        const std::vector<std::vector<std::string>>& launchers,
                                        Handlers handlers);

  // A worker: forked (launcher 0), or through launcher n (1-based).
  void spawn(WorkerId worker, std::size_t launcher = 0);
  // Closes the channel: the spawner reaps its remaining workers and exits.
  void close();
  // Ends a spawner that does not exit (stopped): SIGKILL. Its workers are not touched.
  void kill();
  bool alive() const noexcept { return alive_; }

  Spawner(boost::asio::io_context& io, pid_t pid, int channel, Handlers handlers);

 private:
  void read();
  void drain();
  void gone(const std::string& reason);

  Handlers handlers_;
  boost::asio::local::stream_protocol::socket socket_;
  boost::process::v2::basic_process_handle<boost::asio::any_io_executor> process_;
  std::deque<WorkerId> pending_;
  bool alive_ = true;
};

}  // namespace libterraform::pool
