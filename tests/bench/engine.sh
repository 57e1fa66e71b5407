#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 Sluice authors
#
# Live engine benchmark: what a viewer waits for and what a channel costs, each measured
# against a reference in the same run.
#
#   1. cold start    GET /live/p/C.m3u8 of a stopped channel until its first segment is
#                    fetched (goal < 1.5 s)
#   2. warm .ts join a new .ts client of a running channel: first byte and first keyframe
#                    packet (goal < 100 ms)
#   3. fan-out       500 wrk connections following one live channel's newest segment, and
#                    polling its media playlist, against nginx serving the same bytes from a
#                    copy (goals: >= 0.7x nginx's requests/s, p99 < 50 ms)
#   4. CPU           sluiced repackaging one channel for one HLS player against ffmpeg doing
#                    the same job (-c copy -f hls), CPU seconds from /proc; a transcoded
#                    channel against ffmpeg's libx264 when this build transcodes
#
# Usage: tests/bench/engine.sh [BUILD_DIR]      (make bench)
#   BENCH_COLD_RUNS      cold starts per source phase (default 5)
#   BENCH_JOINS          warm .ts joins (default 20)
#   BENCH_CONNECTIONS    wrk connections (default 500)
#   BENCH_FANOUT_SECONDS length of each wrk run (default 15)
#   BENCH_CPU_SECONDS    length of the repackaging CPU measurement (default 60)
#   BENCH_TX_SECONDS     length of each transcoding CPU measurement (default 30)
#
# The source is a 720p30 H.264/AAC MPEG-TS with 1 s GOPs, generated once into BUILD_DIR/bench/
# and served over HTTP at real-time pace by engine_client.py. Goals are printed with PASS or
# MISS; a miss never fails the script (only a broken setup does). Every process started here is
# stopped on exit.
set -euo pipefail

BUILD=$(cd "${1:-build}" && pwd)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SLUICED=$BUILD/daemon/sluiced
CACHE=$BUILD/bench
SOURCE_SECONDS=180
INPUT=$CACHE/live-720p30-h264-aac-gop1s-${SOURCE_SECONDS}s.ts
COLD_RUNS=${BENCH_COLD_RUNS:-5}
JOINS=${BENCH_JOINS:-20}
CONNECTIONS=${BENCH_CONNECTIONS:-500}
FANOUT_SECONDS=${BENCH_FANOUT_SECONDS:-15}
CPU_SECONDS=${BENCH_CPU_SECONDS:-60}
TX_SECONDS=${BENCH_TX_SECONDS:-30}
CLK_TCK=$(getconf CLK_TCK)

die() { echo "engine.sh: $*" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
for tool in ffmpeg wrk python3 curl "$NGINX"; do
	command -v "$tool" >/dev/null || die "$tool is not installed (make deps)"
done
[ -x "$SLUICED" ] || die "$SLUICED is not built (make build)"

# The helpers; started in the background with `exec` so that $! is the Python process itself.
client() { python3 "$HERE/engine_client.py" "$@"; }

mkdir -p "$CACHE"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluice-bench-engine-XXXXXX")
PIDS=()
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$WORK" "${OUT:-}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# value KEY < key=value lines
value() { sed -n "s/^$1=//p" | head -n 1; }
# median < numbers, one per line
median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# percentile P < numbers (nearest rank)
percentile() {
	sort -g | awk -v p="$1" '{ v[NR] = $1 } END { i = int(NR * p / 100 + 0.999999); if (i < 1) i = 1; print v[i] }'
}
# verdict VALUE GOAL lt|ge
verdict() {
	awk -v v="$1" -v g="$2" -v op="$3" 'BEGIN {
		ok = (op == "lt") ? v < g : v >= g; print (v == "nan" ? "n/a" : ok ? "PASS" : "MISS") }'
}
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

