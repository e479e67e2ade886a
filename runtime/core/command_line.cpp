#include "core/command_line.hpp"

#include <charconv>
#include <optional>
#include <vector>

#include "base/duration_text.hpp"
#include "streamc/runtime/format.hpp"

namespace streamc::rt {
namespace {

std::optional<int64_t> flag_int(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> flag_float(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<bool> flag_bool(std::string_view s) {
  if (s == "true" || s == "1" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "0" || s == "no" || s == "off") return false;
  return std::nullopt;
}

// Sets `value` from `text` for a parameter of `value.kind`; returns the
// complaint when the text does not fit.
std::string set_param(ParamValue& value, std::string_view text) {
  switch (value.kind) {
    case ParamKind::Int:
      if (auto v = flag_int(text)) {
        value.i = *v;
        return {};
      }
      return "expected an integer";
    case ParamKind::Float:
      if (auto v = flag_float(text)) {
        value.f = *v;
        return {};
      }
      return "expected a number";
    case ParamKind::Bool:
      if (auto v = flag_bool(text)) {
        value.b = *v;
        return {};
      }
      return "expected true or false";
    case ParamKind::Duration:
      if (auto v = parse_duration(text)) {
        value.d = *v;
        return {};
      }
      return "expected a duration like 500ms, 1s, 2m";
    case ParamKind::String:
      value.s = std::string(text);
      return {};
  }
  return {};
}

std::string normalize(std::string_view name) {
  std::string s(name);
  for (char& c : s)
    if (c == '-') c = '_';
  return s;
}

}  // namespace

const char* param_kind_name(ParamKind kind) {
  switch (kind) {
    case ParamKind::Int: return "int";
    case ParamKind::Float: return "float";
    case ParamKind::Bool: return "bool";
    case ParamKind::String: return "string";
    case ParamKind::Duration: return "duration";
  }
  return "?";
}

std::string parse_ui_address(std::string_view text, std::string& host, int& port) {
  std::string_view port_text = text;
  std::string_view host_text = "127.0.0.1";
  if (size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    host_text = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (host_text.size() > 1 && host_text.front() == '[' && host_text.back() == ']')  // [::1]:4040
      host_text = host_text.substr(1, host_text.size() - 2);
    if (host_text.empty()) return "expected [HOST:]PORT, e.g. 4040 or 127.0.0.1:4040";
  }
  auto n = flag_int(port_text);
  if (!n || *n < 1 || *n > 65535) return "expected [HOST:]PORT with a port from 1 to 65535, e.g. 4040 or 127.0.0.1:4040";
  host = std::string(host_text);
  port = static_cast<int>(*n);
  return {};
}

CommandLine parse_command_line(int argc, char** argv, const ProgramSpec& spec) {
  CommandLine cl;
  RunOptions& o = cl.options;
  auto error = [&cl](std::string msg) {
    cl.outcome = CommandLine::Outcome::Error;
    cl.error = std::move(msg);
    return cl;
  };
  o.batch_us = spec.batch_us;
  o.threads = spec.threads;
  o.checkpoint = spec.checkpoint;
  o.has_watermark = spec.has_watermark;
  if (!spec.ui.empty())
    if (std::string why = parse_ui_address(spec.ui, o.ui_host, o.ui_port); !why.empty())
      return error("config ui '" + spec.ui + "': " + why);
  o.batches_only_with_data = spec.batches_only_with_data;
  // Parameters by their normalized name (--max-rows and --max_rows both work).
  std::map<std::string, std::string, std::less<>> param_names;
  for (const ParamSpec& p : spec.params) {
    ParamValue v;
    v.kind = p.kind;
    if (std::string why = set_param(v, p.default_text); !why.empty())
      return error("default of --" + p.name + " '" + p.default_text + "': " + why);
    o.params[p.name] = std::move(v);
    param_names[normalize(p.name)] = p.name;
  }
  bool once = false, available_now = false;
  std::vector<std::string_view> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      cl.outcome = CommandLine::Outcome::Help;
      return cl;
    }
    if (arg.size() < 3 || arg.substr(0, 2) != "--") return error("unexpected argument '" + std::string(arg) + "'");
    std::string_view name = arg.substr(2);
    std::optional<std::string_view> inline_value;
    if (size_t eq = name.find('='); eq != std::string_view::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    std::string flag = "--" + std::string(name);
    // The next argument (or the `=value` part) as this flag's value.
    auto take_value = [&]() -> std::optional<std::string_view> {
      if (inline_value) return inline_value;
      if (i + 1 < args.size()) return args[++i];
      return std::nullopt;
    };
    auto no_value = [&]() { return error(flag + " needs a value"); };
    std::string key = normalize(name);
    if (key == "once" || key == "available_now") {
      if (inline_value) return error(flag + " takes no value");
      (key == "once" ? once : available_now) = true;
    } else if (key == "batch") {
      auto v = take_value();
      if (!v) return no_value();
      auto d = parse_duration(*v);
      if (!d || d->micros <= 0)
        return error("invalid value for --batch: '" + std::string(*v) + "' (expected a duration like 500ms, 1s, 2m)");
      o.batch_us = d->micros;
    } else if (key == "threads" || key == "max_batches" || key == "snapshot_every") {
      auto v = take_value();
      if (!v) return no_value();
      auto n = flag_int(*v);
      if (!n || *n < 1 || *n > (key == "threads" ? 1024 : INT64_MAX))
        return error("invalid value for " + flag + ": '" + std::string(*v) + "' (expected a positive integer)");
      (key == "threads" ? o.threads : key == "max_batches" ? o.max_batches : o.snapshot_every) = *n;
    } else if (key == "checkpoint" || key == "progress") {
      auto v = take_value();
      if (!v) return no_value();
      if (v->empty()) return error(flag + " needs a non-empty value");
      (key == "checkpoint" ? o.checkpoint : o.progress) = std::string(*v);
    } else if (key == "ui") {
      auto v = take_value();
      if (!v) return no_value();
      if (std::string why = parse_ui_address(*v, o.ui_host, o.ui_port); !why.empty())
        return error("invalid value for --ui: '" + std::string(*v) + "' (" + why + ")");
    } else if (auto it = param_names.find(key); it != param_names.end()) {
      ParamValue& pv = o.params[it->second];
      std::optional<std::string_view> v;
      if (pv.kind == ParamKind::Bool && !inline_value) {
        // `--verbose` alone means true; `--verbose false` is also accepted.
        if (i + 1 < args.size() && flag_bool(args[i + 1])) v = args[++i];
        else v = "true";
      } else {
        v = take_value();
      }
      if (!v) return no_value();
      if (std::string why = set_param(pv, *v); !why.empty())
        return error("invalid value for " + flag + ": '" + std::string(*v) + "' (" + why + ")");
    } else {
      return error("unknown option '" + flag + "' (see --help)");
    }
  }
  if (once && available_now) return error("--once and --available-now cannot be used together");
  o.mode = once ? RunMode::Once : available_now ? RunMode::AvailableNow : spec.run_mode;
  return cl;
}

std::string usage(const ProgramSpec& spec) {
  std::string out = "usage: " + spec.name + " [options]\n";
  if (!spec.source_path.empty()) out += "\nCompiled by streamc from " + spec.source_path + ".\n";
  auto row = [&out](std::string left, std::string_view right) {
    out += "  " + left;
    out.append(left.size() < 26 ? 26 - left.size() : 1, ' ');
    out.append(right);
    out += "\n";
  };
  if (!spec.params.empty()) {
    out += "\nParameters:\n";
    for (const ParamSpec& p : spec.params) {
      std::string shown = p.kind == ParamKind::String ? to_json(p.default_text) : p.default_text;
      row("--" + p.name + " " + param_kind_name(p.kind), "(default: " + shown + ")");
    }
  }
  std::string batch;
  append_duration(batch, Duration{spec.batch_us});
  out += "\nOptions:\n";
  row("--batch DURATION", "batch interval, e.g. 500ms, 1s, 2m (default: " + batch + ")");
  row("--threads N", "worker threads (default: " + std::to_string(spec.threads) + ")");
  row("--checkpoint DIR", "checkpoint directory" + (spec.checkpoint.empty() ? std::string() : " (default: " + spec.checkpoint + ")"));
  row("--once", "run one batch over all data available now, then exit");
  row("--available-now", "run batches until the data available at start is processed, then exit");
  row("--max-batches N", "stop after N batches");
  row("--snapshot-every N", "with a checkpoint: a full state snapshot every N batches, deltas between (default: 10)");
  row("--progress FILE|-", "write one JSON progress line per batch (- for stdout)");
  row("--ui [HOST:]PORT", "serve /metrics, /progress, /healthz and a live page (host default: 127.0.0.1)" +
                              (spec.ui.empty() ? std::string() : " (default: " + spec.ui + ")"));
  row("--help", "show this help and exit");
  return out;
}

}  // namespace streamc::rt
