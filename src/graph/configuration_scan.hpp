#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace libterraform::graph {

// What discovery reads in a module's configuration files, without terraform: regular
// expressions over the text with comments blanked out, braces matched outside strings.
// Pure: unit-tested in tests/unit/module_graph_test.cpp.

// The state paths of the `data "terraform_remote_state"` blocks with
// `backend = "local"` in one configuration file's text, as written, with a leading
// `${path.module}/` removed. Paths holding any other interpolation are left out: they
// cannot be resolved without terraform.
std::vector<std::string> local_remote_state_paths(std::string_view configuration);

// The `source` of each `module` block that calls a local child module ("./x", "../x"),
// as written. Registry and remote sources are left out.
std::vector<std::string> local_module_sources(std::string_view configuration);

}  // namespace libterraform::graph
