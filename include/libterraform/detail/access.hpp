#pragma once

#include <utility>

namespace libterraform::detail {

/// The library's own way into what its front ends keep private: the prepared-spec
/// entry points (execute, stream), the flag defaults the command methods build with,
/// and a future's shared state. Users never need them; the command methods, the pool
/// and the async backends do.
struct Access {
  template <class Frontend, class... Arguments>
  static decltype(auto) execute(const Frontend& frontend, Arguments&&... arguments) {
    return frontend.execute(std::forward<Arguments>(arguments)...);
  }
  template <class Frontend, class Spec>
  static decltype(auto) stream(const Frontend& frontend, Spec spec) {
    return frontend.stream(std::move(spec));
  }
  template <class Frontend>
  static auto flag_defaults(const Frontend& frontend) {
    return frontend.flag_defaults();
  }
  template <class Future>
  static const auto& state(const Future& future) {
    return future.state_;
  }
};

}  // namespace libterraform::detail
