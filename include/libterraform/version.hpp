#pragma once

#include "libterraform/export.hpp"

#include <string_view>

namespace libterraform {

/// The library's version, "MAJOR.MINOR.PATCH": the one it was built as, which may differ
/// from the headers a program was compiled with when it links a shared build.
LIBTERRAFORM_EXPORT std::string_view version() noexcept;

}  // namespace libterraform
