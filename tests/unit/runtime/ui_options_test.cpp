// --ui [HOST:]PORT and config { ui: … } on the binary's command line, and
// the fixed reason kinds rejected records are counted under.
#include <gtest/gtest.h>

#include "core/command_line.hpp"
#include "core/program_engine.hpp"

namespace streamc::rt {
namespace {

CommandLine parse(std::vector<std::string> args, const ProgramSpec& spec = {}) {
  args.insert(args.begin(), "./app");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return parse_command_line(static_cast<int>(argv.size()), argv.data(), spec);
}

TEST(UiOptions, PortAloneBindsLoopbackOnly) {
  CommandLine cl = parse({"--ui", "4040"});
  ASSERT_EQ(cl.outcome, CommandLine::Outcome::Run) << cl.error;
  EXPECT_EQ(cl.options.ui_host, "127.0.0.1");
  EXPECT_EQ(cl.options.ui_port, 4040);
  EXPECT_EQ(parse({}).options.ui_port, 0);
}

TEST(UiOptions, HostGivenExplicitly) {
  CommandLine cl = parse({"--ui=0.0.0.0:8080"});
  EXPECT_EQ(cl.options.ui_host, "0.0.0.0");
  EXPECT_EQ(cl.options.ui_port, 8080);
  cl = parse({"--ui", "[::1]:9000"});
  EXPECT_EQ(cl.options.ui_host, "::1");
}

TEST(UiOptions, ConfigIsTheDefaultAndTheFlagWins) {
  ProgramSpec spec;
  spec.ui = "4041";
  EXPECT_EQ(parse({}, spec).options.ui_port, 4041);
  EXPECT_EQ(parse({"--ui", "127.0.0.2:5000"}, spec).options.ui_port, 5000);
}

TEST(UiOptions, BadAddressesAreUsageErrors) {
  for (const char* bad : {"0", "70000", "http", ":4040", "host:", "4040x"}) {
    CommandLine cl = parse({"--ui", bad});
    EXPECT_EQ(cl.outcome, CommandLine::Outcome::Error) << bad;
    EXPECT_EQ(cl.error.rfind("invalid value for --ui: '" + std::string(bad) + "'", 0), 0u) << cl.error;
  }
  EXPECT_EQ(parse({"--ui"}).error, "--ui needs a value");
}

TEST(RejectionReason, KindsAreAShortFixedList) {
  EXPECT_EQ(rejection_reason("malformed JSON: TAPE_ERROR (in in/a.json, line 3)"), "malformed_json");
  EXPECT_EQ(rejection_reason("field n has the wrong type"), "wrong_type");
  EXPECT_EQ(rejection_reason("missing field a.b"), "missing_field");
  EXPECT_EQ(rejection_reason("wrong number of columns: 3 (expected 2)"), "wrong_column_count");
  EXPECT_EQ(rejection_reason("integer overflow in 1 + 2"), "integer_overflow");
  EXPECT_EQ(rejection_reason("division by zero"), "division_by_zero");
  EXPECT_EQ(rejection_reason("timestamp out of range"), "out_of_range");
  EXPECT_EQ(rejection_reason("split: empty separator"), "other");
}

}  // namespace
}  // namespace streamc::rt
