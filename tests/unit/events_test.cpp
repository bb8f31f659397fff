// Parsing terraform's -json events and deriving structured results, on output captured
// from terraform 1.11 (tests/data).

#include "libterraform/events.hpp"
#include "libterraform/errors.hpp"
#include "libterraform/structured_results.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace libterraform {
namespace {

std::string data(const std::string& name) {
  std::ifstream in(std::string(LIBTERRAFORM_TEST_DATA) + "/" + name);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

std::vector<Event> events(const std::string& name) {
  std::vector<Event> parsed;
  std::istringstream lines(data(name));
  for (std::string line; std::getline(lines, line);) {
    if (auto event = parse_event(line)) parsed.push_back(std::move(*event));
  }
  return parsed;
}

const Event& first(const std::vector<Event>& all, EventType type) {
  for (const auto& event : all) {
    if (event.type == type) return event;
  }
  throw std::runtime_error(std::string("no event ") + to_string(type));
}

TEST(Events, CommonFieldsAndVersion) {
  auto all = events("plan_create.jsonl");
  const auto& version = all.front();
  EXPECT_EQ(version.type, EventType::version);
  EXPECT_EQ(version.terraform_version, "1.11.4");
  EXPECT_EQ(version.ui_version, "1.2");
  EXPECT_EQ(version.level, "info");
  EXPECT_EQ(version.module, "terraform.ui");
  EXPECT_FALSE(version.timestamp.empty());
  EXPECT_EQ(version.raw.at("type"), "version");
}

TEST(Events, PlannedChangeWithModuleAndKeys) {
  auto all = events("plan_create.jsonl");
  std::vector<const ResourceChange*> changes;
  for (const auto& e : all) {
    if (e.type == EventType::planned_change) changes.push_back(&*e.change);
  }
  ASSERT_EQ(changes.size(), 6u);
  auto child = std::find_if(changes.begin(), changes.end(),
                            [](auto* c) { return c->resource.module == "module.child"; });
  ASSERT_NE(child, changes.end());
  EXPECT_EQ((*child)->resource.addr, "module.child.terraform_data.c");
  EXPECT_EQ((*child)->resource.type, "terraform_data");
  EXPECT_EQ((*child)->resource.name, "c");
  EXPECT_EQ((*child)->action, ChangeAction::create);
  auto counted =
      std::find_if(changes.begin(), changes.end(), [](auto* c) { return c->resource.key == 1; });
  ASSERT_NE(counted, changes.end());
  EXPECT_EQ((*counted)->resource.addr, "terraform_data.cnt[1]");
}

TEST(Events, PlainTextLinesAmongInitEventsAreSkipped) {
  auto all = events("init_backend.jsonl");
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(first(all, EventType::init_output).message_code, "initializing_backend_message");
  for (const auto& e : all)
    EXPECT_NE(e.type_name, "");
}

TEST(Events, HooksOfApplyAndProvisioners) {
  auto all = events("apply_provfail.jsonl");
  const auto& progress = first(all, EventType::provision_progress);
  EXPECT_EQ(progress.hook->provisioner, "local-exec");
  EXPECT_EQ(progress.hook->resource.addr, "terraform_data.bad");
  const auto& errored = first(all, EventType::apply_errored);
  EXPECT_EQ(errored.hook->action, ChangeAction::create);
  const auto& diagnostic = first(all, EventType::diagnostic);
  EXPECT_EQ(diagnostic.diagnostic->summary, "local-exec provisioner error");
  EXPECT_EQ(diagnostic.diagnostic->address, "terraform_data.bad");
  EXPECT_EQ(diagnostic.diagnostic->filename, "main.tf");
}

TEST(Events, TestEvents) {
  auto all = events("test_all.jsonl");
  const auto& summary = first(all, EventType::test_summary);
  EXPECT_EQ(summary.test_summary->status, "error");
  EXPECT_EQ(summary.test_summary->passed, 4);
  EXPECT_EQ(summary.test_summary->failed, 1);
  EXPECT_EQ(summary.test_summary->errored, 1);
  EXPECT_EQ(summary.test_summary->skipped, 1);
  const auto& run = first(all, EventType::test_run);
  EXPECT_FALSE(run.test->path.empty());
  EXPECT_FALSE(run.test->run.empty());
  EXPECT_EQ(run.test->progress, "starting");
}

// Written from OpenTofu's documented formats (tests/data/README.md): its version event
// names the version under "tofu", and every event comes from "tofu.ui".
TEST(Events, OpenTofusEventsReadAsTerraforms) {
  const auto all = events("tofu/plan.jsonl");
  const auto& version = first(all, EventType::version);
  EXPECT_EQ(version.terraform_version, "1.9.0");
  EXPECT_EQ(version.ui_version, "1.2");
  EXPECT_EQ(version.module, "tofu.ui");
  EXPECT_EQ(version.message, "OpenTofu 1.9.0");
  const auto plan = PlanResult::from(all);
  ASSERT_TRUE(plan.summary);
  EXPECT_EQ(plan.summary->add, 2);
  EXPECT_EQ(plan.changes.size(), 2u);
  const auto test = events("tofu/test.jsonl");
  EXPECT_EQ(first(test, EventType::test_summary).test_summary->failed, 1);
  EXPECT_EQ(first(test, EventType::test_run).test->path, "tests/main.tofutest.hcl");
}

TEST(Events, InterruptedApply) {
  auto all = events("sigint_apply.jsonl");
  EXPECT_NE(first(all, EventType::log).message.find("Interrupt received"), std::string::npos);
  EXPECT_EQ(first(all, EventType::apply_errored).hook->resource.addr, "terraform_data.slow");
}

TEST(Events, UnknownTypesPassThrough) {
  auto event = parse_event(R"({"type":"something_new","@message":"hi","extra":{"a":1}})");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->type, EventType::unknown);
  EXPECT_EQ(event->type_name, "something_new");
  EXPECT_EQ(event->message, "hi");
  EXPECT_EQ(event->raw.at("extra").at("a"), 1);
}

TEST(Events, MissingOrMistypedFieldsReadAsEmpty) {
  auto change = parse_event(R"({"type":"planned_change"})");
  ASSERT_TRUE(change && change->change);
  EXPECT_EQ(change->change->action, ChangeAction::unknown);
  EXPECT_TRUE(change->change->resource.addr.empty());
  auto summary = parse_event(R"({"type":"change_summary","changes":{"add":"two"}})");
  EXPECT_EQ(summary->summary->add, 0);
  auto hook = parse_event(R"({"type":"apply_complete","hook":7})");
  EXPECT_EQ(hook->hook->elapsed_seconds, 0);
}

TEST(Events, ResourceDriftHasTheShapeOfAChange) {
  // terraform_data never drifts (its read returns what it stored): the event's shape
  // comes from terraform's documentation of the machine-readable UI.
  auto drift =
      parse_event(R"({"type":"resource_drift","change":{"resource":{"addr":"aws_instance.web",)"
                  R"("module":"","resource":"aws_instance.web","implied_provider":"aws",)"
                  R"("resource_type":"aws_instance","resource_name":"web","resource_key":null},)"
                  R"("action":"update"}})");
  ASSERT_TRUE(drift);
  EXPECT_EQ(drift->type, EventType::resource_drift);
  EXPECT_EQ(drift->change->resource.addr, "aws_instance.web");
  EXPECT_EQ(PlanResult::from({*drift}).drift.size(), 1u);
}

TEST(Events, UnknownUiMajorVersionIsRejected) {
  EXPECT_TRUE(parse_event(R"({"type":"version","terraform":"1.11.4","ui":"1.9"})"));
  testing::expect_error(errc::unsupported_ui_version, "", [] {
    parse_event(R"({"type":"version","terraform":"9.0.0","ui":"2.0"})");
  });
  EXPECT_THROW(parse_event(R"({"type":"version"})"), Error);
}

TEST(Events, NonJsonAndBrokenLines) {
  EXPECT_FALSE(parse_event("Successfully configured the backend"));
  EXPECT_FALSE(parse_event(""));
  auto e = testing::expect_error(errc::invalid_json, "",
                                 [] { parse_event(R"({"type":"log","@message":"secret-value)"); });
  ASSERT_TRUE(e);
  EXPECT_EQ(std::string(e->what()).find("secret-value"), std::string::npos);
}

TEST(StructuredResults, PlanOfCreate) {
  auto plan = PlanResult::from(events("plan_create.jsonl"));
  EXPECT_EQ(plan.changes.size(), 6u);
  ASSERT_TRUE(plan.summary);
  EXPECT_EQ(*plan.summary, (ChangeSummary{6, 0, 0, 0, "plan"}));
  EXPECT_TRUE(plan.has_changes());
  ASSERT_EQ(plan.outputs.size(), 5u);
  EXPECT_TRUE(plan.outputs.at("secret").sensitive);
  EXPECT_EQ(plan.outputs.at("secret").action, ChangeAction::create);
  EXPECT_TRUE(plan.diagnostics.empty());
}

TEST(StructuredResults, PlanOfUpdateAndReplace) {
  auto plan = PlanResult::from(events("plan_update.jsonl"));
  EXPECT_EQ(*plan.summary, (ChangeSummary{1, 2, 0, 1, "plan"}));
  auto replace = std::find_if(plan.changes.begin(), plan.changes.end(),
                              [](const auto& c) { return c.action == ChangeAction::replace; });
  ASSERT_NE(replace, plan.changes.end());
  EXPECT_EQ(replace->resource.addr, "terraform_data.b");
  EXPECT_EQ(replace->reason, "cannot_update");
}

TEST(StructuredResults, PlanOfMoveAndImport) {
  auto plan = PlanResult::from(events("plan_moves.jsonl"));
  auto move = std::find_if(plan.changes.begin(), plan.changes.end(),
                           [](const auto& c) { return c.action == ChangeAction::move; });
  ASSERT_NE(move, plan.changes.end());
  ASSERT_TRUE(move->previous_resource);
  EXPECT_EQ(move->previous_resource->addr, "terraform_data.old");
  auto imported = std::find_if(plan.changes.begin(), plan.changes.end(),
                               [](const auto& c) { return c.importing_id.has_value(); });
  ASSERT_NE(imported, plan.changes.end());
  EXPECT_EQ(*imported->importing_id, "imported-id-123");
  EXPECT_EQ(plan.summary->import, 1);
}

TEST(StructuredResults, AMoveAloneIsAChange) {
  // terraform's summary does not count moves: a plan that only moves has a summary of
  // zeros, and still changes something.
  auto plan = PlanResult::from(events("plan_moves.jsonl"));
  std::erase_if(plan.changes, [](const auto& c) { return c.action != ChangeAction::move; });
  plan.summary = ChangeSummary{0, 0, 0, 0, "plan"};
  EXPECT_TRUE(plan.has_changes());
  plan.changes.clear();
  EXPECT_FALSE(plan.has_changes());
}

TEST(StructuredResults, PlanOfDestroy) {
  auto plan = PlanResult::from(events("plan_destroy.jsonl"));
  EXPECT_EQ(plan.summary->remove, 6);
  for (const auto& c : plan.changes)
    EXPECT_EQ(c.action, ChangeAction::destroy);
}

TEST(StructuredResults, ApplyOfCreateKeepsSensitiveValuesOut) {
  auto apply = ApplyResult::from(events("apply_create.jsonl"));
  EXPECT_EQ(apply.planned.size(), 6u);
  EXPECT_EQ(apply.applied.size(), 6u);
  EXPECT_TRUE(apply.errored.empty());
  EXPECT_EQ(*apply.summary, (ChangeSummary{6, 0, 0, 0, "apply"}));
  const auto& secret = apply.outputs.at("secret");
  EXPECT_TRUE(secret.sensitive);
  EXPECT_FALSE(secret.value);
  EXPECT_EQ(to_string(secret), "(sensitive value)");
  EXPECT_EQ(to_string(apply.outputs.at("name")), "\"alpha\"");
  EXPECT_EQ(apply.outputs.at("obj").value->at("list").size(), 3u);
  for (const auto& a : apply.applied) {
    EXPECT_EQ(a.action, ChangeAction::create);
    EXPECT_EQ(a.id_key, "id");
  }
}

TEST(StructuredResults, ApplyOfAPlanWithReplace) {
  auto apply = ApplyResult::from(events("apply_update_saved.jsonl"));
  EXPECT_EQ(*apply.summary, (ChangeSummary{1, 2, 0, 1, "apply"}));
  bool destroyed = false, created = false;
  for (const auto& a : apply.applied) {
    if (a.resource.addr != "terraform_data.b") continue;
    destroyed |= a.action == ChangeAction::destroy;
    created |= a.action == ChangeAction::create;
  }
  EXPECT_TRUE(destroyed && created);
}

TEST(StructuredResults, FailedApply) {
  auto apply = ApplyResult::from(events("apply_provfail.jsonl"));
  ASSERT_EQ(apply.errored.size(), 1u);
  EXPECT_EQ(apply.errored[0].resource.addr, "terraform_data.bad");
  EXPECT_FALSE(apply.summary);  // terraform prints none after an error
  ASSERT_EQ(apply.diagnostics.size(), 1u);
  EXPECT_EQ(apply.diagnostics[0].severity, "error");
}

TEST(StructuredResults, DestroyAndRefresh) {
  auto destroy = ApplyResult::from(events("destroy_main.jsonl"));
  EXPECT_EQ(*destroy.summary, (ChangeSummary{0, 0, 0, 6, "destroy"}));
  auto refresh = ApplyResult::from(events("refresh_main.jsonl"));
  EXPECT_FALSE(refresh.summary);
  EXPECT_EQ(refresh.outputs.at("name").value, "beta");
}

TEST(StructuredResults, SavedPlanDocument) {
  auto plan = PlanDocument::from(nlohmann::json::parse(data("show_plan_update.json")));
  EXPECT_EQ(plan.terraform_version, "1.11.4");
  EXPECT_FALSE(plan.format_version.empty());
  auto replaced = std::find_if(plan.resource_changes.begin(), plan.resource_changes.end(),
                               [](const auto& c) { return c.address == "terraform_data.b"; });
  ASSERT_NE(replaced, plan.resource_changes.end());
  EXPECT_EQ(replaced->actions,
            (std::vector<ChangeAction>{ChangeAction::destroy, ChangeAction::create}));
  EXPECT_EQ(replaced->mode, "managed");
  EXPECT_EQ(replaced->type, "terraform_data");
  EXPECT_FALSE(plan.output_changes.empty());
  EXPECT_TRUE(plan.output_changes.at("secret").sensitive);
  EXPECT_FALSE(plan.errored);
}

TEST(StructuredResults, OutputsOfOutputJson) {
  CommandResult result;
  result.value = nlohmann::json::parse(data("output_json.json"));
  auto outputs = outputs_of(result);
  ASSERT_TRUE(outputs.count("secret"));
  EXPECT_TRUE(outputs.at("secret").sensitive);
  EXPECT_TRUE(outputs.at("secret").value);  // output -json shows it: keep it, print it not
  EXPECT_EQ(to_string(outputs.at("secret")), "(sensitive value)");
  EXPECT_EQ(outputs.at("name").type, "string");
}

}  // namespace
}  // namespace libterraform
