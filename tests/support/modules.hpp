#pragma once

// Terraform modules the end-to-end tests create. Only terraform's built-in provider,
// local child modules and local-exec provisioners: nothing needs the network.

#include <string_view>

namespace libterraform::testing::modules {

// A root module with variables (one sensitive), outputs (one sensitive), a local child
// module, a check block, and a passing .tftest.hcl file.
inline constexpr std::string_view kApp = R"(
variable "name" {
  type    = string
  default = "world"
}

variable "secret" {
  type      = string
  default   = "s3cr3t-value"
  sensitive = true
}

resource "terraform_data" "greeting" {
  input = "hello ${var.name}"
}

module "child" {
  source = "./child"
  value  = var.name
}

output "greeting" {
  value = terraform_data.greeting.output
}

output "secret" {
  value     = var.secret
  sensitive = true
}

check "name_not_empty" {
  assert {
    condition     = length(var.name) > 0
    error_message = "The name is empty."
  }
}
)";

inline constexpr std::string_view kAppChild = R"(
variable "value" {
  type = string
}

resource "terraform_data" "child" {
  input = var.value
}

output "value" {
  value = terraform_data.child.output
}
)";

inline constexpr std::string_view kAppTest = R"(
run "greets_the_world" {
  command = plan

  assert {
    condition     = terraform_data.greeting.input == "hello world"
    error_message = "Unexpected greeting."
  }
}
)";

// A module that does not validate.
inline constexpr std::string_view kInvalid = R"(
resource "terraform_data" "broken" {
  no_such_argument = true
}
)";

// A module with a variable that has no default.
inline constexpr std::string_view kRequiredVariable = R"(
variable "required" {
  type = string
}

variable "password" {
  type      = string
  sensitive = true
  default   = ""
}

resource "terraform_data" "uses" {
  input = var.required
}
)";

// A tiny module that validates and applies instantly.
inline constexpr std::string_view kMinimal = R"(
resource "terraform_data" "example" {
  input = "ok"
}
)";

}  // namespace libterraform::testing::modules
