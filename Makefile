# Thin wrapper over CMake: `make`, `make demo`, `make test`, `make bench`,
# `make install PREFIX=…`. Every target installs missing Debian packages
# first (scripts/install-deps.sh is idempotent and quick when all are there).
BUILD   ?= build
JOBS    ?= 2
PREFIX  ?= /usr/local
SAN_BUILD ?= build-sanitize
CMAKE_FLAGS ?=

.PHONY: all deps build demo test bench install clean fuzz test-sanitize

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja:
	@bash scripts/install-deps.sh
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@bash examples/demo.sh $(BUILD)

# Every ctest entry, then the sanitizer subset (test-sanitize below). As
# tests/CMakeLists.txt's RESOURCE_GROUPS ask, ctest runs a test that computes
# on each of the JOBS cores and, beside them, up to WAITS tests that mostly
# wait on a broker or a database. Meanwhile the sanitizer build runs at the
# lowest priority (nice 19), on the CPU time the tests leave idle; its log is
# $(SAN_BUILD)/build-during-ctest.log, and test-sanitize finishes it.
WAITS ?= 4
test: build $(SAN_BUILD)/build.ninja
	printf '{"version":{"major":1,"minor":0},"local":[{"cores":[{"id":"0","slots":%d}],"waits":[{"id":"0","slots":%d}]}]}\n' \
	  $(JOBS) $(WAITS) > $(BUILD)/ctest-resources.json
	nice -n 19 cmake --build $(SAN_BUILD) -j $(JOBS) --target runtime_tests > $(SAN_BUILD)/build-during-ctest.log 2>&1 & \
	  background=$$!; \
	  (cd $(BUILD) && ctest --output-on-failure -j $$(( $(JOBS) + $(WAITS) )) --resource-spec-file ctest-resources.json); \
	  status=$$?; wait $$background; exit $$status
	$(MAKE) test-sanitize

bench: build
	@bash bench/run.sh $(BUILD)

# The code built with ASan and UBSan by clang, with libFuzzer's coverage, in
# $(SAN_BUILD): `make fuzz` runs every libFuzzer target in fuzz/ for
# FUZZ_SECONDS each (fuzz/run.sh).
FUZZ_SECONDS ?= 60

$(SAN_BUILD)/build.ninja:
	@bash scripts/install-deps.sh
	cmake -S . -B $(SAN_BUILD) -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DSTREAMC_SANITIZE=ON $(CMAKE_FLAGS)

# The runtime's unit tests under ASan+UBSan, then a fast subset of golden,
# recovery and strict cases whose programs are compiled with the same
# sanitizers against that runtime (scripts/test-sanitize.sh); make test runs it.
test-sanitize: build $(SAN_BUILD)/build.ninja
	cmake --build $(SAN_BUILD) -j $(JOBS) --target runtime_tests
	JOBS=$(JOBS) bash scripts/test-sanitize.sh $(SAN_BUILD) $(BUILD)

fuzz: deps $(SAN_BUILD)/build.ninja
	cmake --build $(SAN_BUILD) -j $(JOBS) --target fuzz_targets
	bash fuzz/run.sh $(SAN_BUILD) $(FUZZ_SECONDS)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(SAN_BUILD)

# Editor support: the VS Code extension (grammar/vscode) packaged with vsce
# into $(BUILD)/streamc-sdl.vsix; `code --install-extension` installs it.
.PHONY: vsix
vsix: deps
	bash grammar/vscode/scripts/build-vsix.sh $(BUILD)/streamc-sdl.vsix
