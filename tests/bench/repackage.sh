#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 Sluice authors
#
# Repackaging benchmark: what cmafsink costs to turn a 10-minute 1080p30 H.264/AAC MPEG-TS
# (~8 Mb/s) into CMAF HLS+DASH, against ffmpeg's fMP4 HLS muxer, mp4mux in fragmented mode and
# the demux+parse floor every GStreamer job pays anyway.
#
# Usage: tests/bench/repackage.sh [BUILD_DIR]      (make bench)
#   BENCH_ROUNDS   rounds per job (default 5); medians are reported
#   BENCH_SECONDS  length of the generated input (default 600; the input is cached per length)
#
# The input is generated once into BUILD_DIR/bench/ and reused. Each round writes into a
# fresh temporary directory. CPU is user+sys seconds of the whole process tree (GNU time).
set -euo pipefail

BUILD=$(cd "${1:-build}" && pwd)
ROUNDS=${BENCH_ROUNDS:-5}
SECONDS_LONG=${BENCH_SECONDS:-600}
CACHE=$BUILD/bench
INPUT=$CACHE/input-1080p30-h264-aac-${SECONDS_LONG}s.ts
PLUGIN_DIR=$BUILD/plugins/gst
TIME=/usr/bin/time
# filesrc reads 4 KiB at a time by default (ffmpeg: 32 KiB); every GStreamer job here reads
# in 64 KiB blocks, so the figures compare muxers rather than read() counts.
export BLOCKSIZE=${BENCH_BLOCKSIZE:-65536}

die() { echo "repackage.sh: $*" >&2; exit 1; }
for tool in ffmpeg ffprobe gst-launch-1.0 gst-inspect-1.0; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done
[ -x "$TIME" ] || die "GNU time ($TIME) is not installed (apt-get install time)"

