// streamc command line; see driver/cli.cpp.
int main() { return 0; }