if [ ! -s "$INPUT" ]; then
	echo "Generating $INPUT (once; ${SOURCE_SECONDS} s of 720p30, 1 s GOPs, ~4.5 Mb/s)..."
	# CBR video and a fixed mux rate: the bytes are spread evenly over time, so pacing the
	# file by bytes paces it by its clock.
	ffmpeg -nostdin -hide_banner -v error -stats \
		-f lavfi -i "testsrc2=size=1280x720:rate=30" \
		-f lavfi -i "sine=frequency=1000:sample_rate=48000" \
		-t "$SOURCE_SECONDS" -map 0:v -map 1:a \
		-c:v libx264 -preset ultrafast -pix_fmt yuv420p \
		-b:v 4M -minrate 4M -maxrate 4M -bufsize 4M -x264-params nal-hrd=cbr \
		-g 30 -keyint_min 30 -sc_threshold 0 \
		-c:a aac -b:a 128k -ac 2 -muxrate 4500k \
		-f mpegts "$INPUT.part"
	mv "$INPUT.part" "$INPUT"
fi

# -- processes -------------------------------------------------------------------------------

(exec python3 "$HERE/engine_client.py" serve "$INPUT" "$SOURCE_SECONDS" >"$WORK/source.out" 2>"$WORK/source.err") &
PIDS+=($!)
for _ in $(seq 50); do
	SOURCE_PORT=$(value port <"$WORK/source.out")
	[ -n "$SOURCE_PORT" ] && break
	sleep 0.1
done
[ -n "$SOURCE_PORT" ] || die "the TS source did not start: $(cat "$WORK/source.err")"
SOURCE=http://127.0.0.1:$SOURCE_PORT/live.ts

# Hermetic GStreamer for sluiced: a registry of its own, scanned before anything is timed.
export GST_REGISTRY_1_0=$CACHE/registry-engine.bin
unset GST_PLUGIN_PATH GST_PLUGIN_PATH_1_0
gst-inspect-1.0 fakesink >/dev/null 2>&1 || true

# start_sluiced NAME: a sluiced of its own (state, config, log under $WORK/NAME); sets
# SLUICED_PID and BASE.
start_sluiced() {
	local name=$1 port=""
	mkdir -p "$WORK/$name"
	# 1 s segments; an idle channel stops 5 s after its last client is gone.
	printf '[live]\nsegment_duration=1\nchannel_idle_timeout=5\n' >"$WORK/$name.conf"
	env -u SLUICE_CONFIG -u SLUICE_LISTEN -u SLUICE_STATE_DIR -u SLUICE_API_TOKEN \
		-u SLUICE_DEMO -u SLUICE_LOG_LEVEL -u NOTIFY_SOCKET -u WATCHDOG_USEC \
		"$SLUICED" --config "$WORK/$name.conf" --listen 127.0.0.1:0 \
		--state-dir "$WORK/$name" >"$WORK/$name.log" 2>&1 &
	SLUICED_PID=$!
	PIDS+=("$SLUICED_PID")
	for _ in $(seq 200); do
		port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$WORK/$name.log" | head -n 1)
		[ -n "$port" ] && break
		kill -0 "$SLUICED_PID" 2>/dev/null || die "sluiced exited: $(cat "$WORK/$name.log")"
		sleep 0.1
	done
	[ -n "$port" ] || die "sluiced did not start: $(cat "$WORK/$name.log")"
	BASE=http://127.0.0.1:$port
}
stop() { # PID
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

api_post() { # PATH JSON -> the new object's id
	curl -sS --fail-with-body -H 'Content-Type: application/json' -d "$2" "$BASE$1" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'
}
add_channel() { api_post /api/v1/channels "{\"name\":\"$1\",\"stream_url\":\"$2\"}"; }
add_proxy() { # NAME PROFILE_ID|0 CHANNEL_ID...
	local name=$1 profile=$2 ids
	shift 2
	ids=$(IFS=,; echo "$*")
	local extra=""
	[ "$profile" != 0 ] && extra=",\"profile_id\":$profile"
	api_post /api/v1/proxies "{\"name\":\"$name\",\"channel_ids\":[$ids]$extra}" >/dev/null
}

echo "Live engine benchmark: $(nproc) CPUs, sluiced $SLUICED"
echo "Source: $(basename "$INPUT") ($(du -h "$INPUT" | cut -f1)), served at real-time pace on $SOURCE"
echo "        (each connection joins at a random point of the first 2 s unless ?join=start);"
echo "        sluiced: segment_duration=1, channel_idle_timeout=5"
echo

# -- 1. cold start -------------------------------------------------------------------------

# The video keyframes' byte positions in the source (cached): with the offset a connection
# joined at, they give the source's own floor for a cold start, the moment the first whole GOP
# has arrived (the first packet of the second keyframe after the join), which no relay can beat.
KEYFRAMES=$INPUT.keyframes
if [ ! -s "$KEYFRAMES" ]; then
	ffprobe -v error -select_streams v:0 -show_entries packet=pos,flags -of csv=p=0 "$INPUT" |
		awk -F, '$2 ~ /K/ { print $1 }' >"$KEYFRAMES.part"
	mv "$KEYFRAMES.part" "$KEYFRAMES"
fi
floor_s() { # CH: seconds from the connection's first byte to its first complete GOP
	sed -n "s/^join ch=$1 offset=\([0-9]*\) tick_bytes=\([0-9]*\)$/\1 \2/p" "$WORK/source.out" |
		tail -n 1 | awk -v list="$KEYFRAMES" -v tick=0.04 '{
			offset = $1; per_tick = $2; k1 = k2 = -1
			while ((getline pos < list) > 0) {
				if (pos < offset) continue
				if (k1 < 0) k1 = pos; else { k2 = pos; break }
			}
			# The data goes out in chunks of per_tick bytes, one chunk per tick from 0 s.
			printf "%.3f\n", int((k2 + 188 - offset - 1) / per_tick) * tick }'
}

