#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs the Debian 12 packages Sluice needs to build, test and benchmark.
# Idempotent: asks apt only for what is missing, and runs apt-get update at most once.
set -euo pipefail

packages=(
	# build
	meson ninja-build pkg-config g++ clang libclang-rt-14-dev clang-format
	libglib2.0-dev libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libsoup-3.0-dev
	libgtest-dev libsqlite3-dev libjson-glib-dev libsystemd-dev
	# runtime elements used by tests, demo and benchmarks
	gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
	gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-x
	ffmpeg time
	# real IPTV players the tests run: mpv, and VLC (its command-line player and base plugins)
	mpv vlc-bin vlc-plugin-base
	# the browser test: Debian's Chromium, driven by playwright-core from npm
	chromium
)

# `install-deps.sh --bench` (make bench) adds the live engine benchmark's load generator and
# reference static server; nginx is run by the benchmark itself on a loopback port.
if [ "${1:-}" = "--bench" ]; then
	packages+=(wrk nginx curl)
fi

# Node.js may come from elsewhere (NodeSource ships npm inside its nodejs package, which
# conflicts with Debian's npm): Debian's packages only for a command that is missing. The browser
# test needs node 20 or newer (playwright-core) and skips on older ones.
if ! command -v node >/dev/null; then
	packages+=(nodejs)
fi
if ! command -v npm >/dev/null; then
	packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Debian starts nginx's system service on installation; the benchmark runs its own nginx on a
# loopback port, so a service that this script just installed is stopped and left disabled.
if [[ " ${missing[*]} " == *" nginx "* ]] && [ -d /run/systemd/system ]; then
	$sudo systemctl disable --now nginx.service >/dev/null 2>&1 || true
fi
