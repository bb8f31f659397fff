#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

/// \file
/// The types options are made of, and the fields every command's options end with.

namespace libterraform {

using Strings = std::vector<std::string>;                ///< arguments, addresses, paths
using Variables = std::map<std::string, std::string>;    ///< -var name=value
using Environment = std::map<std::string, std::string>;  ///< environment variables
using Duration = std::chrono::milliseconds;              ///< -lock-timeout, timeouts

/// Receives one line of terraform's output, without its newline. Called on the thread
/// that runs the command (sync), on the pool's delivery threads (pool), or on the
/// operation's executor (async).
using LineCallback = std::function<void(std::string_view line)>;

/// \typedef EventCallback
/// Receives each event of a -json stream as it arrives (see events.hpp), on the same
/// threads as a LineCallback.
struct Event;
using EventCallback = std::function<void(const Event& event)>;

/// Told the moment terraform has started (the process exists; a pool's worker has
/// started it), with that time, before any of its output reaches a callback. Called on
/// the thread that starts terraform (sync, async) or a pool delivery thread.
using StartCallback = std::function<void(std::chrono::system_clock::time_point started)>;

/// With keep_output off, the longest line the callbacks receive: a longer one comes
/// cut.
inline constexpr std::size_t kLongestLine = 1024 * 1024;

/// Fields every command's options struct ends with. Designated initializers must
/// follow declaration order: a struct lists its terraform flags first, alphabetically,
/// then these.
///
/// <pre>
///   check       throw TerraformCommandError when terraform fails.
///   timeout     interrupt terraform after this long; unset: the TerraformCommand's default.
///   env         environment variables for this command, on top of the command's own.
///   extra_args  extra arguments placed after the flags the struct builds, before any
///               positional argument: for flags a newer terraform adds.
///   on_output   each stdout line as it arrives; on_error: each stderr line.
///   on_event    each event of a -json stream (plan, apply, destroy, refresh, init,
///               test), parsed, as it arrives.
///   on_start    terraform has started (a command queued in a pool has not).
///   stop_token  a stop request interrupts terraform (SIGINT), like a timeout does.
///   keep_output false: the result keeps no stdout, stderr nor events (a command
///               printing one JSON document still gets its `value`); they reach the
///               callbacks only, each line cut to kLongestLine bytes: memory stays
///               bounded whatever terraform prints.
/// </pre>
///
/// The list, written once: X(type, name, default).
#define LIBTERRAFORM_FOR_EACH_COMMON_OPTION(X)                       \
  X(bool, check, false)                                              \
  X(std::optional<std::chrono::milliseconds>, timeout, std::nullopt) \
  X(::libterraform::Environment, env, {})                            \
  X(::libterraform::Strings, extra_args, {})                         \
  X(::libterraform::LineCallback, on_output, {})                     \
  X(::libterraform::LineCallback, on_error, {})                      \
  X(::libterraform::EventCallback, on_event, {})                     \
  X(::libterraform::StartCallback, on_start, {})                     \
  X(std::stop_token, stop_token, {})                                 \
  X(bool, keep_output, true)

/// One field of the list, declared with its default.
#define LIBTERRAFORM_DECLARE_OPTION(type, name, default_value) type name = default_value;
/// The common fields, declared: the last line of every options struct.
#define LIBTERRAFORM_COMMON_OPTIONS LIBTERRAFORM_FOR_EACH_COMMON_OPTION(LIBTERRAFORM_DECLARE_OPTION)

/// The common fields alone: what a command named at run time accepts
/// (TerraformPool::submit). \ref LIBTERRAFORM_FOR_EACH_COMMON_OPTION lists them.
struct CommonOptions {
  LIBTERRAFORM_COMMON_OPTIONS
};

/// Copies the common fields from one options struct to another.
template <class To, class From>
To with_common_options(To to, const From& from) {
#define LIBTERRAFORM_COPY_OPTION(type, name, default_value) to.name = from.name;
  LIBTERRAFORM_FOR_EACH_COMMON_OPTION(LIBTERRAFORM_COPY_OPTION)
#undef LIBTERRAFORM_COPY_OPTION
  return to;
}

/// The common fields of any options struct.
template <class Options>
CommonOptions common_options(const Options& o) {
  return with_common_options(CommonOptions(), o);
}

}  // namespace libterraform
