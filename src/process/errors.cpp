// The library's error category, its codes' names and Error itself: the bottom layer,
// so that every layer above may raise them.

#include "libterraform/errors.hpp"

#include <cstddef>
#include <iterator>

namespace libterraform {
namespace {

struct CodeText {
  errc code;
  std::string_view name;     // as the enum spells it, for reports and logs
  std::string_view message;  // error_code::message()
};

// One row per code, in the enum's order (checked below), so that a code added to the
// enum without its row fails to compile.
constexpr CodeText kCodes[] = {
    {errc::command_failed, "command_failed", "terraform exited with a failing code"},
    {errc::interrupted, "interrupted", "the command was interrupted"},
    {errc::timed_out, "timed_out", "the command timed out"},
    {errc::binary_not_found, "binary_not_found", "terraform binary not found"},
    {errc::directory_not_found, "directory_not_found", "module directory not found"},
    {errc::spawn_failed, "spawn_failed", "terraform could not be started"},
    {errc::invalid_option, "invalid_option", "invalid option value"},
    {errc::invalid_json, "invalid_json", "terraform printed JSON that could not be parsed"},
    {errc::unsupported_ui_version, "unsupported_ui_version", "unsupported terraform UI version"},
    {errc::unknown_command, "unknown_command", "unknown command"},
    {errc::cancelled, "cancelled", "the task was cancelled before it started"},
    {errc::worker_died, "worker_died", "the pool worker running the task died"},
    {errc::worker_start_failed, "worker_start_failed", "a pool worker failed to start"},
    {errc::pool_shut_down, "pool_shut_down", "the pool is shut down"},
    {errc::protocol_error, "protocol_error", "malformed frame on a pool worker's channel"},
    {errc::pool_broken, "pool_broken", "the pool can no longer start workers"},
    {errc::exit_status_lost, "exit_status_lost",
     "terraform's exit status was taken by another waiter"},
    {errc::would_deadlock, "would_deadlock", "the call would wait for itself"},
    {errc::callback_failed, "callback_failed", "a line or event callback threw"},
    {errc::dependency_cycle, "dependency_cycle", "the module dependencies form a cycle"},
    {errc::unknown_module, "unknown_module", "no such module in the graph"},
    {errc::plugin_cache_failed, "plugin_cache_failed", "the shared plugin cache could not be used"},
    {errc::read_failed, "read_failed", "a directory or file of the module tree could not be read"},
    {errc::git_failed, "git_failed", "git could not say what changed"},
    {errc::worker_version_mismatch, "worker_version_mismatch",
     "a remote pool worker speaks another protocol version"},
    {errc::workers_unavailable, "workers_unavailable", "no pool worker can be started"},
};

constexpr bool in_enum_order() {
  for (std::size_t i = 0; i < std::size(kCodes); ++i)
    if (static_cast<std::size_t>(kCodes[i].code) != i + 1) return false;
  return true;
}
static_assert(in_enum_order() &&
                  std::size(kCodes) == static_cast<std::size_t>(errc::workers_unavailable),
              "every errc has one row, in order");

const CodeText* text_of(int value) {
  if (value < 1 || static_cast<std::size_t>(value) > std::size(kCodes)) return nullptr;
  return &kCodes[static_cast<std::size_t>(value) - 1];
}

class Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "libterraform"; }
  std::string message(int value) const override {
    const CodeText* text = text_of(value);
    return text ? std::string(text->message) : "unknown libterraform error";
  }
};

}  // namespace

std::string_view to_string(errc code) noexcept {
  const CodeText* text = text_of(static_cast<int>(code));
  return text ? text->name : "unknown";
}

const boost::system::error_category& error_category() noexcept {
  static const Category category;
  return category;
}

Error::Error(boost::system::error_code code, const std::string& message,
             std::shared_ptr<const CommandResult> result)
    : std::runtime_error(message), code_(code), result_(std::move(result)) {}

}  // namespace libterraform
