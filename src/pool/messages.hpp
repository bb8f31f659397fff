#pragma once

// The messages pool and workers exchange, and their payload encodings.

#include "command/invocation.hpp"
#include "pool/wire.hpp"
#include "process/child_exit.hpp"

#include <boost/system/error_code.hpp>

#include <cstdint>
#include <string>

namespace libterraform::pool {

using RunId = std::uint64_t;

struct RunRequest {
  RunId run_id = 0;
  detail::Invocation invocation;  // a null environment: the one of the worker's last command
  // Set for an init in a pool with a shared plugin cache: the cache's absolute path.
  std::string plugin_cache_dir;
};

struct Started {
  RunId run_id = 0;
  std::int32_t pid = 0;  // terraform's; its pidfd, stdout and stderr come as SCM_RIGHTS
};

struct OutputChunk {
  RunId run_id = 0;
  process::OutputStream stream = process::OutputStream::out;
  std::string_view bytes;
};

struct Finished {
  RunId run_id = 0;
  process::ChildExit exit;
};

// The command could not be started: an Error's code, its category kept (the library's,
// generic or system; a code of any other category arrives as generic), and its message.
struct Failed {
  RunId run_id = 0;
  boost::system::error_code code;
  std::string message;
};

std::string encode(const RunRequest& message);
// encode(message).size(), without encoding: a request must fit in one frame.
std::size_t encoded_size(const RunRequest& message);
std::string encode_run_id(RunId run_id);
std::string encode(const Started& message);
std::string encode(const OutputChunk& message);
std::string encode(const Finished& message);
std::string encode(const Failed& message);

// Each throws ProtocolError on a malformed payload.
RunRequest decode_run(std::string_view payload);
RunId decode_run_id(std::string_view payload);
Started decode_started(std::string_view payload);
OutputChunk decode_output(std::string_view payload);
Finished decode_finished(std::string_view payload);
Failed decode_failed(std::string_view payload);

}  // namespace libterraform::pool
