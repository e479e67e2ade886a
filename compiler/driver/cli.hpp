// The `streamc` command line.
#pragma once

namespace streamc::driver {

int run_cli(int argc, char** argv);

}  // namespace streamc::driver