mkdir -p "$CACHE"
# Outputs go to tmpfs when there is one: every job writes ~600 MB, and on a disk the kernel's
# write-back lands in whichever job happens to run when it starts (seen here: the same job at
# 0.4 and 3 s of system time). On tmpfs every job pays the same plain page-cache copy, so the
# figures compare the muxers. BENCH_TMPDIR chooses another place (e.g. a disk, to see it).
BENCH_TMPDIR=${BENCH_TMPDIR:-$([ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")}
WORK=$(mktemp -d "$BENCH_TMPDIR/sluice-bench-XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# Hermetic GStreamer: our plugin from the build tree, a registry of our own, scanned before
# anything is timed.
export GST_REGISTRY_1_0=$CACHE/registry.bin
export GST_PLUGIN_PATH_1_0=$PLUGIN_DIR
unset GST_PLUGIN_PATH

if [ ! -s "$INPUT" ]; then
	echo "Generating $INPUT (once; ${SECONDS_LONG} s of 1080p30 at 8 Mb/s)..."
	ffmpeg -nostdin -hide_banner -v error -stats \
		-f lavfi -i "testsrc2=size=1920x1080:rate=30" \
		-f lavfi -i "sine=frequency=1000:sample_rate=48000" \
		-t "$SECONDS_LONG" -map 0:v -map 1:a \
		-c:v libx264 -preset ultrafast -pix_fmt yuv420p \
		-b:v 8M -minrate 8M -maxrate 8M -bufsize 8M -x264-params nal-hrd=cbr \
		-g 60 -keyint_min 60 -sc_threshold 0 \
		-c:a aac -b:a 128k -ac 2 \
		-f mpegts "$INPUT.part"
	mv "$INPUT.part" "$INPUT"
fi

if [ "$ROUNDS" -lt 1 ]; then
	echo "Input ready: $INPUT (BENCH_ROUNDS=$ROUNDS: nothing to measure)"
	exit 0
fi

HAVE_CMAFSINK=0
if gst-inspect-1.0 cmafsink >/dev/null 2>&1; then
	HAVE_CMAFSINK=1
else
	echo "NOTE: cmafsink not found in $PLUGIN_DIR (build it first): job (a) is skipped."
fi

# job_<name> OUTDIR: one run of the job, writing into OUTDIR.
# cmafsink never waits for one pad to feed another (it is no aggregator), so it needs no
# queue after the demuxer: the whole job runs in tsdemux's streaming thread.
job_cmafsink() {
	gst-launch-1.0 -q filesrc location="$INPUT" blocksize=$BLOCKSIZE ! tsdemux name=d \
		cmafsink name=s location="$1" playlist-type=vod target-duration=2 \
		d. ! h264parse ! s.video_0 \
		d. ! aacparse ! s.audio_0
}
job_ffmpeg() {
	ffmpeg -nostdin -hide_banner -v error -i "$INPUT" -map 0 -c copy -bsf:a aac_adtstoasc \
		-f hls -hls_segment_type fmp4 -hls_time 2 -hls_playlist_type vod \
		-hls_segment_filename "$1/seg%d.m4s" "$1/index.m3u8"
}
job_mp4mux() {
	gst-launch-1.0 -q filesrc location="$INPUT" blocksize=$BLOCKSIZE ! tsdemux name=d \
		mp4mux name=m fragment-duration=2000 ! filesink location="$1/out.mp4" \
		d. ! queue max-size-buffers=0 max-size-bytes=0 max-size-time=3000000000 ! \
		h264parse ! m.video_0 \
		d. ! queue max-size-buffers=0 max-size-bytes=0 max-size-time=3000000000 ! \
		aacparse ! m.audio_0
}
# The floor: demux and parse in the same one-thread layout as the cmafsink job (fakesinks
# with async=false: a prerolling sink would block the demuxer's only thread), delivering what
# any MP4 muxer needs: length-prefixed H.264 and raw AAC. Left to themselves in front of
# fakesink, the parsers would pass byte-stream and ADTS through and skip work every muxer
# makes them do.
job_floor() {
	gst-launch-1.0 -q filesrc location="$INPUT" blocksize=$BLOCKSIZE ! tsdemux name=d \
		d. ! h264parse ! video/x-h264,stream-format=avc,alignment=au ! fakesink async=false \
		d. ! aacparse ! audio/mpeg,stream-format=raw ! fakesink async=false
}

# The cmafsink output must be what a 10-minute VOD presentation looks like, or the figures
# would be measuring a failure.
check_cmafsink_output() {
	local dir=$1 video audio duration
	video=$(find "$dir" -name 'video_0-*.m4s' | wc -l)
	audio=$(find "$dir" -name 'audio_0-*.m4s' | wc -l)
	local expected=$((SECONDS_LONG / 2))
	for n in "$video" "$audio"; do
		if [ "$n" -lt $((expected - 2)) ] || [ "$n" -gt $((expected + 2)) ]; then
			die "cmafsink wrote $video video and $audio audio segments, expected ~$expected each ($dir)"
		fi
	done
	grep -q '^#EXT-X-ENDLIST' "$dir/video_0.m3u8" || die "video_0.m3u8 has no EXT-X-ENDLIST"
	duration=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$dir/master.m3u8")
	awk -v d="$duration" -v e="$SECONDS_LONG" 'BEGIN { exit !(d > e - 2 && d < e + 2) }' ||
		die "ffprobe says the cmafsink VOD playlist lasts ${duration} s, expected ${SECONDS_LONG} s"
	echo "  cmafsink output ok: $video video + $audio audio segments, ${duration} s"
}

export INPUT
export -f job_cmafsink job_ffmpeg job_mp4mux job_floor

JOBS=(ffmpeg mp4mux floor)
[ "$HAVE_CMAFSINK" = 1 ] && JOBS=(cmafsink "${JOBS[@]}")

# Warm the registry and the page cache so round 1 measures the same thing as round 5.
gst-inspect-1.0 filesrc >/dev/null
cat "$INPUT" >/dev/null

echo "Input: $INPUT ($(du -hL "$INPUT" | cut -f1)), $ROUNDS rounds, $(nproc) CPUs, outputs in $BENCH_TMPDIR"
for ((round = 1; round <= ROUNDS; round++)); do
	for job in "${JOBS[@]}"; do
		out=$(mktemp -d "$WORK/$job-XXXXXX")
		if ! "$TIME" -f "%U %S %e" -o "$WORK/time" bash -c 'job_'"$job"' "$1"' _ "$out" \
			>"$WORK/log" 2>&1; then
			cat "$WORK/log" >&2
			die "job $job failed in round $round"
		fi
		read -r user sys wall <"$WORK/time"
		echo "$job $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }') $wall $user $sys" \
			>>"$WORK/results"
		printf '  round %d %-9s cpu %6.2f s  wall %6.2f s\n' "$round" "$job" \
			"$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$wall"
		if [ "$job" = cmafsink ] && [ "$round" = 1 ]; then
			check_cmafsink_output "$out"
		fi
		rm -rf "$out"
	done
done

median() { # job column
	awk -v j="$1" -v c="$2" '$1 == j { print $c }' "$WORK/results" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo
echo "Medians over $ROUNDS rounds. user = the process's own work; sys = the kernel's, mostly"
echo "the page-cache copy of ~600 MB of output, which on this VM swings from 0.2 to 3 s for the"
echo "same bytes (freed pages go back to the host), so compare user first and total second."
printf '%-10s %10s %10s %10s %10s %12s\n' job "cpu s" "user s" "sys s" "wall s" "x realtime"
for job in "${JOBS[@]}"; do
	wall=$(median "$job" 3)
	printf '%-10s %10.2f %10.2f %10.2f %10.2f %12.0f\n' "$job" "$(median "$job" 2)" \
		"$(median "$job" 4)" "$(median "$job" 5)" "$wall" \
		"$(awk -v w="$wall" -v s="$SECONDS_LONG" 'BEGIN { print (w > 0 ? s / w : 0) }')"
done

if [ "$HAVE_CMAFSINK" = 1 ]; then
	echo
	awk -v c="$(median cmafsink 2)" -v f="$(median ffmpeg 2)" -v m="$(median mp4mux 2)" \
		-v fl="$(median floor 2)" -v cu="$(median cmafsink 4)" -v fu="$(median ffmpeg 4)" \
		-v mu="$(median mp4mux 4)" -v flu="$(median floor 4)" 'BEGIN {
		printf "cmafsink / ffmpeg hls:        cpu %.2f   user %.2f\n", c / f, cu / fu
		printf "cmafsink / mp4mux:            cpu %.2f   user %.2f\n", c / m, cu / mu
		printf "muxer cost over the floor:    cmafsink %.2f cpu s (%.2f user), mp4mux %.2f cpu s (%.2f user)\n", c - fl, cu - flu, m - fl, mu - flu
	}'
else
	echo
	echo "NOTE: cmafsink was skipped; no ratios."
fi
