#include "command/outcome.hpp"

namespace libterraform::detail {

Outcome Outcome::failure(boost::system::error_code code, std::string message,
                         std::shared_ptr<const CommandResult> result) {
  return {std::move(result), code, std::move(message), nullptr};
}

Outcome Outcome::callback_failure(std::exception_ptr error,
                                  std::shared_ptr<const CommandResult> result) {
  std::string message = "a line or event callback threw";
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    message += std::string(": ") + e.what();
  } catch (...) {
  }
  message += "; terraform was interrupted";
  return {std::move(result), make_error_code(errc::callback_failed), std::move(message),
          std::move(error)};
}

std::exception_ptr Outcome::exception() const {
  if (callback_error) return callback_error;
  if (!code) return nullptr;
  try {
    throw_error(code, message, result);
  } catch (...) {
    return std::current_exception();
  }
}

CommandResult Outcome::get() const {
  if (auto error = exception()) std::rethrow_exception(error);
  return *result;
}

}  // namespace libterraform::detail
