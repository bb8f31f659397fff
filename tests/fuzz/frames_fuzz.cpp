// libFuzzer target: what a remote worker may send a pool, decoded as the pool decodes
// it. The first byte picks how the stream is cut into reads; the rest is the stream:
// the greeting, then frames, each payload read by the decoder of its type. Anything
// malformed must end in ProtocolError, never a crash, a hang or unbounded memory.

#include "pool/messages.hpp"
#include "pool/wire.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using namespace libterraform::pool;

void decode_payload(const Frame& frame) {
  switch (frame.type) {
    case FrameType::run:
      decode_run(frame.payload);
      break;
    case FrameType::started:
      decode_started(frame.payload);
      break;
    case FrameType::output:
      decode_output(frame.payload);
      break;
    case FrameType::finished:
      decode_finished(frame.payload);
      break;
    case FrameType::failed:
      decode_failed(frame.payload);
      break;
    case FrameType::ready:
    case FrameType::worker_error:
      PayloadReader(frame.payload).string();
      break;
    case FrameType::interrupt:
    case FrameType::escalate:
    case FrameType::revoke:
    case FrameType::revoked:
    case FrameType::stopping:
      decode_run_id(frame.payload);
      break;
    default:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
  FrameDecoder decoder(true);
  try {
    while (!stream.empty()) {
      decoder.feed(stream.substr(0, chunk));
      stream.remove_prefix(std::min(chunk, stream.size()));
      while (auto frame = decoder.next()) {
        try {
          decode_payload(*frame);
        } catch (const ProtocolError&) {
          // a malformed payload: the pool ends that worker; the stream goes on here
        }
      }
    }
    if (decoder.has_partial()) (void)decoder.end_of_stream_error();
  } catch (const ProtocolError&) {
    // a malformed stream: the pool ends that worker
  }
  return 0;
}
