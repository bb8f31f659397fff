#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace libterraform::detail {

// Field readers that tolerate what terraform may leave out: a missing field, or one
// of another type, reads as empty.
inline const nlohmann::json* field(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

inline std::string string_field(const nlohmann::json& object, std::string_view key) {
  const auto* value = field(object, key);
  return value && value->is_string() ? value->get<std::string>() : std::string{};
}

inline long long int_field(const nlohmann::json& object, std::string_view key) {
  const auto* value = field(object, key);
  return value && value->is_number() ? value->get<long long>() : 0;
}

inline bool bool_field(const nlohmann::json& object, std::string_view key) {
  const auto* value = field(object, key);
  return value && value->is_boolean() && value->get<bool>();
}

// A copy of the field, null when absent.
inline nlohmann::json json_field(const nlohmann::json& object, std::string_view key) {
  const auto* value = field(object, key);
  return value ? *value : nlohmann::json();
}

inline const nlohmann::json& object_field(const nlohmann::json& object, std::string_view key) {
  static const nlohmann::json empty = nlohmann::json::object();
  const auto* value = field(object, key);
  return value && value->is_object() ? *value : empty;
}

}  // namespace libterraform::detail
