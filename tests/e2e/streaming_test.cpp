// Live -json events and structured results, from every backend, against the real
// terraform.

#include "libterraform/libterraform.hpp"
#include "modules.hpp"
#include "test_support.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace libterraform {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// A module whose apply runs a 3-second provisioner between two quick resources.
constexpr std::string_view kSlowApply = R"(
resource "terraform_data" "before" {
  input = "first"
}

resource "terraform_data" "slow" {
  input = terraform_data.before.output
  provisioner "local-exec" {
    command = "sleep 3"
  }
}
)";

// When each event type first arrived.
struct Arrivals {
  std::mutex mutex;
  std::map<EventType, Clock::time_point> first;
  std::vector<EventType> order;
  void operator()(const Event& event) {
    std::lock_guard lock(mutex);
    first.try_emplace(event.type, Clock::now());
    order.push_back(event.type);
  }
  // The provisioner's start was seen well before its end: events came while terraform
  // ran, not all at once when it exited.
  bool spread() {
    std::lock_guard lock(mutex);
    return first.count(EventType::provision_start) && first.count(EventType::provision_complete) &&
           first[EventType::provision_complete] - first[EventType::provision_start] > 2s;
  }
};

// Options whose terraform is slow to stop (testing::slow_to_stop_terraform_events, in
// `dir`), and a stop policy that escalates only when asked: to a second SIGINT.
TerraformOptions slow_to_stop(const fs::path& dir) {
  TerraformOptions options = testing::terraform_options();
  options.terraform =
      testing::fake_terraform(dir, testing::slow_to_stop_terraform_events()).string();
  options.stop_policy = {.grace_period = std::chrono::milliseconds::max(),
                         .escalation = Escalation::interrupt_again};
  return options;
}

// terraform stopped the provisioner: an interrupted create leaves its resource tainted
// (a provisioner that ran to its end would not).
bool provisioner_interrupted(const fs::path& module) {
  return testing::read_file(module / "terraform.tfstate").find("\"tainted\"") != std::string::npos;
}

class StreamingTest : public testing::LeakCheck {
 protected:
  fs::path initialized(std::string_view name, std::string_view main_tf) {
    return testing::make_initialized_module(dir.path(), name, main_tf);
  }
  TerraformCommand cli(const fs::path& module) {
    return TerraformCommand(module, testing::terraform_options());
  }

  testing::TempDir dir;
};

TEST_F(StreamingTest, EventCallbackSeesEventsWhileTerraformRuns) {
  auto module = initialized("slow", kSlowApply);
  Arrivals arrivals;
  auto result = cli(module).apply({.check = true, .on_event = std::ref(arrivals)});
  EXPECT_TRUE(arrivals.spread());
  EXPECT_EQ(arrivals.order.front(), EventType::version);
  EXPECT_EQ(arrivals.order.size(), events_of(result).size());
}

TEST_F(StreamingTest, CancelFromAnotherThreadWhileTheStreamEnds) {
  auto module = initialized("quick", testing::modules::kMinimal);
  auto stream = cli(module).plan_stream();
  std::atomic<bool> ended{false};
  std::thread canceller([&] {
    while (!ended)
      stream.cancel();
  });
  try {
    while (stream.next()) {
    }
  } catch (const Error&) {
    // an interrupted plan may count as failed; the stream still ends
  }
  ended = true;
  canceller.join();
  EXPECT_TRUE(stream.done());
  stream.cancel();  // after the end: nothing to stop, nothing to fail
}

TEST_F(StreamingTest, AStreamNeedsJsonOutput) {
  auto module = testing::make_module(dir.path(), "plain", testing::modules::kMinimal);
  testing::expect_error(errc::invalid_option, "",
                        [&] { cli(module).plan_stream({.json = false}); });
}

