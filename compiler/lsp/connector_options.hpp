// Inside a connector's call (`kafka("events", |)`), the language server
// offers that connector's options in the declaration's role and explains
// the one under the cursor, from the connector registry
// (sema/registry.hpp), so an option added there is completed and explained
// without touching this file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lsp/lsp_server.hpp"
#include "sema/registry.hpp"

namespace streamc::lsp {

struct ConnectorCall {
  const sema::ConnectorSpec* connector = nullptr;
  sema::ConnectorRole role = sema::kSourceRole;
};

// The connector call whose parentheses are open at `offset`, in a `source`,
// `table` or `sink` declaration; nullopt elsewhere (comments and strings
// skipped, a call inside an option's value is not the connector's).
std::optional<ConnectorCall> connector_call_at(const std::string& text, uint32_t offset);

// The options of that call's connector in its role, as completion items.
std::vector<CompletionEntry> option_completions(const ConnectorCall& call);

// The markdown for the option name at `offset` (`starting` in `starting:
// earliest`) inside a connector call; nullopt when the word there is not one.
std::optional<std::string> option_hover(const std::string& text, uint32_t offset);

}  // namespace streamc::lsp
