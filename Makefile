# SPDX-License-Identifier: LGPL-2.1-or-later
# The front door: `make run` and `make test` install what is missing, build, and do the thing.

BUILD ?= build
MESON_TEST_ARGS ?= --print-errorlogs --no-suite failover
DEMO_ARGS ?=

.PHONY: all deps build run demo test failover bench soak check-sanitizers fuzz format format-check inspect clean

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: deps $(BUILD)/build.ninja
	meson compile -C $(BUILD)

# sluiced on 127.0.0.1:8080 with its database in ./var, seeded with demo channels on test://
# sources on first start.
RUN_ARGS ?= --listen 127.0.0.1:8080
run: build
	mkdir -p var
	meson devenv -C $(BUILD) ./daemon/sluiced --state-dir $(CURDIR)/var --demo $(RUN_ARGS)

# The cmafsink demo: a live test pattern packaged in memory and served on 127.0.0.1:8080.
demo: build
	meson devenv -C $(BUILD) ./tools/sluice-demo $(DEMO_ARGS)

# The browser test's players (playwright-core, hls.js, dash.js) as tests/browser/package-lock.json
# pins them: installed when missing or older than the lock. npm's marker of a finished install is
# the target. Without them (offline, say) the browser test skips rather than failing.
BROWSER_PLAYERS = tests/browser/node_modules/.package-lock.json
$(BROWSER_PLAYERS): tests/browser/package-lock.json | deps
	npm ci --prefix tests/browser --no-audit --no-fund \
		|| echo "make: npm ci failed: the browser test will skip"

test: build $(BROWSER_PLAYERS)
	meson test -C $(BUILD) $(MESON_TEST_ARGS)

# Long-running benchmarks, not part of `make test`: repackaging a file (cmafsink against
# ffmpeg and mp4mux), then the live engine (cold start, .ts join, fan-out against nginx, CPU
# per channel against ffmpeg).
bench: build
	@./scripts/install-deps.sh --bench
	./tests/bench/repackage.sh $(BUILD)
	./tests/bench/engine.sh $(BUILD)

# Failover as players live it (tests/browser/failover.mjs): hls.js, ffprobe on HLS and on .ts
# while a channel's primary resets, 404s and stalls and comes back; about 2.5 minutes.
failover: build $(BROWSER_PLAYERS)
	meson test -C $(BUILD) --print-errorlogs --suite failover

# An hour of sluiced as a NAS runs it (3 channels, 200 HLS and 20 .ts clients, an upstream
# killed every 5 minutes), then 200 channels started and torn down mid-download under a second
# CPU load. Not part of `make test`; SOAK_ARGS="--duration 600" for a shorter run.
SOAK_ARGS ?=
soak: build
	@./scripts/install-deps.sh --bench
	./tests/soak/soak.py $(BUILD) $(SOAK_ARGS)

# The whole suite (but the browser's, whose Chromium cannot run under a preloaded ASan) built
# with AddressSanitizer and UndefinedBehaviorSanitizer. ASan is preloaded so that the
# uninstrumented programs the tests start (gst-launch-1.0 loading our plugin) can load it;
# leaks are not checked (GStreamer keeps its registry and types for the process's life). No
# -Werror: GCC 12 warns falsely (maybe-uninitialized inside std::regex) under ASan at -O2.
SAN_BUILD ?= build-san
SAN_TEST_ARGS ?= --no-suite browser
SAN_ENV = LD_PRELOAD=$$(gcc -print-file-name=libasan.so) \
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:detect_odr_violation=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
check-sanitizers: deps
	test -f $(SAN_BUILD)/build.ninja || \
		meson setup $(SAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false \
			-Dwerror=false
	meson compile -C $(SAN_BUILD)
	$(SAN_ENV) meson test -C $(SAN_BUILD) --print-errorlogs --timeout-multiplier 3 \
		$(SAN_TEST_ARGS)

# gst-inspect-1.0 against the build tree, e.g. `make inspect ELEMENT=cmafsink`.
ELEMENT ?= cmafsink
inspect: build
	meson devenv -C $(BUILD) gst-inspect-1.0 $(ELEMENT)

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

format-check:
	git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run -Werror

clean:
	rm -rf $(BUILD)