TEST_F(StreamingTest, SummariesMatchWhatTerraformDid) {
  auto module = initialized("app", R"(
variable "value" {
  default = "one"
}

resource "terraform_data" "kept" {
  input = var.value
}

resource "terraform_data" "replaced" {
  triggers_replace = var.value
}
)");
  auto terraform = cli(module);
  auto created = ApplyResult::from(terraform.apply({.check = true}));
  EXPECT_EQ(*created.summary, (ChangeSummary{2, 0, 0, 0, "apply"}));

  auto plan = PlanResult::from(terraform.plan({.vars = {{"value", "two"}}, .check = true}));
  EXPECT_EQ(*plan.summary, (ChangeSummary{1, 1, 0, 1, "plan"}));
  std::map<std::string, ChangeAction> actions;
  for (const auto& c : plan.changes)
    actions[c.resource.addr] = c.action;
  EXPECT_EQ(actions["terraform_data.kept"], ChangeAction::update);
  EXPECT_EQ(actions["terraform_data.replaced"], ChangeAction::replace);

  auto updated = ApplyResult::from(terraform.apply({.vars = {{"value", "two"}}, .check = true}));
  EXPECT_EQ(*updated.summary, (ChangeSummary{1, 1, 0, 1, "apply"}));

  auto destroyed =
      ApplyResult::from(terraform.destroy({.vars = {{"value", "two"}}, .check = true}));
  EXPECT_EQ(*destroyed.summary, (ChangeSummary{0, 0, 0, 2, "destroy"}));
  EXPECT_FALSE(PlanResult::from(terraform.plan({.check = true})).changes.empty());
}

TEST_F(StreamingTest, StateEditedBehindTerraformsBackShowsUp) {
  auto module = initialized("drift", R"(
resource "terraform_data" "watched" {
  input = "expected"
}
)");
  auto terraform = cli(module);
  terraform.apply({.check = true});
  auto state = nlohmann::json::parse(testing::read_file(module / "terraform.tfstate"));
  state["serial"] = state["serial"].get<int>() + 1;
  // terraform_data stores its dynamic input as {"value": ..., "type": ...}.
  state["resources"][0]["instances"][0]["attributes"]["input"]["value"] = "edited";
  testing::write_file(module / "terraform.tfstate", state.dump());

  // terraform_data reads back what it stored, so terraform reports no resource_drift
  // for it: the edit shows as the update that restores the configuration.
  auto plan = PlanResult::from(terraform.plan({.check = true}));
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(plan.changes[0].resource.addr, "terraform_data.watched");
  EXPECT_EQ(plan.changes[0].action, ChangeAction::update);
  EXPECT_EQ(plan.summary->change, 1);
}

TEST_F(StreamingTest, FailingApplyReportsTheErroredResource) {
  auto module = initialized("failing", R"(
resource "terraform_data" "bad" {
  provisioner "local-exec" {
    command = "echo about to fail; exit 1"
  }
}
)");
  std::vector<EventType> types;
  auto result = cli(module).apply({.on_event = [&](const Event& e) { types.push_back(e.type); }});
  EXPECT_EQ(result.retcode, 1);
  EXPECT_NE(std::find(types.begin(), types.end(), EventType::apply_errored), types.end());
  auto apply = ApplyResult::from(result);
  ASSERT_EQ(apply.errored.size(), 1u);
  EXPECT_EQ(apply.errored[0].resource.addr, "terraform_data.bad");
  ASSERT_FALSE(apply.diagnostics.empty());
  EXPECT_EQ(apply.diagnostics[0].summary, "local-exec provisioner error");
}

TEST_F(StreamingTest, SavedPlanAndOutputsAsTypedObjects) {
  auto module = testing::make_app_module(dir.path());
  auto terraform = cli(module);
  terraform.init({.check = true});
  terraform.plan({.out = "tfplan", .check = true});
  auto plan = PlanDocument::from(terraform.show({.path = "tfplan", .check = true}));
  EXPECT_EQ(plan.resource_changes.size(), 2u);
  EXPECT_EQ(plan.resource_changes[0].actions, (std::vector<ChangeAction>{ChangeAction::create}));
  EXPECT_TRUE(plan.output_changes.at("secret").sensitive);

  terraform.apply({.plan_file = "tfplan", .check = true});
  auto outputs = outputs_of(terraform.output({.check = true}));
  EXPECT_EQ(outputs.at("greeting").value, "hello world");
  EXPECT_TRUE(outputs.at("secret").sensitive);
  EXPECT_EQ(to_string(outputs.at("secret")), "(sensitive value)");
}

