# The two commands a newcomer needs: `make run` and `make test`.
# Both install missing Debian packages first, then build incrementally.
JOBS ?= $(shell nproc)
STATE_DIR ?= var
PORT ?= 2121
NODES ?= 2
CMAKE_FLAGS ?=
ifdef CI
  CMAKE_FLAGS += -DFLEETFTP_WERROR=ON
endif

.PHONY: all deps build build-test run test unit integration clean bench

all: build

deps:
	@scripts/install-deps

# Optimised build: build/fleetftp.
build: deps
	@cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLEETFTP_TESTS=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build build -j $(JOBS)

# Test build: sanitizers (ASan/UBSan) and warnings as errors.
build-test: deps
	@cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFLEETFTP_SANITIZE=ON -DFLEETFTP_WERROR=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-test -j $(JOBS)

# Starts a master and $(NODES) nodes on loopback; Ctrl-C stops them.
run: build
	@build/fleetftp up --state-dir $(STATE_DIR) --port $(PORT) --nodes $(NODES)

test: build-test
	@cd build-test && ctest --output-on-failure -j $(JOBS)

unit: build-test
	@cd build-test && ctest --output-on-failure -L unit -j $(JOBS)

integration: build-test
	@cd build-test && ctest --output-on-failure -L integration

# Performance comparison with vsftpd, pure-ftpd, proftpd and pyftpdlib on
# loopback (about 20 minutes; BENCH_* variables make it smaller, see
# docs/PERFORMANCE.md). Needs root: it adds system users and starts servers.
bench: build
	@scripts/bench/setup-peers
	@$(if $(filter 0,$(shell id -u)),,sudo -E) scripts/bench/run

# Metadata at scale: master start, memory, LIST and STOR with META_ENTRIES
# (default 10 million) entries in the namespace, against a small one. Takes
# about half an hour and a few GB under bench/ (see docs/PERFORMANCE-METADATA.md).
.PHONY: bench-meta
bench-meta: build
	@scripts/bench/meta-scale

clean:
	rm -rf build build-test
