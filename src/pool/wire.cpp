#include "pool/wire.hpp"

#include "libterraform/version.hpp"

#include <cstring>

namespace libterraform::pool {
namespace {

struct Header {
  std::uint32_t magic;
  std::uint8_t version;
  std::uint8_t type;
  std::uint16_t reserved;
  std::uint32_t length;
};
static_assert(sizeof(Header) == kHeaderSize);

// Greeting frames are made by the decoder from the greeting line, never sent.
bool known_type(std::uint8_t type) {
  return (type >= static_cast<std::uint8_t>(FrameType::run) &&
          type <= static_cast<std::uint8_t>(FrameType::escalate)) ||
         (type >= static_cast<std::uint8_t>(FrameType::ready) &&
          type <= static_cast<std::uint8_t>(FrameType::stopping));
}

Header little_endian(Header header) {
  header.magic = to_little_endian(header.magic);
  header.length = to_little_endian(header.length);
  return header;
}

constexpr std::string_view kGreetingStart = "libterraform-worker protocol=";

}  // namespace

std::string encode_frame(FrameType type, std::string_view payload) {
  if (payload.size() > kMaxPayload) throw ProtocolError("frame payload too large");
  Header header = little_endian({kFrameMagic, kProtocolVersion, static_cast<std::uint8_t>(type), 0,
                                 static_cast<std::uint32_t>(payload.size())});
  std::string frame(reinterpret_cast<const char*>(&header), kHeaderSize);
  frame.append(payload);
  return frame;
}

std::string encode_greeting() {
  return std::string(kGreetingStart) + std::to_string(kProtocolVersion) +
         " version=" + std::string(version()) + "\n";
}

std::string FrameDecoder::shown_start() const {
  std::string shown;
  for (unsigned char c : std::string_view(buffer_).substr(0, 80)) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      shown += static_cast<char>(c);
    } else {
      constexpr std::string_view kHex = "0123456789abcdef";
      shown += c == '\n' ? std::string("\\n") : std::string("\\x") + kHex[c >> 4] + kHex[c & 15];
    }
  }
  return "\"" + shown + (buffer_.size() > 80 ? "\"..." : "\"");
}

std::optional<Frame> FrameDecoder::next_greeting() {
  const std::string_view seen(buffer_);
  const std::size_t compared = std::min(seen.size(), kGreetingStart.size());
  const std::size_t end = seen.find('\n');
  // Not a greeting: said once a whole line (or kMaxGreeting bytes) has come, to show it.
  if (end == std::string_view::npos && seen.size() < kMaxGreeting) return std::nullopt;
  if (seen.substr(0, compared) != kGreetingStart.substr(0, compared) ||
      end == std::string_view::npos) {
    throw ProtocolError("the worker's stream does not begin with its greeting: it begins with " +
                        shown_start() +
                        " (is something else printing to stdout first, such as a shell "
                        "start-up file?)");
  }
  // "<protocol> version=<library version>"
  const std::string_view fields = seen.substr(kGreetingStart.size(), end - kGreetingStart.size());
  const std::size_t space = fields.find(" version=");
  const std::string_view protocol = fields.substr(0, space);
  const std::string_view worker_version =
      space == std::string_view::npos ? "unknown" : fields.substr(space + 9);
  if (protocol != std::to_string(kProtocolVersion)) {
    throw VersionMismatch("the worker speaks protocol " + std::string(protocol) +
                          " (libterraform-worker " + std::string(worker_version) +
                          "), this pool speaks protocol " + std::to_string(kProtocolVersion) +
                          " (libterraform " + std::string(version()) + ")");
  }
  Frame hello{FrameType::hello, std::string(worker_version)};
  buffer_.erase(0, end + 1);
  expect_greeting_ = false;
  return hello;
}

std::string FrameDecoder::end_of_stream_error() const {
  if (!expect_greeting_) return "truncated frame from worker";
  return "the worker's stream ended before its greeting" +
         (buffer_.empty() ? std::string() : ", after " + shown_start());
}

std::optional<Frame> FrameDecoder::next() {
  if (expect_greeting_) return next_greeting();
  // Newlines between frames: a remote worker's, for launchers that forward by lines.
  const std::size_t newlines = buffer_.find_first_not_of('\n');
  buffer_.erase(0, newlines == std::string::npos ? buffer_.size() : newlines);
  if (buffer_.size() < kHeaderSize) return std::nullopt;
  Header header;
  std::memcpy(&header, buffer_.data(), kHeaderSize);
  header = little_endian(header);
  if (header.magic != kFrameMagic) throw ProtocolError("bad frame magic");
  if (header.version != kProtocolVersion) {
    throw ProtocolError("unsupported protocol version " + std::to_string(header.version));
  }
  if (!known_type(header.type)) {
    throw ProtocolError("unknown frame type " + std::to_string(header.type));
  }
  if (header.length > kMaxPayload) throw ProtocolError("frame payload too large");
  if (buffer_.size() < kHeaderSize + header.length) return std::nullopt;
  Frame frame{static_cast<FrameType>(header.type), buffer_.substr(kHeaderSize, header.length)};
  buffer_.erase(0, kHeaderSize + header.length);
  return frame;
}

PayloadWriter& PayloadWriter::raw(const void* data, std::size_t size) {
  bytes_.append(static_cast<const char*>(data), size);
  return *this;
}

PayloadWriter& PayloadWriter::string(std::string_view value) {
  u64(value.size());
  bytes_.append(value);
  return *this;
}

PayloadWriter& PayloadWriter::strings(const std::vector<std::string>& values) {
  u64(values.size());
  for (const auto& value : values)
    string(value);
  return *this;
}

PayloadWriter& PayloadWriter::rest(std::string_view value) {
  bytes_.append(value);
  return *this;
}

std::string_view PayloadReader::take(std::size_t size) {
  if (rest_.size() < size) throw ProtocolError("truncated payload");
  std::string_view taken = rest_.substr(0, size);
  rest_.remove_prefix(size);
  return taken;
}

std::string PayloadReader::string() {
  return std::string(take(u64()));
}

std::vector<std::string> PayloadReader::strings() {
  std::uint64_t count = u64();
  if (count > rest_.size() / sizeof(std::uint64_t)) throw ProtocolError("truncated payload");
  std::vector<std::string> values;
  values.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i)
    values.push_back(string());
  return values;
}

std::string_view PayloadReader::rest() {
  return take(rest_.size());
}

}  // namespace libterraform::pool
