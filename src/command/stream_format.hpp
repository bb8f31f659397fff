#pragma once

#include "libterraform/detail/command_spec.hpp"
#include "libterraform/errors.hpp"

namespace libterraform::detail {

// A stream's events come from terraform's -json output: a stream of a command whose
// `json` option is off would silently yield none.
inline void require_event_output(const CommandSpec& spec) {
  if (spec.format != OutputFormat::json_lines) {
    throw Error(errc::invalid_option,
                "a " + spec.name + " stream needs its json option on: events come from -json");
  }
}

}  // namespace libterraform::detail
