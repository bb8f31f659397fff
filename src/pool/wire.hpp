#pragma once

// The framing of the channel between the pool and its workers, without I/O: the
// worker's greeting, then versioned, length-prefixed frames, and a binary codec for
// their payloads (strings are raw bytes, so argv and environment values need not be
// UTF-8). Integers are little-endian, so a worker on another host reads them alike.

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace libterraform::pool {

inline constexpr std::uint32_t kFrameMagic = 0x5046544c;  // "LTFP"
inline constexpr std::uint8_t kProtocolVersion = 5;
inline constexpr std::size_t kHeaderSize = 12;
inline constexpr std::uint32_t kMaxPayload = 64U << 20;

enum class FrameType : std::uint8_t {
  // parent -> worker
  run = 1,    // run a command (now, or once the current one ends)
  interrupt,  // stop a command: interrupt it if it runs, drop it if it waits
  shutdown,   // exit once idle
  revoke,     // drop a command that waits, but leave one that has started
  ping,       // answer with pong: the pool checks that a worker it waits on is alive
  escalate,   // escalate the stop of a running command now, per its stop policy
  // worker -> parent
  hello = 15,    // its greeting, decoded: the payload is its library version
  ready,         // the worker is set up (its initializer ran)
  started,       // terraform is running; its pidfd and output pipes travel along
  output,        // a chunk of terraform's stdout or stderr
  finished,      // terraform exited
  failed,        // the command could not be started
  worker_error,  // the worker cannot go on (initializer threw, malformed frame)
  revoked,       // a waiting command was dropped (interrupt or revoke)
  pong,          // the answer to a ping
  stopping,      // terraform has had its interrupt (sent next, or by someone else)
};

struct Frame {
  FrameType type;
  std::string payload;
};

// A frame or payload that does not follow the protocol.
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A worker that speaks another version of the protocol; the message names both.
class VersionMismatch : public ProtocolError {
 public:
  using ProtocolError::ProtocolError;
};

std::string encode_frame(FrameType type, std::string_view payload);

// The first bytes a worker writes, before any frame: one line of text, so that a
// worker of any version can say which one it speaks, and so that anything else on the
// stream first (a shell start-up file that prints, a login banner) is caught before it
// is taken for a frame.
//   "libterraform-worker protocol=5 version=0.1.0\n"
std::string encode_greeting();
inline constexpr std::size_t kMaxGreeting = 256;

// Cuts a byte stream, fed in chunks of any size, into frames; with `expect_greeting`,
// the worker's greeting comes first, as a `hello` frame. Newlines between frames are
// skipped: a remote worker ends each frame with one (see docs/remote-workers.md). next() throws
// ProtocolError on a bad greeting, magic, version, type or length, VersionMismatch on a greeting of
// another protocol version.
class FrameDecoder {
 public:
  explicit FrameDecoder(bool expect_greeting = false) : expect_greeting_(expect_greeting) {}
  void feed(std::string_view bytes) { buffer_.append(bytes); }
  std::optional<Frame> next();
  // Bytes of an incomplete frame are waiting: at end of stream, a truncated frame.
  bool has_partial() const { return !buffer_.empty(); }
  // The start of what arrived, as printable text: for an error about a stream that is
  // not the protocol.
  std::string shown_start() const;
  // What it means that the stream ended now, with has_partial() or a greeting awaited.
  std::string end_of_stream_error() const;

 private:
  std::optional<Frame> next_greeting();
  std::string buffer_;
  bool expect_greeting_;
};

// Little-endian integers, whatever this machine's byte order.
template <class T>
T to_little_endian(T value) {
  if constexpr (std::endian::native == std::endian::big) {
    using U = std::make_unsigned_t<T>;
    U bits = static_cast<U>(value);
    U swapped = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
      swapped = static_cast<U>((swapped << 8) | ((bits >> (8 * i)) & 0xffU));
    return static_cast<T>(swapped);
  } else {
    return value;
  }
}

// Payload encoding: fixed-width little-endian integers, strings as a length and their
// bytes.
class PayloadWriter {
 public:
  PayloadWriter& u8(std::uint8_t value) { return fixed(value); }
  PayloadWriter& i32(std::int32_t value) { return fixed(value); }
  PayloadWriter& u64(std::uint64_t value) { return fixed(value); }
  PayloadWriter& i64(std::int64_t value) { return fixed(value); }
  PayloadWriter& string(std::string_view value);
  PayloadWriter& strings(const std::vector<std::string>& values);
  // Everything that follows, unframed: the last field of a payload.
  PayloadWriter& rest(std::string_view value);
  std::string take() { return std::move(bytes_); }

 private:
  template <class T>
  PayloadWriter& fixed(T value) {
    value = to_little_endian(value);
    return raw(&value, sizeof value);
  }
  PayloadWriter& raw(const void* data, std::size_t size);
  std::string bytes_;
};

// Reads what PayloadWriter wrote; throws ProtocolError when the payload is short.
class PayloadReader {
 public:
  explicit PayloadReader(std::string_view payload) : rest_(payload) {}
  std::uint8_t u8() { return fixed<std::uint8_t>(); }
  std::int32_t i32() { return fixed<std::int32_t>(); }
  std::uint64_t u64() { return fixed<std::uint64_t>(); }
  std::int64_t i64() { return fixed<std::int64_t>(); }
  std::string string();
  std::vector<std::string> strings();
  std::string_view rest();

 private:
  template <class T>
  T fixed() {
    T value;
    std::memcpy(&value, take(sizeof value).data(), sizeof value);
    return to_little_endian(value);
  }
  std::string_view take(std::size_t size);
  std::string_view rest_;
};

}  // namespace libterraform::pool