// --- through a pool -----------------------------------------------------------------

TEST_F(StreamingTest, PoolForwardsEventsAsTheyHappenTaggedByModule) {
  std::vector<fs::path> modules{initialized("a", kSlowApply), initialized("b", kSlowApply)};
  std::mutex mutex;
  std::map<fs::path, Arrivals> arrivals;
  std::map<std::uint64_t, fs::path> run_modules;
  PoolOptions options{.max_workers = 2, .terraform = testing::terraform_options()};
  options.on_event = [&](const PoolEvent& e) {
    std::lock_guard lock(mutex);
    arrivals[e.module](e.event);
    run_modules[e.run_id] = e.module;
  };
  TerraformPool pool(options);
  Arrivals per_task;
  auto a = pool.command(modules[0]).apply({.check = true, .on_event = std::ref(per_task)});
  auto b = pool.command(modules[1]).apply({.check = true});
  a.get();
  b.get();
  std::lock_guard lock(mutex);
  EXPECT_TRUE(arrivals[fs::canonical(modules[0])].spread());
  EXPECT_TRUE(arrivals[fs::canonical(modules[1])].spread());
  EXPECT_TRUE(per_task.spread());
  EXPECT_EQ(run_modules.at(a.run_id()), fs::canonical(modules[0]));
  EXPECT_EQ(run_modules.at(b.run_id()), fs::canonical(modules[1]));
  // In order for each command: the same sequence as the result holds.
  std::vector<EventType> expected;
  for (const auto& e : events_of(a.get()))
    expected.push_back(e.type);
  EXPECT_EQ(per_task.order, expected);
}

TEST_F(StreamingTest, SlowCallbackInThePoolStallsNoOtherModule) {
  auto slow_listener = initialized("slow_listener", R"(
resource "terraform_data" "many" {
  count = 10
  input = count.index
}
)");
  auto other = initialized("other", testing::modules::kMinimal);
  TerraformPool pool({.max_workers = 2, .terraform = testing::terraform_options()});
  std::atomic<int> delivered{0};
  auto slow = pool.command(slow_listener).apply({.on_event = [&](const Event&) {
    std::this_thread::sleep_for(200ms);
    ++delivered;
  }});
  auto quick = pool.command(other).apply({.check = true});
  quick.get();
  EXPECT_FALSE(slow.done()) << "the other module waited for the slow callback";
  const auto& result = slow.get();
  int events = static_cast<int>(events_of(result).size());
  EXPECT_EQ(delivered, events);
  // terraform itself was not held up by the callback: it ran far quicker than delivery.
  EXPECT_LT(result.duration, std::chrono::milliseconds(200) * events / 2);
}

// --- an EventStream from each blocking backend --------------------------------------

enum class Backend { command, pool };

// The same tests for TerraformCommand's stream (terraform runs on the calling thread)
// and PoolCommand's (an EventStream over a pool task).
class StreamBackendTest : public StreamingTest, public ::testing::WithParamInterface<Backend> {
 protected:
  void SetUp() override {
    StreamingTest::SetUp();
    use(testing::terraform_options());
  }
  void TearDown() override {
    pool.reset();
    StreamingTest::TearDown();
  }
  // Runs terraform with these options from now on.
  void use(TerraformOptions options) {
    terraform = std::move(options);
    pool.reset();
    if (GetParam() == Backend::pool)
      pool.emplace(PoolOptions{.max_workers = 2, .terraform = terraform});
  }
  EventStream apply_stream(const fs::path& module, ApplyOptions options = ApplyOptions()) {
    if (pool) return pool->command(module).apply_stream(std::move(options));
    return TerraformCommand(module, terraform).apply_stream(std::move(options));
  }
  EventStream plan_stream(const fs::path& module, PlanOptions options = PlanOptions()) {
    if (pool) return pool->command(module).plan_stream(std::move(options));
    return TerraformCommand(module, terraform).plan_stream(std::move(options));
  }
  TerraformOptions terraform;
  std::optional<TerraformPool> pool;
};

