// The pool's frames and payloads, without I/O.

#include "pool/wire.hpp"
#include "libterraform/errors.hpp"
#include "libterraform/version.hpp"
#include "pool/messages.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

namespace libterraform::pool {
namespace {

TEST(Frames, RoundTripFedByteByByte) {
  std::string stream = encode_frame(FrameType::ready, "") + encode_frame(FrameType::output, "abc") +
                       encode_frame(FrameType::shutdown, std::string(100000, 'x'));
  FrameDecoder decoder;
  std::vector<Frame> frames;
  for (char c : stream) {
    decoder.feed(std::string_view(&c, 1));
    while (auto frame = decoder.next())
      frames.push_back(*frame);
  }
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].type, FrameType::ready);
  EXPECT_EQ(frames[1].payload, "abc");
  EXPECT_EQ(frames[2].payload.size(), 100000u);
  EXPECT_FALSE(decoder.has_partial());
}

TEST(Frames, TruncatedFrameIsSeenAsPartial) {
  std::string frame = encode_frame(FrameType::output, "hello");
  FrameDecoder decoder;
  decoder.feed(std::string_view(frame).substr(0, frame.size() - 1));
  EXPECT_FALSE(decoder.next());
  EXPECT_TRUE(decoder.has_partial());
}

TEST(Frames, MalformedHeadersAreProtocolErrors) {
  auto decode = [](std::string bytes) {
    FrameDecoder decoder;
    decoder.feed(bytes);
    return decoder.next();
  };
  std::string good = encode_frame(FrameType::ready, "");
  auto corrupt = [&](std::size_t offset, char value) {
    std::string bad = good;
    bad[offset] = value;
    return bad;
  };
  EXPECT_THROW(decode(corrupt(0, 'X')), ProtocolError);  // magic
  EXPECT_THROW(decode(corrupt(4, 9)), ProtocolError);    // version
  EXPECT_THROW(decode(corrupt(5, 99)), ProtocolError);   // type
  std::string huge = good;
  std::uint32_t length = kMaxPayload + 1;
  std::memcpy(huge.data() + 8, &length, sizeof length);
  EXPECT_THROW(decode(huge), ProtocolError);
  EXPECT_THROW(decode(std::string(kHeaderSize, '\0')), ProtocolError);
}

TEST(Frames, HeadersAndIntegersAreLittleEndian) {
  std::string frame = encode_frame(FrameType::output, "abc");
  EXPECT_EQ(frame.substr(0, 4), "LTFP");  // the magic's bytes, low first
  EXPECT_EQ(static_cast<unsigned char>(frame[4]), kProtocolVersion);
  EXPECT_EQ(frame.substr(8, 4), std::string("\x03\0\0\0", 4));  // the length
  EXPECT_EQ(PayloadWriter().i32(0x01020304).take(), "\x04\x03\x02\x01");
}

// Greetings, as a parent reads a worker's stream.
std::vector<Frame> decode_greeted(std::string_view stream) {
  FrameDecoder decoder(true);
  std::vector<Frame> frames;
  for (char c : stream) {
    decoder.feed(std::string_view(&c, 1));
    while (auto frame = decoder.next())
      frames.push_back(*frame);
  }
  return frames;
}

TEST(Greeting, ComesFirstAsAHelloFrameNamingTheWorkersVersion) {
  auto frames = decode_greeted(encode_greeting() + encode_frame(FrameType::ready, "x"));
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].type, FrameType::hello);
  EXPECT_EQ(frames[0].payload, version());
  EXPECT_EQ(frames[1].type, FrameType::ready);
  EXPECT_EQ(encode_greeting(), "libterraform-worker protocol=" + std::to_string(kProtocolVersion) +
                                   " version=" + std::string(version()) + "\n");
}

TEST(Frames, NewlinesBetweenFramesAreSkipped) {
  auto frames = decode_greeted(encode_greeting() + encode_frame(FrameType::ready, "") + "\n" +
                               encode_frame(FrameType::output, "a\n") + "\n\n");
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[2].payload, "a\n");
  FrameDecoder decoder;
  decoder.feed("\n\n");
  EXPECT_FALSE(decoder.next());
  EXPECT_FALSE(decoder.has_partial());
}

TEST(Greeting, AnythingBeforeItIsAProtocolErrorShowingWhatCame) {
  try {
    decode_greeted("Welcome to host1!\r\n" + encode_greeting());
    ADD_FAILURE() << "no error";
  } catch (const VersionMismatch&) {
    ADD_FAILURE() << "not a version mismatch";
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("\"Welcome to host1!\\x0d\\n"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("start-up file"), std::string::npos) << e.what();
  }
  // Said once the line is whole, to show it; a stream that ends first says so.
  FrameDecoder decoder(true);
  decoder.feed("libterraform-worker X");
  EXPECT_FALSE(decoder.next());
  EXPECT_EQ(decoder.end_of_stream_error(),
            "the worker's stream ended before its greeting, after \"libterraform-worker X\"");
  decoder.feed("\n");
  EXPECT_THROW(decoder.next(), ProtocolError);
  // A greeting line that never ends.
  EXPECT_THROW(decode_greeted("libterraform-worker protocol=" + std::string(kMaxGreeting, '5')),
               ProtocolError);
}