echo "1. Cold start: GET /live/p/C.m3u8 of a stopped channel -> master, media playlist, first"
echo "   segment fetched. A distinct channel per run (an HLS client counts as gone only after"
echo "   40 s, so waiting for teardown would take minutes). floor: when the source had sent the"
echo "   first whole GOP after the join point (nothing can serve a 1 s segment before); sluiced's"
echo "   own part is the time beyond it."
start_sluiced cold
COLD_IDS=()
for ((i = 0; i <= COLD_RUNS; i++)); do
	COLD_IDS+=("$(add_channel "random$i" "$SOURCE?join=random&ch=r$i")")
	COLD_IDS+=("$(add_channel "start$i" "$SOURCE?join=start&ch=s$i")")
done
add_proxy p 0 "${COLD_IDS[@]}"
: >"$WORK/cold-random"
: >"$WORK/cold-start"
for ((i = 0; i <= COLD_RUNS; i++)); do
	for kind in random start; do
		id=${COLD_IDS[$((2 * i))]}
		ch=r$i
		if [ "$kind" = start ]; then
			id=${COLD_IDS[$((2 * i + 1))]}
			ch=s$i
		fi
		client cold "$BASE/live/p/$id.m3u8" >"$WORK/cold.out" 2>"$WORK/cold.err" ||
			die "cold start of channel $id failed: $(cat "$WORK/cold.err")
$(tail -n 20 "$WORK/cold.log")"
		playable=$(value playable_s <"$WORK/cold.out")
		master=$(value master_s <"$WORK/cold.out")
		floor=$(floor_s "$ch")
		if [ "$i" = 0 ]; then
			# The daemon's first pipeline also loads GStreamer's plugins: shown, not counted.
			printf '   first channel after daemon start (join=%s, not counted): %.3f s (floor %.3f s)\n' \
				"$kind" "$playable" "$floor"
		else
			echo "$playable $master $floor" >>"$WORK/cold-$kind"
		fi
		sleep 0.5
	done
done
for kind in random start; do
	runs=$(awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $1 }' "$WORK/cold-$kind")
	floors=$(awk '{ printf "%s%.2f", (NR > 1 ? " " : ""), $3 }' "$WORK/cold-$kind")
	med=$(awk '{ print $1 }' "$WORK/cold-$kind" | median)
	med_master=$(awk '{ print $2 }' "$WORK/cold-$kind" | median)
	med_floor=$(awk '{ print $3 }' "$WORK/cold-$kind" | median)
	med_own=$(awk '{ print $1 - $3 }' "$WORK/cold-$kind" | median)
	printf '   join=%-6s runs (s): %s\n' "$kind" "$runs"
	printf '               floor (s): %s\n' "$floors"
	printf '               median %.3f s (master playlist at %.3f s; floor %.3f s; sluiced'"'"'s own part %.3f s)\n' \
		"$med" "$med_master" "$med_floor" "$med_own"
	printf '               goal < 1.5 s: %s\n' "$(verdict "$med" 1.5 lt)"
	eval "COLD_$kind=$med"
	eval "OWN_$kind=$med_own"
