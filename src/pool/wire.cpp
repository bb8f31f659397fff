#include "pool/wire.hpp"

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

bool known_type(std::uint8_t type) {
  return (type >= static_cast<std::uint8_t>(FrameType::run) &&
          type <= static_cast<std::uint8_t>(FrameType::escalate)) ||
         (type >= static_cast<std::uint8_t>(FrameType::ready) &&
          type <= static_cast<std::uint8_t>(FrameType::stopping));
}

}  // namespace

std::string encode_frame(FrameType type, std::string_view payload) {
  if (payload.size() > kMaxPayload) throw ProtocolError("frame payload too large");
  Header header{kFrameMagic, kProtocolVersion, static_cast<std::uint8_t>(type), 0,
                static_cast<std::uint32_t>(payload.size())};
  std::string frame(reinterpret_cast<const char*>(&header), kHeaderSize);
  frame.append(payload);
  return frame;
}

std::optional<Frame> FrameDecoder::next() {
  if (buffer_.size() < kHeaderSize) return std::nullopt;
  Header header;
  std::memcpy(&header, buffer_.data(), kHeaderSize);
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
