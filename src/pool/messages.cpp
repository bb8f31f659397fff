#include "pool/messages.hpp"

#include "libterraform/errors.hpp"

namespace libterraform::pool {
namespace {

template <class Enum>
Enum checked_enum(std::uint8_t value, Enum last) {
  if (value > static_cast<std::uint8_t>(last)) throw ProtocolError("enum value out of range");
  return static_cast<Enum>(value);
}

// An error code's category on the wire.
enum class CategoryTag : std::uint8_t { library, generic, system };

CategoryTag tag_of(const boost::system::error_category& category) {
  if (category == error_category()) return CategoryTag::library;
  if (category == boost::system::system_category()) return CategoryTag::system;
  return CategoryTag::generic;
}

const boost::system::error_category& category_of(CategoryTag tag) {
  switch (tag) {
    case CategoryTag::library:
      return error_category();
    case CategoryTag::system:
      return boost::system::system_category();
    case CategoryTag::generic:
      break;
  }
  return boost::system::generic_category();
}

}  // namespace

std::string encode(const RunRequest& m) {
  const auto& launch = m.invocation.launch;
  const auto& policy = m.invocation.supervision.stop_policy;
  return PayloadWriter()
      .u64(m.run_id)
      .string(launch.executable)
      .strings(launch.argv)
      .string(launch.working_dir.string())
      .u8(launch.environment != nullptr)
      .strings(launch.environment ? *launch.environment : std::vector<std::string>{})
      .u8(launch.feed_stdin)
      .string(m.invocation.supervision.stdin_data)
      .i64(m.invocation.supervision.timeout ? m.invocation.supervision.timeout->count() : -1)
      .i64(policy.grace_period.count())
      .u8(static_cast<std::uint8_t>(policy.escalation))
      .string(m.plugin_cache_dir)
      .take();
}

std::size_t encoded_size(const RunRequest& m) {
  auto string = [](const std::string& s) { return sizeof(std::uint64_t) + s.size(); };
  auto strings = [&](const std::vector<std::string>& values) {
    std::size_t size = sizeof(std::uint64_t);
    for (const auto& value : values)
      size += string(value);
    return size;
  };
  const auto& launch = m.invocation.launch;
  return sizeof(std::uint64_t) + string(launch.executable) + strings(launch.argv) +
         string(launch.working_dir.string()) + 1 +
         (launch.environment ? strings(*launch.environment) : strings({})) + 1 +
         string(m.invocation.supervision.stdin_data) + 2 * sizeof(std::int64_t) + 1 +
         string(m.plugin_cache_dir);
}

RunRequest decode_run(std::string_view payload) {
  PayloadReader in(payload);
  RunRequest m;
  m.run_id = in.u64();
  auto& launch = m.invocation.launch;
  launch.executable = in.string();
  launch.argv = in.strings();
  launch.working_dir = in.string();
  bool has_environment = in.u8() != 0;
  auto environment = in.strings();
  if (has_environment) {
    launch.environment = std::make_shared<const std::vector<std::string>>(std::move(environment));
  }
  launch.feed_stdin = in.u8() != 0;
  m.invocation.supervision.stdin_data = in.string();
  if (auto timeout = in.i64(); timeout >= 0) m.invocation.supervision.timeout = Duration(timeout);
  m.invocation.supervision.stop_policy.grace_period = Duration(in.i64());
  m.invocation.supervision.stop_policy.escalation = checked_enum(in.u8(), Escalation::kill);
  m.plugin_cache_dir = in.string();
  return m;
}

std::string encode_run_id(RunId run_id) {
  return PayloadWriter().u64(run_id).take();
}

RunId decode_run_id(std::string_view payload) {
  return PayloadReader(payload).u64();
}

std::string encode(const Started& m) {
  return PayloadWriter().u64(m.run_id).i32(m.pid).take();
}

Started decode_started(std::string_view payload) {
  PayloadReader in(payload);
  Started m;
  m.run_id = in.u64();
  m.pid = in.i32();
  return m;
}

std::string encode(const OutputChunk& m) {
  return PayloadWriter().u64(m.run_id).u8(static_cast<std::uint8_t>(m.stream)).rest(m.bytes).take();
}

OutputChunk decode_output(std::string_view payload) {
  PayloadReader in(payload);
  OutputChunk m;
  m.run_id = in.u64();
  m.stream = checked_enum(in.u8(), process::OutputStream::err);
  m.bytes = in.rest();
  return m;
}

std::string encode(const Finished& m) {
  return PayloadWriter()
      .u64(m.run_id)
      .i32(m.exit.retcode)
      .u8(static_cast<std::uint8_t>(m.exit.stop_reason))
      .i64(m.exit.duration.count())
      .take();
}

Finished decode_finished(std::string_view payload) {
  PayloadReader in(payload);
  Finished m;
  m.run_id = in.u64();
  m.exit.retcode = in.i32();
  m.exit.stop_reason = checked_enum(in.u8(), process::StopReason::owner_gone);
  m.exit.duration = std::chrono::milliseconds(in.i64());
  return m;
}

std::string encode(const Failed& m) {
  return PayloadWriter()
      .u64(m.run_id)
      .u8(static_cast<std::uint8_t>(tag_of(m.code.category())))
      .i32(m.code.value())
      .string(m.message)
      .take();
}

Failed decode_failed(std::string_view payload) {
  PayloadReader in(payload);
  Failed m;
  m.run_id = in.u64();
  const auto& category = category_of(checked_enum(in.u8(), CategoryTag::system));
  m.code = boost::system::error_code(in.i32(), category);
  m.message = in.string();
  return m;
}

}  // namespace libterraform::pool