TEST_P(StreamBackendTest, EventsArriveWhileTerraformRuns) {
  auto module = initialized("slow", kSlowApply);
  auto stream = apply_stream(module);
  Arrivals arrivals;
  std::size_t count = 0;
  for (const auto& event : stream) {
    arrivals(event);
    ++count;
  }
  EXPECT_TRUE(arrivals.spread());
  EXPECT_TRUE(stream.done());
  EXPECT_EQ(stream.result().retcode, 0);
  EXPECT_EQ(count, events_of(stream.result()).size());
  EXPECT_EQ(ApplyResult::from(stream.result()).summary->add, 2);
}

TEST_P(StreamBackendTest, TheCheckErrorComesOnceAtTheEnd) {
  auto module = initialized("required", testing::modules::kRequiredVariable);
  auto stream = plan_stream(module, {.check = true});
  EXPECT_THROW(stream.result(), std::logic_error);  // not ended yet
  std::vector<EventType> seen;
  auto e = testing::expect_error<TerraformCommandError>(std::nullopt, "", [&] {
    while (auto event = stream.next())
      seen.push_back(event->type);
  });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->diagnostics().at(0).summary, "No value for required variable");
  EXPECT_NE(std::find(seen.begin(), seen.end(), EventType::diagnostic), seen.end());
  EXPECT_FALSE(stream.next());  // the error comes once
  EXPECT_TRUE(stream.done());
  EXPECT_EQ(stream.result().retcode, 1);
}

TEST_P(StreamBackendTest, CancelAndDropInterruptTerraform) {
  auto cancelled = initialized("cancelled", testing::slow_resource(30));
  auto dropped = initialized("dropped", testing::slow_resource(30));
  auto stream = apply_stream(cancelled);
  std::vector<EventType> after_cancel;
  bool cancel_sent = false;
  while (auto event = stream.next()) {
    if (cancel_sent) after_cancel.push_back(event->type);
    if (event->type == EventType::provision_start && !cancel_sent) {
      stream.cancel();
      cancel_sent = true;
    }
  }
  EXPECT_TRUE(stream.result().interrupted);
  EXPECT_NE(std::find(after_cancel.begin(), after_cancel.end(), EventType::apply_errored),
            after_cancel.end());
  {
    auto leaving = apply_stream(dropped);
    while (auto event = leaving.next()) {
      if (event->type == EventType::provision_start) break;
    }
  }  // interrupted and waited for here
  for (const auto& module : {cancelled, dropped}) {
    EXPECT_TRUE(testing::state_is_clean(module)) << module;
    EXPECT_TRUE(provisioner_interrupted(module)) << module;
  }
}

// escalate() is a second Ctrl-C: with a terraform slow to stop (it goes on after its
// first SIGINT, and exits 3 on a second one), the policy's escalation is what ends it.
TEST_P(StreamBackendTest, EscalateStopsATerraformSlowToStop) {
  use(slow_to_stop(dir.path()));
  auto stream = apply_stream(dir.path());
  std::vector<std::string> seen;
  while (auto event = stream.next()) {
    seen.push_back(event->message);
    if (event->message == "terraform runs") {
      stream.cancel();
      stream.cancel();  // once is enough: no second SIGINT
    }
    if (event->message == "stopping") {
      // The grace period never ends: without escalate(), terraform would go on for a
      // minute and exit 0.
      std::this_thread::sleep_for(300ms);
      seen.push_back("(escalate)");
      stream.escalate();
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"Terraform 1.11.4", "terraform runs", "stopping",
                                            "(escalate)", "interrupted again"}));
  EXPECT_TRUE(stream.result().interrupted);
  EXPECT_EQ(stream.result().retcode, 3);
  EXPECT_LT(stream.result().duration, 30s);
  stream.escalate();  // after the end: nothing to stop, nothing to fail
}