TEST(Greeting, AnotherProtocolVersionNamesBothVersions) {
  try {
    decode_greeted("libterraform-worker protocol=4 version=0.0.9\n");
    ADD_FAILURE() << "no error";
  } catch (const VersionMismatch& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("protocol 4 (libterraform-worker 0.0.9)"), std::string::npos) << message;
    EXPECT_NE(message.find("protocol " + std::to_string(kProtocolVersion) + " (libterraform " +
                           std::string(version()) + ")"),
              std::string::npos)
        << message;
  }
}

TEST(Payloads, ShortPayloadsAreProtocolErrors) {
  EXPECT_THROW(decode_run_id("abc"), ProtocolError);
  EXPECT_THROW(decode_finished(""), ProtocolError);
  std::string absurd = PayloadWriter().u64(1ull << 60).take();  // a list count with no items
  PayloadReader reader(absurd);
  EXPECT_THROW(reader.strings(), ProtocolError);
  std::string bad_enum = PayloadWriter().u64(1).u8(7).take();
  EXPECT_THROW(decode_output(bad_enum), ProtocolError);
}

TEST(Messages, RunRequestRoundTripKeepsRawBytes) {
  RunRequest request;
  request.run_id = 42;
  request.invocation.launch.executable = "/usr/local/bin/terraform";
  request.invocation.launch.argv = {"terraform", "plan", "-var=x=\xff\xfe not utf-8",
                                    std::string("nul\0inside", 10)};
  request.invocation.launch.working_dir = "/modules/a b";
  request.invocation.launch.environment =
      std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"A=1", "B="});
  request.invocation.launch.feed_stdin = true;
  request.invocation.supervision.stdin_data = "1 + 2\n";
  request.invocation.supervision.timeout = std::chrono::milliseconds(1500);
  request.invocation.supervision.stop_policy = {std::chrono::seconds(3), Escalation::terminate};
  request.plugin_cache_dir = "/var/cache/providers";

  EXPECT_EQ(encoded_size(request), encode(request).size());
  RunRequest decoded = decode_run(encode(request));
  EXPECT_EQ(decoded.run_id, 42u);
  EXPECT_EQ(decoded.invocation.launch.argv, request.invocation.launch.argv);
  EXPECT_EQ(decoded.invocation.launch.working_dir, "/modules/a b");
  ASSERT_TRUE(decoded.invocation.launch.environment);
  EXPECT_EQ(*decoded.invocation.launch.environment, *request.invocation.launch.environment);
  EXPECT_TRUE(decoded.invocation.launch.feed_stdin);
  EXPECT_EQ(decoded.invocation.supervision.stdin_data, "1 + 2\n");
  EXPECT_EQ(decoded.invocation.supervision.timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(decoded.invocation.supervision.stop_policy.grace_period, std::chrono::seconds(3));
  EXPECT_EQ(decoded.invocation.supervision.stop_policy.escalation, Escalation::terminate);
  EXPECT_EQ(decoded.plugin_cache_dir, "/var/cache/providers");

  request.invocation.supervision.timeout.reset();
  request.invocation.launch.environment = nullptr;  // "the same as before"
  EXPECT_EQ(encoded_size(request), encode(request).size());
  decoded = decode_run(encode(request));
  EXPECT_FALSE(decoded.invocation.supervision.timeout);
  EXPECT_FALSE(decoded.invocation.launch.environment);
}

TEST(Messages, WorkerMessagesRoundTrip) {
  std::string encoded = encode(OutputChunk{7, process::OutputStream::err, "line\n"});
  auto output = decode_output(encoded);  // its bytes point into `encoded`
  EXPECT_EQ(output.run_id, 7u);
  EXPECT_EQ(output.stream, process::OutputStream::err);
  EXPECT_EQ(output.bytes, "line\n");

  auto finished = decode_finished(
      encode(Finished{7, {-2, process::StopReason::timed_out, std::chrono::milliseconds(1234)}}));
  EXPECT_EQ(finished.exit.retcode, -2);
  EXPECT_EQ(finished.exit.stop_reason, process::StopReason::timed_out);
  EXPECT_EQ(finished.exit.duration, std::chrono::milliseconds(1234));

  // An error code keeps its category: the library's, generic or system.
  auto failed = decode_failed(
      encode(Failed{7, make_error_code(errc::directory_not_found), "module directory /x"}));
  EXPECT_EQ(failed.code, errc::directory_not_found);
  EXPECT_EQ(failed.code.category(), error_category());
  EXPECT_EQ(failed.message, "module directory /x");
  const boost::system::error_code no_entry(ENOENT, boost::system::generic_category());
  EXPECT_EQ(decode_failed(encode(Failed{7, no_entry, "gone"})).code, no_entry);
  const boost::system::error_code system(EMFILE, boost::system::system_category());
  EXPECT_EQ(decode_failed(encode(Failed{7, system, "full"})).code, system);
  // Not errc::directory_not_found (5) read back from a generic 5 (EIO), as a bare number
  // would be.
  EXPECT_NE(decode_failed(encode(Failed{7, {EIO, boost::system::generic_category()}, ""})).code,
            errc::directory_not_found);
  auto bad_tag = encode(Failed{7, no_entry, "gone"});
  bad_tag[8] = 9;  // after the run id: a category tag no one writes
  EXPECT_THROW(decode_failed(bad_tag), ProtocolError);

  auto started = decode_started(encode(Started{7, 4321}));
  EXPECT_EQ(started.pid, 4321);
  EXPECT_EQ(decode_run_id(encode_run_id(99)), 99u);
}

}  // namespace
}  // namespace libterraform::pool
