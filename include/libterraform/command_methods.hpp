#pragma once

#include "libterraform/detail/access.hpp"
#include "libterraform/detail/command_list.hpp"
#include "libterraform/detail/command_spec.hpp"

#include <utility>

namespace libterraform {

/// The terraform command methods, written once for every front end. `Derived`
/// provides, to detail::Access, `flag_defaults()` and `execute(spec, extra...)`:
/// TerraformCommand runs the
/// spec and returns a CommandResult, a pool's proxy returns a future, and
/// AsyncTerraformCommand takes a completion token as the trailing argument.
///
/// The list of commands, their options structs and positional arguments is
/// detail/command_list.hpp; docs/commands.md says what each does.
///
/// The defaults are `Options()`, not `{}`: g++ 12 miscompiles aggregate-initialized
/// temporaries that live across a co_await (they are destroyed twice), and a default
/// argument is such a temporary in `co_await cli.validate()`. See docs/async.md.
template <class Derived>
class CommandMethods {
 public:
  /// One method per command of detail/command_list.hpp, e.g.
  /// \code
  ///   decltype(auto) state_mv(const std::string& source, const std::string& destination,
  ///                           StateMvOptions options = StateMvOptions(), Extra&&... extra);
  /// \endcode
#define LIBTERRAFORM_COMMAND_METHOD(method, Options, parameters, names)                     \
  template <class... Extra>                                                                 \
  decltype(auto) method(LIBTERRAFORM_LEADING parameters Options options = Options(),        \
                        Extra && ... extra) const {                                         \
    return dispatch(detail::specs::method(options, defaults() LIBTERRAFORM_TRAILING names), \
                    std::forward<Extra>(extra)...);                                         \
  }
  LIBTERRAFORM_FOR_EACH_COMMAND(LIBTERRAFORM_COMMAND_METHOD)
#undef LIBTERRAFORM_COMMAND_METHOD

 private:
  const Derived& self() const {
    return static_cast<const Derived&>(*this);
  }
  detail::FlagDefaults defaults() const {
    return detail::Access::flag_defaults(self());
  }
  template <class... Extra>
  decltype(auto) dispatch(detail::CommandSpec spec, Extra&&... extra) const {
    return detail::Access::execute(self(), std::move(spec), std::forward<Extra>(extra)...);
  }
};

}  // namespace libterraform
