# Thin wrapper around CMake. `make run` and `make test` are all a newcomer needs.
JOBS ?= $(shell nproc)
# Paths under this folder enter ccache's keys relative to it, so clones share the cache.
export CCACHE_BASEDIR := $(CURDIR)
# Debug builds carry -g, which would put the build directory into every key; leave it out.
export CCACHE_NOHASHDIR := 1
RELEASE_DIR := build/release
DEBUG_DIR := build/debug
FUZZ_DIR := build/fuzz
# Seconds per libFuzzer target: `make fuzz` is the short form, `make fuzz FUZZ_SECONDS=600`
# the long one. FUZZ=0 leaves fuzzing out of `make test`.
FUZZ_SECONDS ?= 5
FUZZ ?= 1
CMAKE_GEN := -G Ninja

.PHONY: all deps deps-build deps-bench release debug run test unit integration soak bench fuzz fmt lint clean

all: release

deps:
	@scripts/install-deps

deps-build:
	@scripts/install-deps --build-only

deps-bench:
	@scripts/install-deps --bench

$(RELEASE_DIR)/build.ninja:
	cmake -S . -B $(RELEASE_DIR) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release -DRIVULET_TESTS=OFF -DRIVULET_BENCH=ON

$(DEBUG_DIR)/build.ninja:
	cmake -S . -B $(DEBUG_DIR) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DRIVULET_SANITIZE=ON -DRIVULET_TESTS=ON

release: $(RELEASE_DIR)/build.ninja
	cmake --build $(RELEASE_DIR) -j $(JOBS)

debug: $(DEBUG_DIR)/build.ninja
	cmake --build $(DEBUG_DIR) -j $(JOBS)

# Builds a Release binary and serves on 127.0.0.1:8080 with ./data/rivulet.db and a demo
# workspace. RIVULET_* environment variables override settings (rivulet serve --help);
# RUN_BUILD=debug serves the sanitizer build instead (the newcomer test uses it).
RUN_BUILD ?= release
run: deps-build build/$(RUN_BUILD)/build.ninja
	cmake --build build/$(RUN_BUILD) -j $(JOBS) --target rivulet
	@mkdir -p data
	build/$(RUN_BUILD)/rivulet serve --demo

$(FUZZ_DIR)/build.ninja:
	CXX=clang++ cmake -S . -B $(FUZZ_DIR) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DRIVULET_FUZZ=ON -DRIVULET_TESTS=OFF

# Installs, builds with ASan+UBSan and runs every unit and integration test, then (with clang
# and FUZZ=1) every fuzz target for FUZZ_SECONDS.
test: deps debug
	cd $(DEBUG_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 900
	@if [ "$(FUZZ)" = 1 ] && command -v clang++ >/dev/null; then $(MAKE) fuzz; \
	 else echo "fuzzing skipped (FUZZ=$(FUZZ); clang++ $$(command -v clang++ || echo missing))"; fi

# libFuzzer targets (test/fuzz/) from their seed corpus, FUZZ_SECONDS each.
fuzz: $(FUZZ_DIR)/build.ninja
	cmake -S . -B $(FUZZ_DIR) -DRIVULET_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_targets
	cd $(FUZZ_DIR) && ctest --output-on-failure -L fuzz

unit: debug
	cd $(DEBUG_DIR) && ctest --output-on-failure -j $(JOBS) -E '^integration'

# Long forms of the reliability suites (docs/reliability.md): crash consistency over 20,000
# tokens with 20 kills, hostile HTTP with thousands of connections. SOAK_BUILD=debug runs
# them on the sanitizer build (much slower).
SOAK_BUILD ?= release
soak: deps build/$(SOAK_BUILD)/build.ninja
	cmake --build build/$(SOAK_BUILD) -j $(JOBS) --target rivulet
	cd test/integration && RIVULET_SOAK=1 RIVULET_BIN=$(CURDIR)/build/$(SOAK_BUILD)/rivulet \
	  /usr/bin/python3 -m unittest -v test_crash_consistency test_hostile_http
	cd test/integration && RIVULET_SOAK=1 RIVULET_TEST_BACKEND=postgres \
	  RIVULET_BIN=$(CURDIR)/build/$(SOAK_BUILD)/rivulet \
	  /usr/bin/python3 -m unittest -v test_crash_consistency

bench: deps-bench release
	bench/run-all

fmt:
	clang-format -i $$(git ls-files '*.h' '*.cc')

lint: $(DEBUG_DIR)/build.ninja
	clang-format --dry-run --Werror $$(git ls-files '*.h' '*.cc')
	clang-tidy -p $(DEBUG_DIR) --quiet $$(git ls-files 'src/*.cc')

clean:
	rm -rf build