done
stop "$SLUICED_PID"
echo

# -- 2. warm .ts join, 3. fan-out -----------------------------------------------------------

start_sluiced live
LIVE=$(add_channel live "$SOURCE?ch=live")
add_proxy p 0 "$LIVE"
client cold "$BASE/live/p/$LIVE.m3u8" >"$WORK/live.out" 2>"$WORK/live.err" ||
	die "the live channel did not start: $(cat "$WORK/live.err")"
curl -sS -N -o /dev/null -A sluice-bench-ts "$BASE/live/p/$LIVE.ts" 2>/dev/null &
TS_CLIENT=$!
PIDS+=("$TS_CLIENT")
sleep 2

echo "2. Warm .ts join: a running channel, one .ts client connected; $JOINS new GET .ts, spread"
echo "   over the GOP. The fan-out sends PAT, PMT, then the cached GOP from its keyframe, so the"
echo "   first byte and the keyframe's first packet (RAI on the video PID) arrive together."
client join "$BASE/live/p/$LIVE.ts" "$JOINS" >"$WORK/join.out" 2>"$WORK/join.err" ||
	die "warm .ts join failed: $(cat "$WORK/join.err")"
stop "$TS_CLIENT"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" "$WORK/join.out"; }
JOIN_KEY=$(field keyframe_ms | median)
printf '   first byte: median %.1f ms, p90 %.1f ms; keyframe packet: median %.1f ms, p90 %.1f ms, max %.1f ms\n' \
	"$(field first_byte_ms | median)" "$(field first_byte_ms | percentile 90)" \
	"$JOIN_KEY" "$(field keyframe_ms | percentile 90)" "$(field keyframe_ms | percentile 100)"
printf '   PAT first: %d/%d, first video PES a keyframe: %d/%d, decision: %s\n' \
	"$(field pat_first | grep -c 1 || true)" "$JOINS" "$(field keyframe_first | grep -c 1 || true)" \
	"$JOINS" "$(field decision | sort -u | tr '\n' ' ')"
printf '   goal < 100 ms: %s\n' "$(verdict "$JOIN_KEY" 100 lt)"
echo

# The same bytes for nginx: the media playlist and its segments, under the same paths.
MEDIA_URL=$(value media_url <"$WORK/live.out")
MEDIA_PATH=${MEDIA_URL#"$BASE"}
WWW=$WORK/www
client snapshot "$MEDIA_URL" "$WWW$(dirname "$MEDIA_PATH")" >"$WORK/snapshot.out" ||
	die "could not copy the live playlist"
NEWEST=$(dirname "$MEDIA_PATH")/$(value newest <"$WORK/snapshot.out")
SEGMENT_BYTES=$(value bytes <"$WORK/snapshot.out")
chmod -R a+rX "$WORK"
NGINX_PORT=$(free_port)
mkdir -p "$WORK/nginx"
# A plain static server as commonly deployed (a worker per CPU, sendfile), with no access log
# and no keep-alive request limit: sluiced has neither, so both answer the same connections.
cat >"$WORK/nginx/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	keepalive_timeout 65;
	client_body_temp_path $WORK/nginx/body;
	proxy_temp_path $WORK/nginx/proxy;
	fastcgi_temp_path $WORK/nginx/fastcgi;
	uwsgi_temp_path $WORK/nginx/uwsgi;
	scgi_temp_path $WORK/nginx/scgi;
	types {
		application/vnd.apple.mpegurl m3u8;
		video/mp4 mp4;
		video/iso.segment m4s;
	}
	server {
		listen 127.0.0.1:$NGINX_PORT;
		root $WWW;
	}
}
EOF
"$NGINX" -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
NGINX_BASE=http://127.0.0.1:$NGINX_PORT
for _ in $(seq 50); do
	curl -sf -o /dev/null "$NGINX_BASE$NEWEST" && break
	sleep 0.1
