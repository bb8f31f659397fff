#include "libterraform/terraform_pool.hpp"

#include "pool/pool_core.hpp"
#include "process/fd_passing.hpp"

#include <boost/system/system_error.hpp>

#include <cerrno>
#include <system_error>

#include <thread>

namespace libterraform {

Future<CommandResult> PoolCommand::execute(detail::CommandSpec spec) const {
  return core_->submit(working_dir_, std::move(spec));
}

detail::FlagDefaults PoolCommand::flag_defaults() const noexcept {
  return core_->flag_defaults();
}

const CommandResult* ModuleOutcome::result() const {
  // The future's state keeps the result alive as long as the future.
  if (auto failure = detail::Access::state(future)->failure()) return failure->result.get();
  return &future.get();
}

namespace {

[[noreturn]] void cannot_make(int error, const char* what) {
  throw Error(errc::spawn_failed,
              std::string("the pool could not be made: ") +
                  (error == EMFILE || error == ENFILE ? process::descriptors_exhausted() : what));
}

// The pool's core, or the library's error saying what it lacked: descriptors run out
// in the host show as Asio's or the system's own exceptions.
std::shared_ptr<pool::PoolCore> make_core(PoolOptions options) {
  try {
    return std::make_shared<pool::PoolCore>(std::move(options));
  } catch (const Error&) {
    throw;
  } catch (const boost::system::system_error& e) {
    cannot_make(e.code().value(), e.what());
  } catch (const std::system_error& e) {
    cannot_make(e.code().value(), e.what());
  }
}

}  // namespace

TerraformPool::TerraformPool(PoolOptions options) : core_(make_core(std::move(options))) {
  core_->start();
}

TerraformPool::~TerraformPool() {
  if (core_->on_pool_thread()) {
    // Destroyed from one of its own callbacks, which cannot wait for the pool it runs
    // in: the pool winds down on a thread of its own, which then destroys it.
    core_->shutdown({.wait = false});
    std::thread([core = std::move(core_)] {
      core->shutdown({});
      core->join();
    }).detach();
    return;
  }
  core_->shutdown({});
  core_->join();
}

PoolCommand TerraformPool::command(std::filesystem::path working_dir) const {
  return PoolCommand(core_, std::move(working_dir));
}

Future<CommandResult> TerraformPool::submit(std::filesystem::path working_dir,
                                            std::string_view method, CommonOptions options) const {
  return submit(std::move(working_dir), method, Strings{}, std::move(options));
}

// The public header declares these parameters by value; some bodies only read them.
// NOLINTBEGIN(performance-unnecessary-value-param)
Future<CommandResult> TerraformPool::submit(std::filesystem::path working_dir,
                                            std::string_view method, Arguments arguments,
                                            CommonOptions options) const {
  return core_->submit(
      working_dir, detail::spec_by_name(method, arguments.items, options, core_->flag_defaults()));
}

Future<CommandResult> TerraformPool::submit(std::filesystem::path working_dir,
                                            std::string_view method,
                                            std::initializer_list<std::string> arguments,
                                            CommonOptions options) const {
  return submit(std::move(working_dir), method, Arguments(Strings(arguments)), std::move(options));
}

Future<RunResult> TerraformPool::run(Arguments args, RunOptions options) const {
  return core_->submit_run(detail::run_spec(std::move(args.items), options));
}

MapResults TerraformPool::map(std::string_view method,
                              std::vector<std::filesystem::path> working_dirs,
                              CommonOptions options) const {
  std::vector<Future<CommandResult>> futures;
  futures.reserve(working_dirs.size());
  for (const auto& dir : working_dirs)
    futures.push_back(submit(dir, method, options));
  return MapResults(std::move(working_dirs), std::move(futures));
}
// NOLINTEND(performance-unnecessary-value-param)

MapOutcomes TerraformPool::map_outcomes(std::string_view method,
                                        std::vector<std::filesystem::path> working_dirs,
                                        CommonOptions options) const {
  MapResults results = map(method, working_dirs, std::move(options));
  return MapOutcomes(std::move(working_dirs), results.futures());
}

void TerraformPool::shutdown(ShutdownOptions options) {
  core_->shutdown(options);
}

unsigned TerraformPool::max_workers() const noexcept {
  return core_->max_workers();
}

}  // namespace libterraform
