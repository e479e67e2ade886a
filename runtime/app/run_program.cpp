// run_program: the main() of every compiled pipeline.
#include <csignal>
#include <memory>
#include <optional>
#include <cstdio>
#include <string>

#include "core/batch_loop.hpp"
#include "core/command_line.hpp"
#include "core/group_runner.hpp"
#include "core/program_engine.hpp"
#include "core/terminal_progress.hpp"
#include "streamc/runtime/api.hpp"
#include "streamc/runtime/format.hpp"
#include "ui/ui_server.hpp"

namespace streamc::rt {
namespace {

std::atomic<int> g_stop_signal{0};

extern "C" void on_stop_signal(int sig) {
  // The first SIGINT/SIGTERM finishes the current batch; a second one kills.
  if (g_stop_signal.exchange(sig) != 0) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

// Installs the stop handlers for the lifetime of one run_program call.
class StopSignals {
 public:
  StopSignals() {
    g_stop_signal = 0;
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

std::string program_name(int argc, char** argv, const ProgramSpec& spec) {
  if (!spec.name.empty()) return spec.name;
  if (argc > 0 && argv[0]) {
    std::string s = argv[0];
    size_t slash = s.rfind('/');
    return slash == std::string::npos ? s : s.substr(slash + 1);
  }
  return "streamc-program";
}

// The page's header shows the parameters as they were given.
UiInfo ui_info(const std::string& prog, const RunOptions& o) {
  UiInfo info;
  info.program = prog;
  info.start_time_us = Clock::now_us();
  for (const auto& [name, v] : o.params) {
    std::string text;
    switch (v.kind) {
      case ParamKind::Int: text = std::to_string(v.i); break;
      case ParamKind::Float: append_json(text, v.f); break;
      case ParamKind::Bool: text = v.b ? "true" : "false"; break;
      case ParamKind::String: text = v.s; break;
      case ParamKind::Duration: append_duration(text, v.d); break;
    }
    info.params.emplace_back(name, std::move(text));
  }
  return info;
}

}  // namespace

int run_program(int argc, char** argv, const ProgramSpec& spec, const std::function<void(Engine&)>& build) {
  const std::string prog = program_name(argc, argv, spec);
  auto fail = [&prog](std::string_view reason, int status) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s: error: %.*s\n", prog.c_str(), static_cast<int>(reason.size()), reason.data());
    std::fflush(stderr);
    return status;
  };

  CommandLine cl = parse_command_line(argc, argv, spec);
  if (cl.outcome == CommandLine::Outcome::Help) {
    ProgramSpec named = spec;
    named.name = prog;
    std::string text = usage(named);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return 0;
  }
  if (cl.outcome == CommandLine::Outcome::Error) return fail(cl.error, 2);

  Clock clock;
  try {
    clock = Clock::from_environment();
  } catch (const FatalError& e) {
    return fail(e.what(), 2);
  }

  StopSignals signals;
  ProgramEngine engine(std::move(cl.options));
  engine.set_program_name(prog);
  int status = 0;
  std::unique_ptr<UiServer> ui;
  std::unique_ptr<GroupRunner> group;
  std::string failure;
  try {
    build(engine);
    const RunOptions& o = engine.options();
    if (o.ui_port) ui = std::make_unique<UiServer>(o.ui_host, o.ui_port, ui_info(prog, o));
    if (engine.in_group()) {
      // A consumer-group member: one loop per task (core/group_runner.hpp).
      if (o.mode != RunMode::Continuous)
        throw FatalError("a consumer-group member runs continuously: the partitions it reads change as copies join "
                         "and leave, so --once and --available-now have no end to reach");
      std::unique_ptr<ProgressWriter> progress;
      group = std::make_unique<GroupRunner>(engine, build, clock, g_stop_signal);
      if (!o.progress.empty()) group->add_observer(*(progress = std::make_unique<ProgressWriter>(o.progress)));
      if (ui) group->add_observer(*ui);
      group->run();
    } else {
      BatchLoop loop(engine, clock, g_stop_signal);
      if (ui) loop.add_observer(*ui);
      // Declared after the loop: erased before an error is printed.
      std::optional<TerminalProgress> line;
      if (TerminalProgress::wanted(o.mode)) loop.add_observer(line.emplace(engine.sources()));
      loop.run();
    }
  } catch (const FatalError& e) {
    failure = e.what();
  } catch (const RecordError& e) {
    failure = std::string("record error outside a record: ") + e.what();
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!failure.empty()) status = fail(failure, 1);
  if (ui) ui->loop_ended(failure);
  std::fflush(stdout);
  engine.print_rejected_summary(stderr);
  if (group) group->print_rejected_summary(stderr);
  return status;
}

}  // namespace streamc::rt
