#pragma once

#include "libterraform/detail/access.hpp"
#include "libterraform/detail/command_spec.hpp"

namespace libterraform {

/// The commands whose events can be streamed as they arrive, written once for every
/// front end: TerraformCommand returns an EventStream, a pool's proxy an EventStream
/// over its task, and AsyncTerraformCommand an AsyncEventStream. The command's `json`
/// option must be on (it is by default).
template <class Derived>
class StreamMethods {
 public:
  /// Runs plan, its events streamed as they arrive.
  decltype(auto) plan_stream(PlanOptions options = PlanOptions()) const {
    return stream(detail::specs::plan(options, defaults()));
  }
  /// Runs apply, its events streamed as they arrive.
  decltype(auto) apply_stream(ApplyOptions options = ApplyOptions()) const {
    return stream(detail::specs::apply(options, defaults()));
  }
  /// Runs destroy, its events streamed as they arrive.
  decltype(auto) destroy_stream(DestroyOptions options = DestroyOptions()) const {
    return stream(detail::specs::destroy(options, defaults()));
  }
  /// Runs refresh, its events streamed as they arrive.
  decltype(auto) refresh_stream(RefreshOptions options = RefreshOptions()) const {
    return stream(detail::specs::refresh(options, defaults()));
  }
  /// Runs init, its events streamed as they arrive.
  decltype(auto) init_stream(InitOptions options = InitOptions()) const {
    return stream(detail::specs::init(options, defaults()));
  }
  /// Runs test, its events streamed as they arrive.
  decltype(auto) test_stream(TestOptions options = TestOptions()) const {
    return stream(detail::specs::test(options, defaults()));
  }

 private:
  const Derived& self() const { return static_cast<const Derived&>(*this); }
  detail::FlagDefaults defaults() const { return detail::Access::flag_defaults(self()); }
  decltype(auto) stream(detail::CommandSpec spec) const {
    return detail::Access::stream(self(), std::move(spec));
  }
};

}  // namespace libterraform
