#pragma once

#include "libterraform/command_result.hpp"
#include "libterraform/errors.hpp"

#include <exception>
#include <memory>
#include <string>

namespace libterraform::detail {

// How a command ended, as values: what terraform produced (null when it never ran),
// the error the run counts as (an empty code: none) and, when a line or event callback
// threw, that exception, carried to the caller as it is. Exceptions are made from it
// only at the edge of the API (exception(), get()).
struct Outcome {
  std::shared_ptr<const CommandResult> result;
  boost::system::error_code code;
  // What went wrong. The exceptions of command_failed, timed_out and interrupted
  // describe themselves from the result instead.
  std::string message;
  std::exception_ptr callback_error;  // with code callback_failed

  static Outcome failure(boost::system::error_code code, std::string message,
                         std::shared_ptr<const CommandResult> result = nullptr);
  // A callback threw `error` while terraform ran.
  static Outcome callback_failure(std::exception_ptr error,
                                  std::shared_ptr<const CommandResult> result);

  bool failed() const { return static_cast<bool>(code); }
  // What the synchronous API throws: the callback's exception, or the library's error
  // for the code (TerraformCommandError, CommandTimeoutError, ...), carrying the
  // result. Null when the run succeeded.
  std::exception_ptr exception() const;
  // The result, or exception() thrown.
  CommandResult get() const;
};

}  // namespace libterraform::detail
