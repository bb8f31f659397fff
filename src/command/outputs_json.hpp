#pragma once

#include "libterraform/events.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace libterraform::detail {

// terraform's object of output name to {sensitive, type, value, action}, as `output
// -json` prints it and as the outputs event carries it; missing fields read as empty.
std::map<std::string, OutputValue> outputs_from(const nlohmann::json& outputs);

}  // namespace libterraform::detail