done
curl -sf -o /dev/null "$NGINX_BASE$NEWEST" || die "nginx does not serve $NEWEST: $(cat "$WORK/nginx/error.log")"

echo "3. Fan-out: wrk -t 2 -c $CONNECTIONS -d ${FANOUT_SECONDS}s on one live channel, against nginx"
echo "   serving a copy of the same playlist and segments (video segment of ${SEGMENT_BYTES} bytes)."
echo "   saturate: back-to-back GETs of the newest video segment (each 100th of a thread GETs the"
echo "             media playlist to follow the live edge; the copy's never moves): throughput"
echo "   players:  each connection polls the media playlist and fetches the newest segment once a"
echo "             second (jittered), as $CONNECTIONS HLS players do: latency at a real load"
echo "   playlist: back-to-back GETs of the media playlist"
# run_wrk LABEL URL ARGS...: one line of figures into $WORK/wrk-LABEL
run_wrk() {
	local label=$1
	shift
	wrk -t 2 -c "$CONNECTIONS" -d "${FANOUT_SECONDS}s" --timeout 10s -s "$HERE/engine_wrk.lua" \
		"$@" >"$WORK/wrk-$label.txt" 2>&1 || die "wrk failed: $(cat "$WORK/wrk-$label.txt")"
	grep '^wrk ' "$WORK/wrk-$label.txt" >"$WORK/wrk-$label" ||
		die "wrk printed no figures: $(cat "$WORK/wrk-$label.txt")"
	sleep 2
}
for server in sluiced nginx; do
	base=$BASE
	[ "$server" = nginx ] && base=$NGINX_BASE
	run_wrk "saturate-$server" "$base$NEWEST" -- follow "$MEDIA_PATH" "$NEWEST" 100
	run_wrk "players-$server" "$base$NEWEST" -- player "$MEDIA_PATH" "$NEWEST" 1000
	run_wrk "playlist-$server" "$base$MEDIA_PATH"
done
stop "$NGINX_PID"

wrkv() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" "$WORK/wrk-$1"; }
rate() { awk -v n="$(wrkv "$1" "${2:-requests}")" -v d="$(wrkv "$1" duration_s)" -v u="${3:-1}" \
	'BEGIN { print n / d / u }'; }
printf '   %-9s %-8s %9s %9s %9s %9s %9s  %s\n' run server "req/s" "MiB/s" "p50 ms" "p99 ms" \
	"max ms" "errors (connect/read/write/timeout/status)"
for run in saturate players playlist; do
	for server in sluiced nginx; do
		l=$run-$server
		printf '   %-9s %-8s %9.0f %9.1f %9.2f %9.2f %9.1f  %s/%s/%s/%s/%s\n' "$run" "$server" \
			"$(rate "$l")" "$(rate "$l" bytes 1048576)" "$(wrkv "$l" p50_ms)" \
			"$(wrkv "$l" p99_ms)" "$(wrkv "$l" max_ms)" "$(wrkv "$l" connect_errors)" \
			"$(wrkv "$l" read_errors)" "$(wrkv "$l" write_errors)" "$(wrkv "$l" timeouts)" \
			"$(wrkv "$l" status_errors)"
	done
done
printf '   sluiced followed the live edge: %s segment changes seen in %s playlist answers\n' \
	"$(wrkv saturate-sluiced segment_moves)" "$(wrkv saturate-sluiced playlists)"
ratio() { awk -v a="$(rate "$1-sluiced")" -v b="$(rate "$1-nginx")" 'BEGIN { print a / b }'; }
SEG_RATIO=$(ratio saturate)
PL_RATIO=$(ratio playlist)
SEG_P99=$(wrkv players-sluiced p99_ms)
printf '   sluiced/nginx requests/s: saturate %.2f (goal >= 0.7: %s), playlist %.2f\n' \
	"$SEG_RATIO" "$(verdict "$SEG_RATIO" 0.7 ge)" "$PL_RATIO"
