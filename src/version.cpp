#include "libterraform/version.hpp"

namespace libterraform {

std::string_view version() noexcept {
  return LIBTERRAFORM_VERSION_STRING;
}

}  // namespace libterraform
