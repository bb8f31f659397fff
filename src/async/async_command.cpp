// AsyncTerraformCommand: each operation goes to its backend (backends.hpp).

#include "libterraform/async_terraform_command.hpp"

#include "async/async_target.hpp"
#include "async/backends.hpp"
#include "command/resolve_terraform.hpp"
#include "libterraform/terraform_pool.hpp"

#include <boost/asio/error.hpp>

namespace libterraform::detail {

namespace asio = boost::asio;
using boost::system::error_code;

void async_start(std::shared_ptr<const AsyncTarget> target, CommandSpec spec,
                 asio::any_completion_handler<CommandSignature> handler, ExceptionSlot slot) {
  if (target->pool) {
    start_pool_task<CommandResult>(
        target->executor,
        [&] {
          return Access::execute(target->pool->command(target->run.module_dir), std::move(spec));
        },
        std::move(handler), std::move(slot));
    return;
  }
  start_child<CommandResult>(target->executor, target->run, std::move(spec), std::move(handler),
                             std::move(slot));
}

void async_start_run(asio::any_io_executor executor, const AsyncRunOptions& options,
                     CommandSpec spec, asio::any_completion_handler<RunSignature> handler,
                     ExceptionSlot slot) {
  if (options.pool) {
    start_pool_task<RunResult>(
        executor, [&] { return options.pool->run(Arguments(std::move(spec.args)), options.run); },
        std::move(handler), std::move(slot));
    return;
  }
  RunTarget target{options.terraform, {}, {}};
  try {
    target.executable = resolve_terraform(options.terraform);
  } catch (const Error& e) {
    leave(slot, std::current_exception());
    Completion<RunResult>::complete_posted(
        std::make_shared<Completion<RunResult>>(std::move(handler), executor), e.code());
    return;
  }
  start_child<RunResult>(std::move(executor), target, std::move(spec), std::move(handler),
                         std::move(slot));
}

namespace {

std::exception_ptr error_with(const error_code& ec, std::shared_ptr<const CommandResult> result) {
  std::string message =
      ec == asio::error::operation_aborted ? "the terraform command was cancelled" : ec.message();
  if (result && !result->working_dir.empty()) message += " in " + result->working_dir.string();
  try {
    throw_error(ec, message, std::move(result));
  } catch (...) {
    return std::current_exception();
  }
}

// The codes of failures after terraform ran: its result goes with them.
bool terraform_ran(const error_code& ec) {
  if (ec.category() != error_category()) return ec == asio::error::operation_aborted;
  switch (static_cast<errc>(ec.value())) {
    case errc::command_failed:
    case errc::interrupted:
    case errc::timed_out:
    case errc::invalid_json:
    case errc::unsupported_ui_version:
    case errc::exit_status_lost:
    case errc::callback_failed:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::exception_ptr completion_error(const error_code& ec, CommandResult result) {
  bool ran = !result.argv.empty();
  return error_with(ec, ran ? std::make_shared<const CommandResult>(std::move(result)) : nullptr);
}

// A RunResult has no argv: whether terraform ran shows in the code.
std::exception_ptr completion_error(const error_code& ec, const RunResult& result) {
  if (!terraform_ran(ec)) return error_with(ec, nullptr);
  auto command = std::make_shared<CommandResult>();
  command->retcode = result.retcode;
  command->output = result.output;
  command->error = result.error;
  return error_with(ec, std::move(command));
}

}  // namespace libterraform::detail

namespace libterraform {

AsyncTerraformCommand::AsyncTerraformCommand(executor_type executor,
                                             std::filesystem::path working_dir,
                                             AsyncOptions options) {
  auto target = std::make_shared<detail::AsyncTarget>();
  target->executor = std::move(executor);
  target->pool = options.pool;
  target->run.module_dir = std::move(working_dir);
  target->run.options = std::move(options.terraform);
  if (!target->pool) target->run.executable = detail::resolve_terraform(target->run.options);
  target_ = std::move(target);
}

AsyncTerraformCommand::executor_type AsyncTerraformCommand::get_executor() const noexcept {
  return target_->executor;
}

const std::filesystem::path& AsyncTerraformCommand::working_dir() const noexcept {
  return target_->run.module_dir;
}

detail::FlagDefaults AsyncTerraformCommand::flag_defaults() const noexcept {
  if (target_->pool) {
    return detail::Access::flag_defaults(target_->pool->command(target_->run.module_dir));
  }
  return {target_->run.options.no_color, target_->run.options.input};
}

}  // namespace libterraform