INSTANTIATE_TEST_SUITE_P(Backends, StreamBackendTest,
                         ::testing::Values(Backend::command, Backend::pool), [](const auto& info) {
                           return info.param == Backend::pool ? "Pool" : "Command";
                         });

// --- from Asio ------------------------------------------------------------------------

class AsyncStreamingTest : public StreamingTest, public ::testing::WithParamInterface<bool> {
 protected:
  void SetUp() override {
    StreamingTest::SetUp();
    use(testing::terraform_options());
  }
  void TearDown() override {
    pool.reset();
    StreamingTest::TearDown();
  }
  // Runs terraform with these options from now on.
  void use(TerraformOptions options) {
    terraform = std::move(options);
    pool.reset();
    if (GetParam()) pool.emplace(PoolOptions{.max_workers = 2, .terraform = terraform});
  }
  AsyncTerraformCommand async_cli(asio::io_context& io, const fs::path& module) {
    return AsyncTerraformCommand(io.get_executor(), module,
                                 {.pool = pool ? &*pool : nullptr, .terraform = terraform});
  }
  TerraformOptions terraform;
  std::optional<TerraformPool> pool;
};

TEST_P(AsyncStreamingTest, AwaitedEventsArriveWhileTerraformRuns) {
  auto module = initialized("slow", kSlowApply);
  asio::io_context io;
  auto cli = async_cli(io, module);
  Arrivals arrivals;
  auto done = asio::co_spawn(
      io,
      [&]() -> asio::awaitable<int> {
        auto stream = cli.apply_stream();
        while (auto event = co_await stream.next())
          arrivals(*event);
        co_return stream.result().retcode;
      },
      asio::use_future);
  io.run();
  EXPECT_EQ(done.get(), 0);
  EXPECT_TRUE(arrivals.spread());
}

TEST_P(AsyncStreamingTest, CancellingNextInterruptsTerraform) {
  auto module = initialized("slow", testing::slow_resource(30));
  asio::io_context io;
  auto cli = async_cli(io, module);
  auto stream = cli.apply_stream();
  asio::cancellation_signal signal;
  std::vector<EventType> seen;
  bool ended = false;
  std::function<void()> pull = [&] {
    stream.next(asio::bind_cancellation_slot(
        signal.slot(), [&](boost::system::error_code, std::optional<Event> event) {
          if (!event) {
            ended = true;
            return;
          }
          seen.push_back(event->type);
          pull();
          if (event->type == EventType::provision_start) {
            // The next next() waits: cancelling it interrupts terraform.
            asio::post(io, [&] { signal.emit(asio::cancellation_type::terminal); });
          }
        }));
  };
  pull();
  io.run();
  EXPECT_TRUE(ended);
  EXPECT_TRUE(stream.result().interrupted);
  EXPECT_NE(std::find(seen.begin(), seen.end(), EventType::apply_errored), seen.end());
  EXPECT_TRUE(testing::state_is_clean(module));
}

TEST_P(AsyncStreamingTest, DroppingTheStreamInterruptsTerraform) {
  auto module = initialized("slow", testing::slow_resource(30));
  asio::io_context io;
  auto cli = async_cli(io, module);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto stream = cli.apply_stream();
        while (auto event = co_await stream.next()) {
          if (event->type == EventType::provision_start) break;  // the stream goes
        }
      },
      asio::detached);
  io.run();  // until the interrupted apply has ended
  EXPECT_TRUE(testing::state_is_clean(module));
  EXPECT_TRUE(provisioner_interrupted(module));
}

