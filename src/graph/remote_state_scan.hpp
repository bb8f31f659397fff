#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace libterraform::graph {

// The state paths of the `data "terraform_remote_state"` blocks with
// `backend = "local"` in one configuration file's text, as written, with a leading
// `${path.module}/` removed. Paths holding any other interpolation are left out: they
// cannot be resolved without terraform. Comments and strings are skipped when
// matching braces. Pure: unit-tested in tests/unit/remote_state_scan_test.cpp.
std::vector<std::string> local_remote_state_paths(std::string_view configuration);

}  // namespace libterraform::graph