printf '   sluiced p99 with %s players: %.2f ms (nginx %.2f ms)   goal < 50 ms: %s\n' \
	"$CONNECTIONS" "$SEG_P99" "$(wrkv players-nginx p99_ms)" "$(verdict "$SEG_P99" 50 lt)"
echo

# Does this build transcode? A profile asking for less than the source's bitrate needs it.
PROFILE=$(api_post /api/v1/profiles '{"name":"bench-720p-2M","video_codec":"h264","audio_codec":"aac","video_bitrate_kbps":2000,"preset":"veryfast"}')
add_proxy tx "$PROFILE" "$LIVE"
TX_HEAD=$(curl -sS --max-time 30 -o /dev/null -D - -A sluice-bench/1 "$BASE/live/tx/$LIVE.m3u8" | tr -d '\r')
TX_STATUS=$(echo "$TX_HEAD" | awk 'NR == 1 { print $2 }')
TX_DECISION=$(echo "$TX_HEAD" | sed -n 's/^[Xx]-[Ss]luice-[Dd]ecision: //p')
stop "$SLUICED_PID"

# -- 4. CPU ---------------------------------------------------------------------------------

# cpu_window SECONDS PID...: CPU seconds of each PID over SECONDS (utime + stime from /proc)
cpu_window() {
	local seconds=$1 pid before=() i=0
	shift
	for pid in "$@"; do before+=("$(cpu_ticks "$pid")"); done
	sleep "$seconds"
	for pid in "$@"; do
		kill -0 "$pid" 2>/dev/null || die "process $pid ended during the CPU window"
		awk -v a="${before[$i]}" -v b="$(cpu_ticks "$pid")" -v t="$CLK_TCK" \
			'BEGIN { printf "%.2f\n", (b - a) / t }'
		i=$((i + 1))
	done
}
wait_for() { # FILE SECONDS
	for _ in $(seq $(($2 * 10))); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	die "$1 did not appear in $2 s"
}
hwm_mb() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

echo "4. CPU per channel over ${CPU_SECONDS} s of steady state, all jobs side by side on one source:"
echo "   sluiced repackaging one channel for one HLS player (master + video + audio playlists"
echo "   polled every second, every segment fetched) against ffmpeg -c copy -f hls -hls_time 1"
echo "   (MPEG-TS segments, the usual command) and the same with -hls_segment_type fmp4 (the"
echo "   job sluiced does). Each starts its own upstream connection; output on tmpfs."
start_sluiced cpu
CPU_CH=$(add_channel cpu "$SOURCE?ch=cpu")
add_proxy p 0 "$CPU_CH"
OUT=$(mktemp -d "$([ -w /dev/shm ] && echo /dev/shm || echo "$WORK")/sluice-bench-hls-XXXXXX")
ffmpeg_hls() { # DIR extra-args...: ffmpeg in the background, its log in DIR.log
	local dir=$1
	shift
	mkdir -p "$dir"
	ffmpeg -nostdin -hide_banner -v error -i "$SOURCE?ch=ffmpeg-$(basename "$dir")" -c copy \
		"$@" -f hls -hls_time 1 -hls_flags delete_segments "$dir/x.m3u8" 2>"$dir.log" &
}
ffmpeg_hls "$OUT/ts"
FF_TS=$!
PIDS+=("$FF_TS")
ffmpeg_hls "$OUT/fmp4" -bsf:a aac_adtstoasc -hls_segment_type fmp4
FF_MP4=$!
PIDS+=("$FF_MP4")
(exec python3 "$HERE/engine_client.py" poll "$BASE/live/p/$CPU_CH.m3u8" $((CPU_SECONDS + 8)) >"$WORK/poll.out" 2>"$WORK/poll.err") &
POLLER=$!
PIDS+=("$POLLER")
wait_for "$OUT/ts/x.m3u8" 15
wait_for "$OUT/fmp4/x.m3u8" 15
until curl -sf -o /dev/null "$BASE/live/p/$CPU_CH/video_0.m3u8"; do
	kill -0 "$POLLER" 2>/dev/null || die "the HLS poller ended: $(cat "$WORK/poll.err")"
	sleep 0.2
