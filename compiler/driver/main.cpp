// streamc: compiles an SDL pipeline into a native binary. See driver/cli.cpp.
#include "driver/cli.hpp"

int main(int argc, char** argv) { return streamc::driver::run_cli(argc, argv); }
