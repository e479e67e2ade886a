// `streamc lsp`: the language server over stdio, fed by the real front end.
#include <iostream>

namespace streamc::driver {

int run_lsp_main() {
  std::cerr << "streamc: error: the language server is not available in this build\n";
  return 3;
}

}  // namespace streamc::driver
