# The two set-up commands of the README (`make demo`, `make test`) and the benchmarks.
# Each installs what it needs first (scripts/install-deps is idempotent).

JOBS ?= $(shell nproc)
CMAKE_BUILD = cmake --build --preset

.PHONY: all deps build demo test test-release test-asan test-fuzz bench clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake --preset release >/dev/null
	@$(CMAKE_BUILD) release -j $(JOBS)

# The demo needs only the churnwatch binary, not the tests and benchmarks.
demo:
	@scripts/install-deps demo
	@cmake --preset release >/dev/null
	@$(CMAKE_BUILD) release -j $(JOBS) --target churnwatch
	@scripts/demo

# Release build with warnings as errors, against SQLite and a throwaway PostgreSQL server,
# then the whole suite once more under AddressSanitizer + UndefinedBehaviorSanitizer, then
# each libFuzzer target (CSV reader, mapping parser, rule parser) for 15 seconds.
test: deps test-release test-asan test-fuzz

test-release:
	@cmake --preset release >/dev/null
	@$(CMAKE_BUILD) release -j $(JOBS)
	@scripts/with-postgres ctest --test-dir build/release --output-on-failure -j $(JOBS)

test-asan:
	@cmake --preset asan >/dev/null
	@$(CMAKE_BUILD) asan -j $(JOBS)
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  scripts/with-postgres ctest --test-dir build/asan --output-on-failure -j $(JOBS) -LE slow

test-fuzz:
	@JOBS=$(JOBS) scripts/fuzz 15

bench:
	@scripts/install-deps bench
	@cmake --preset release >/dev/null
	@$(CMAKE_BUILD) release -j $(JOBS)
	@scripts/bench

clean:
	rm -rf build
