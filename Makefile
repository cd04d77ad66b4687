# Thin wrapper over CMake. `make demo` and `make test` are the README's two commands.
BUILD ?= build
CMAKE_ARGS ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all deps build demo test test-fast test-long test-asan test-deb install deb bench \
	bench-scale bench-serve fuzz format format-check clean

all: build

deps:
	@sh scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS) >/dev/null

# The build log goes to $(BUILD)/build.log; it is printed only when the build fails.
build: deps $(BUILD)/CMakeCache.txt
	@echo "building in $(BUILD)/ ..."
	@cmake --build $(BUILD) -j $(JOBS) > $(BUILD)/build.log 2>&1 || { cat $(BUILD)/build.log; exit 1; }

demo: build
	@sh scripts/demo.sh $(BUILD)

# Every test but the long reliability runs (label "long": make test-long).
test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE long $(CTEST_ARGS)

# Install programs, libkofts.so, kofts.h, kofts.pc, man pages and bash completion under
# $(PREFIX) (default /usr/local), staged under $(DESTDIR) when given.
install: build
	@DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

# A Debian package from the same install rules: $(BUILD)/packages/kofts_*.deb.
deb: build
	@cd $(BUILD) && cpack -G DEB -B packages

# Builds the .deb; as root with KOFTS_TEST_DPKG=1 (CI) also installs it with dpkg -i and
# runs /usr/bin/kofts-search. Label deb (also long, so plain `ctest -LE long` skips it).
test-deb: build
	@cd $(BUILD) && ctest --output-on-failure -L deb

# CI's first step: everything but the tests labelled slow (those run in test-long).
test-fast: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE 'slow|deb'

# The long reliability runs: full SIGKILL/SIGINT counts, 1 GiB line, 100,000 files...
test-long: build
	@cd $(BUILD) && ctest --output-on-failure -L long

# clang-format (.clang-format) over every tracked C/C++ file: rewrite, or check (CI).
format:
	@git ls-files '*.c' '*.h' '*.cc' | xargs clang-format -i

format-check: deps
	@sh scripts/check-format.sh

# libFuzzer targets (clang), each for FUZZ_SECONDS; exits 1 on any finding.
FUZZ_SECONDS ?= 60
fuzz: deps
	@sh scripts/fuzz.sh $(FUZZ_SECONDS)

# Sanitizer build (ASan + UBSan) in its own folder; runs unit, golden and integration tests.
test-asan: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DKOFTS_WERROR=ON \
	  "-DKOFTS_SANITIZE=address;undefined" -DKOFTS_BUILD_BENCH=OFF >/dev/null
	@echo "building in build-asan/ (ASan + UBSan) ..."
	@cmake --build build-asan -j $(JOBS) > build-asan.log 2>&1 || { cat build-asan.log; exit 1; }
	@cd build-asan && ctest --output-on-failure -j $(JOBS) -LE 'slow|deb'

bench: build
	@sh bench/run-bench.sh $(BUILD)

bench-scale: build
	@sh bench/run-scale.sh $(BUILD)

# kofts-serve under wrk (10 s at 1, 4, 16, 64 connections) next to kofts-search --batch.
bench-serve: build
	@sh bench/serve-load.sh $(BUILD)

clean:
	rm -rf $(BUILD) build-asan
