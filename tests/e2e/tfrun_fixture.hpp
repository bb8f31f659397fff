#pragma once

// What the tfrun binary's tests share: a tree of modules to run it in, and tfrun run off
// a terminal with its output, errors and exit code kept.

#include "modules.hpp"
#include "test_support.hpp"

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace libterraform {

// A module that sleeps `seconds` in a local-exec provisioner when it is created.
inline std::string step(int seconds = 0) {
  return "resource \"terraform_data\" \"step\" {\n"
         "  provisioner \"local-exec\" {\n"
         "    command = \"sleep " +
         std::to_string(seconds) +
         "\"\n"
         "  }\n"
         "}\n";
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

class TfrunTest : public testing::LeakCheck {
 protected:
  void SetUp() override {
    LeakCheck::SetUp();
    const auto& env = testing::terraform_options().env;
    environment_ = "TF_CLI_CONFIG_FILE=" + env.at("TF_CLI_CONFIG_FILE") + " CHECKPOINT_DISABLE=1";
  }
  // network <- db <- app (app reads db's state); broken <- after_broken.
  void make_tree(int seconds = 0) {
    testing::write_file(tree / "network/main.tf", step(seconds));
    testing::write_file(tree / "db/main.tf", step(seconds));
    testing::write_file(tree / "db/tfrun.deps", "../network\n");
    testing::write_file(tree / "app/main.tf", step(seconds) + R"(
data "terraform_remote_state" "db" {
  backend = "local"
  config  = { path = "../db/terraform.tfstate" }
}
)");
  }
  void add_broken() {
    testing::write_file(tree / "broken/main.tf", testing::modules::kInvalid);
    testing::write_file(tree / "after_broken/main.tf", step());
    testing::write_file(tree / "after_broken/tfrun.deps", "../broken\n");
  }
  // Runs tfrun in the tree, off a terminal (stdin from /dev/null): its stdout ends up
  // in `output`, its stderr in `errors`. `before` runs first in the same shell
  // (`ulimit -n 128`).
  int tfrun(const std::string& arguments, const std::string& before = "true") {
    const std::string command = "cd " + tree.path().string() + " && " + before + " && " +
                                environment_ + " " + LIBTERRAFORM_TFRUN + " " + arguments +
                                " < /dev/null > " + (dir / "output").string() + " 2> " +
                                (dir / "errors").string();
    const int status = std::system(command.c_str());
    output = testing::read_file(dir / "output");
    errors = testing::read_file(dir / "errors");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  // What a JSON Schema validator (Debian's python3-jsonschema) says of `report` against
  // `tfrun --report-schema`: empty when it is valid.
  std::string schema_errors(const std::filesystem::path& report) {
    const std::filesystem::path schema = dir / "schema.json", said = dir / "validator.txt";
    if (std::system(
            (std::string(LIBTERRAFORM_TFRUN) + " --report-schema > " + schema.string()).c_str()) !=
        0) {
      return "tfrun --report-schema failed";
    }
    const std::string validate =
        "/usr/bin/python3 -c 'import json, sys, jsonschema\n"
        "schema = json.load(open(sys.argv[1]))\n"
        "jsonschema.Draft202012Validator.check_schema(schema)\n"
        "jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))' " +
        schema.string() + " " + report.string() + " > " + said.string() + " 2>&1";
    if (std::system("/usr/bin/python3 -c 'import jsonschema' 2> /dev/null") != 0) {
      return "no validator: python3-jsonschema is not installed (scripts/install-deps "
             "installs it)";
    }
    return std::system(validate.c_str()) == 0 ? "" : testing::read_file(said);
  }

  testing::TempDir dir, tree;
  std::string output, errors;
  std::string environment_;
};

}  // namespace libterraform