done
sleep 2
mapfile -t CPU < <(cpu_window "$CPU_SECONDS" "$SLUICED_PID" "$FF_TS" "$FF_MP4")
for pid in "$SLUICED_PID" "$FF_TS" "$FF_MP4"; do
	kill -0 "$pid" 2>/dev/null || die "a job ended during the CPU window: $(tail -n 5 "$OUT"/*.log)"
done
HWM=("$(hwm_mb "$SLUICED_PID")" "$(hwm_mb "$FF_TS")" "$(hwm_mb "$FF_MP4")")
wait "$POLLER" || die "the HLS poller failed: $(cat "$WORK/poll.err")"
POLL_ERRORS=$(value errors <"$WORK/poll.out")
stop "$FF_TS"
stop "$FF_MP4"
rm -rf "$OUT"
stop "$SLUICED_PID"
printf '   %-34s %8s %10s %9s\n' job "CPU s" "% of a CPU" "peak MB"
jobs=("sluiced (fMP4 HLS+DASH, 1 player)" "ffmpeg -c copy -f hls (TS)" "ffmpeg -c copy -f hls (fMP4)")
for i in 0 1 2; do
	printf '   %-34s %8.2f %10.1f %9s\n' "${jobs[$i]}" "${CPU[$i]}" \
		"$(awk -v c="${CPU[$i]}" -v s="$CPU_SECONDS" 'BEGIN { print 100 * c / s }')" "${HWM[$i]}"
done
awk -v s="${CPU[0]}" -v t="${CPU[1]}" -v m="${CPU[2]}" 'BEGIN {
	printf "   sluiced / ffmpeg: %.2f (TS segments), %.2f (fMP4 segments)\n", (t > 0 ? s / t : 0), (m > 0 ? s / m : 0) }'
echo "   the player: $(value fetched <"$WORK/poll.out") fetches, $POLL_ERRORS errors"

if [ "$TX_STATUS" != 200 ] || [ "$TX_DECISION" != transcode ]; then
	if [ "$TX_STATUS" = 501 ]; then
		echo "   transcode: not available in this build (a 2 Mb/s H.264 profile answers 501)"
	else
		echo "   transcode: not measured (a 2 Mb/s H.264 profile answered $TX_STATUS, decision '$TX_DECISION')"
	fi
	TX_RATIO=""
