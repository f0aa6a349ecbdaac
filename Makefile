# parallax - the two commands a newcomer needs are `make demo` and
# `make check`; both install what is missing first (Debian packages, by name).

BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz

# Debian 12 packages the build, the tests and the demo need.
DEPS = gcc make meson ninja-build pkg-config python3 python3-pytest python3-yaml \
       libsodium-dev libssl-dev libcurl4-openssl-dev libjansson-dev \
       libsqlite3-dev libmicrohttpd-dev libicu-dev libcsv-dev gdal-bin \
       golang-go golang-golang-x-mod-dev openssl curl chromium nodejs
FUZZ_DEPS = clang libclang-rt-14-dev

.PHONY: all deps build check demo bench fuzz clean

all: build

deps:
	@sh tools/install-deps.sh $(DEPS)

build: deps
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) --buildtype=debugoptimized
	ninja -C $(BUILD)

check: deps
	sh tests/check.sh $(BUILD) $(ASAN_BUILD)

demo: build
	sh tools/serve-demo.sh $(BUILD)

bench: build
	sh bench/run.sh $(BUILD)

fuzz: deps
	@sh tools/install-deps.sh $(FUZZ_DEPS)
	@[ -f $(FUZZ_BUILD)/build.ninja ] || CC=clang meson setup $(FUZZ_BUILD) \
		-Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C $(FUZZ_BUILD)
	sh tests/fuzz/run.sh $(FUZZ_BUILD) $${FUZZ_SECONDS:-60}

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
