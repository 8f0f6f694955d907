# gsomia: the two commands of the README, and the builds behind them.
#   make demo   build, then run the demo: three nodes share the tracks of
#               a missile over Japan (DEMO_FLAGS="--speed 30" to hurry)
#   make test   build, run every test; then again under ASan+UBSan; fuzz smoke
#   make fuzz   build the libFuzzer targets (FUZZ_SECONDS=N make fuzz-run)
#   make bench  build, then run the benchmarks (they print figures)
#   make bench-track  run every scenario over 100 seeds and print the
#               tracking figures (BENCH_FLAGS="--seeds 10" for a quick run)
#   make format  lay out every C file with clang-format (.clang-format)
# Each target installs missing Debian packages first (scripts/install-deps).

BUILD        ?= build
ASAN_BUILD   ?= build-asan
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 10
CMAKE_FLAGS  ?=
JOBS         ?= $(shell nproc)

.PHONY: all deps build demo test test-plain test-asan fuzz fuzz-run bench \
        bench-track format clean

all: build

deps:
	@scripts/install-deps

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DGSOMIA_WERROR=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	./$(BUILD)/gsomia demo $(DEMO_FLAGS)

test: test-plain test-asan fuzz-run

test-plain: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-asan: deps
	CC=clang-14 cmake -S . -B $(ASAN_BUILD) -G Ninja \
	    -DCMAKE_BUILD_TYPE=Debug -DGSOMIA_WERROR=ON -DGSOMIA_SANITIZE=ON \
	    $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	GSOMIA_TEST_SPEED=16 \
	    ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

fuzz: deps
	CC=clang-14 cmake -S . -B $(FUZZ_BUILD) -G Ninja \
	    -DCMAKE_BUILD_TYPE=Debug -DGSOMIA_WERROR=ON -DGSOMIA_FUZZ=ON \
	    $(CMAKE_FLAGS)
	cmake --build $(FUZZ_BUILD) -j $(JOBS)

# A short run of every fuzz target from its seed corpus; new inputs go to
# $(FUZZ_BUILD)/corpus, never into the committed seeds.
fuzz-run: fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz-smoke $(FUZZ_BUILD)

# Benchmarks print figures; they are not tests.
bench: build
	./$(BUILD)/bench/bench_store
	bench/federation.sh $(BUILD) .
	bench/warning.sh $(BUILD)

BENCH_FLAGS ?=
DEMO_FLAGS ?=

bench-track: build
	./$(BUILD)/bench/bench_track $(BENCH_FLAGS)

format:
	git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