else
	# One transcode at a time, each for TX_SECONDS: two side by side could not both keep up
	# on two cores. sluiced's channel also keeps its repackaged rendition (one pipeline per
	# channel), which costs what the repackaging figures above show.
	echo "   transcode (this build has it): a profile of 2 Mb/s H.264 (x264 veryfast) on the 720p30"
	echo "   channel for one HLS player, against ffmpeg -c:v libx264 -preset veryfast -b:v 2000k"
	echo "   -g 30 -c:a copy -f hls fMP4, one after the other, ${TX_SECONDS} s each"
	start_sluiced tx
	TX_CH=$(add_channel tx "$SOURCE?ch=tx")
	PROFILE=$(api_post /api/v1/profiles '{"name":"bench-720p-2M","video_codec":"h264","audio_codec":"aac","video_bitrate_kbps":2000,"preset":"veryfast"}')
	add_proxy tx "$PROFILE" "$TX_CH"
	client cold "$BASE/live/tx/$TX_CH.m3u8" >"$WORK/tx.out" 2>"$WORK/tx.err" ||
		die "the transcoded channel did not start: $(cat "$WORK/tx.err")"
	[ "$(value decision <"$WORK/tx.out")" = transcode ] ||
		die "the transcoded channel answered decision $(value decision <"$WORK/tx.out")"
	(exec python3 "$HERE/engine_client.py" poll "$BASE/live/tx/$TX_CH.m3u8" $((TX_SECONDS + 4)) \
		>"$WORK/poll-tx.out" 2>"$WORK/poll-tx.err") &
	POLLER=$!
	PIDS+=("$POLLER")
	sleep 2
	TX_SLUICED=$(cpu_window "$TX_SECONDS" "$SLUICED_PID")
	kill -0 "$SLUICED_PID" 2>/dev/null || die "sluiced ended while transcoding: $(tail -n 20 "$WORK/tx.log")"
	wait "$POLLER" || die "the HLS poller failed: $(cat "$WORK/poll-tx.err")"
	stop "$SLUICED_PID"
	OUT=$(mktemp -d "$([ -w /dev/shm ] && echo /dev/shm || echo "$WORK")/sluice-bench-hls-XXXXXX")
	ffmpeg_hls "$OUT/x264" -bsf:a aac_adtstoasc -hls_segment_type fmp4 -c:v libx264 \
		-preset veryfast -b:v 2000k -maxrate 2000k -bufsize 4000k -g 30 -keyint_min 30 \
		-sc_threshold 0
	FF_TX=$!
	PIDS+=("$FF_TX")
	wait_for "$OUT/x264/x.m3u8" 15
	sleep 2
	TX_FFMPEG=$(cpu_window "$TX_SECONDS" "$FF_TX")
	kill -0 "$FF_TX" 2>/dev/null || die "ffmpeg ended while transcoding: $(cat "$OUT/x264.log")"
	stop "$FF_TX"
	rm -rf "$OUT"
	printf '   %-34s %8s %10s\n' job "CPU s" "% of a CPU"
	printf '   %-34s %8.2f %10.1f\n' "sluiced transcode (x264 veryfast)" "$TX_SLUICED" \
		"$(awk -v c="$TX_SLUICED" -v s="$TX_SECONDS" 'BEGIN { print 100 * c / s }')"
	printf '   %-34s %8.2f %10.1f\n' "ffmpeg -c:v libx264 -preset veryfast" "$TX_FFMPEG" \
		"$(awk -v c="$TX_FFMPEG" -v s="$TX_SECONDS" 'BEGIN { print 100 * c / s }')"
	TX_RATIO=$(awk -v s="$TX_SLUICED" -v f="$TX_FFMPEG" 'BEGIN { printf "%.2f", (f > 0 ? s / f : 0) }')
	echo "   the player of the transcoded channel: $(value fetched <"$WORK/poll-tx.out") fetches, $(value errors <"$WORK/poll-tx.out") errors"
	echo "   sluiced / ffmpeg (transcode): $TX_RATIO"
fi
echo

echo "Summary"
printf '   %-44s %12s %10s %6s\n' figure measured goal ""
printf '   %-44s %10.3f s %10s %6s\n' "cold start, median (source joined mid-GOP)" "$COLD_random" "< 1.5 s" \
	"$(verdict "$COLD_random" 1.5 lt)"
printf '   %-44s %10.3f s %10s %6s\n' "cold start, median (source from a keyframe)" "$COLD_start" "< 1.5 s" \
	"$(verdict "$COLD_start" 1.5 lt)"
printf '   %-44s %10.3f s\n' "cold start, sluiced's part beyond the source" "$OWN_random"
printf '   %-44s %9.1f ms %10s %6s\n' "warm .ts join to keyframe, median" "$JOIN_KEY" "< 100 ms" \
	"$(verdict "$JOIN_KEY" 100 lt)"
printf '   %-44s %11.2fx %10s %6s\n' "fan-out segments, sluiced/nginx req/s" "$SEG_RATIO" ">= 0.7x" \
	"$(verdict "$SEG_RATIO" 0.7 ge)"
printf '   %-44s %9.2f ms %10s %6s\n' "fan-out, $CONNECTIONS players, sluiced p99" "$SEG_P99" "< 50 ms" \
	"$(verdict "$SEG_P99" 50 lt)"
printf '   %-44s %11.2fx\n' "fan-out playlist, sluiced/nginx req/s" "$PL_RATIO"
printf '   %-44s %11.2fx\n' "CPU, repackage: sluiced/ffmpeg (fMP4)" \
	"$(awk -v s="${CPU[0]}" -v m="${CPU[2]}" 'BEGIN { print (m > 0 ? s / m : 0) }')"
[ -n "$TX_RATIO" ] && printf '   %-44s %11.2fx\n' "CPU, transcode: sluiced/ffmpeg" "$TX_RATIO"
exit 0
