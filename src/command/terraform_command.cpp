#include "libterraform/terraform_command.hpp"

#include "command/conclude.hpp"
#include "command/invocation.hpp"
#include "command/output_collector.hpp"
#include "process/wait_blocking.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <stop_token>

namespace libterraform {
namespace {

// Wakes the poll loop from another thread (a stop request) or from a failed callback.
class WakeUp {
 public:
  WakeUp() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (!fd_) throw Error(errc::spawn_failed, "eventfd failed");
  }
  int fd() const { return fd_.get(); }
  void signal() const {
    std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(fd_.get(), &one, sizeof one);
  }

 private:
  process::UniqueFd fd_;
};

detail::Outcome run_blocking(const detail::CommandSpec& spec, detail::Invocation invocation) {
  WakeUp wake;
  auto request_stop = [&wake] { wake.signal(); };
  std::stop_callback on_stop(spec.common.stop_token, request_stop);

  detail::OutputCollector collector(spec.common);
  process::Child child = process::launch(invocation.launch);
  process::BlockingWait how;
  how.stop_policy = invocation.stop_policy;
  how.timeout = invocation.timeout;
  how.stdin_data = invocation.stdin_data;
  how.on_output = [&](process::OutputStream stream, std::string_view chunk) {
    if (!collector.add(stream, chunk)) wake.signal();
  };
  how.control_fd = wake.fd();
  how.on_control = [] {
    return process::ControlEvent{process::StopReason::interrupted, true};
  };
  process::ChildExit exit = process::wait_blocking(child, how);
  collector.finish();
  if (collector.callback_error()) std::rethrow_exception(collector.callback_error());

  return detail::conclude(spec, {std::move(invocation.launch.argv),
                                 std::move(invocation.launch.working_dir), exit,
                                 std::move(collector.output()), std::move(collector.error())});
}

}  // namespace

TerraformCommand::TerraformCommand(std::filesystem::path working_dir, TerraformOptions options)
    : working_dir_(std::move(working_dir)),
      options_(std::move(options)),
      executable_(detail::resolve_terraform(options_)) {}

RunResult TerraformCommand::run(Arguments args, RunOptions options) const {
  CommandResult result = execute(detail::run_spec(std::move(args.items), options));
  return {result.retcode, std::move(result.output), std::move(result.error)};
}

CommandResult TerraformCommand::execute(detail::CommandSpec spec) const {
  return run_blocking(spec, detail::prepare(spec, options_, executable_, working_dir_)).get();
}

}  // namespace libterraform