TEST_P(AsyncStreamingTest, DestroyingTheContextWithANextPending) {
  auto module = initialized("slow", testing::slow_resource(30));
  {
    asio::io_context io;
    auto cli = async_cli(io, module);
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          auto stream = cli.apply_stream();
          while (auto event = co_await stream.next()) {
            if (event->type == EventType::provision_start) io.stop();
          }
        },
        asio::detached);
    io.run();
  }                            // destroyed while the coroutine waits in next()
  if (pool) pool->shutdown();  // waits for the pool task the context abandoned
  // terraform was stopped, and under LeakSanitizer nothing of the stream is left.
  EXPECT_TRUE(testing::state_is_clean(module));
  EXPECT_TRUE(provisioner_interrupted(module));
}

TEST_P(AsyncStreamingTest, AStreamNeedsJsonOutput) {
  auto module = testing::make_module(dir.path(), "plain", testing::modules::kMinimal);
  asio::io_context io;
  auto cli = async_cli(io, module);
  testing::expect_error(errc::invalid_option, "", [&] { cli.plan_stream({.json = false}); });
}

TEST_P(AsyncStreamingTest, EscalateStopsATerraformSlowToStop) {
  use(slow_to_stop(dir.path()));
  asio::io_context io;
  auto cli = async_cli(io, dir.path());
  std::vector<std::string> seen;
  auto done = asio::co_spawn(
      io,
      [&]() -> asio::awaitable<CommandResult> {
        ApplyOptions options;
        auto stream = cli.apply_stream(options);
        while (auto event = co_await stream.next()) {
          seen.push_back(event->message);
          if (event->message == "terraform runs") {
            stream.cancel();
            stream.cancel();  // once is enough: no second SIGINT
          }
          if (event->message == "stopping") {
            // The grace period never ends: without escalate(), terraform would go on
            // for a minute and exit 0.
            asio::steady_timer wait(io, 300ms);
            co_await wait.async_wait(asio::use_awaitable);
            seen.push_back("(escalate)");
            stream.escalate();
          }
        }
        co_return stream.result();
      },
      asio::use_future);
  io.run();
  const CommandResult result = done.get();
  EXPECT_EQ(seen, (std::vector<std::string>{"Terraform 1.11.4", "terraform runs", "stopping",
                                            "(escalate)", "interrupted again"}));
  EXPECT_TRUE(result.interrupted);
  EXPECT_EQ(result.retcode, 3);
  EXPECT_LT(result.duration, 30s);
}

// Cancelling a waiting next() is a Ctrl-C, and cancelling one again is the second.
TEST_P(AsyncStreamingTest, CancellingNextAgainEscalates) {
  use(slow_to_stop(dir.path()));
  asio::io_context io;
  auto cli = async_cli(io, dir.path());
  auto stream = cli.apply_stream();
  asio::cancellation_signal signal;
  std::vector<std::string> seen;
  std::function<void()> pull = [&] {
    stream.next(asio::bind_cancellation_slot(
        signal.slot(), [&](boost::system::error_code, std::optional<Event> event) {
          if (!event) return;
          seen.push_back(event->message);
          pull();  // the next next() waits: cancelling it stops terraform
          if (event->message == "terraform runs") {
            asio::post(io, [&] { signal.emit(asio::cancellation_type::terminal); });
          }
          if (event->message == "stopping") {
            auto wait = std::make_shared<asio::steady_timer>(io, 300ms);
            wait->async_wait([&, wait](boost::system::error_code) {
              seen.push_back("(cancelled again)");
              signal.emit(asio::cancellation_type::terminal);
            });
          }
        }));
  };
  pull();
  io.run();
  EXPECT_EQ(seen, (std::vector<std::string>{"Terraform 1.11.4", "terraform runs", "stopping",
                                            "(cancelled again)", "interrupted again"}));
  EXPECT_TRUE(stream.result().interrupted);
  EXPECT_EQ(stream.result().retcode, 3);
}

INSTANTIATE_TEST_SUITE_P(Backends, AsyncStreamingTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Pool" : "Default"; });

}  // namespace
}  // namespace libterraform
