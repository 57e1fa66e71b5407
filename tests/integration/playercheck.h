/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Running real players as subprocesses and judging the media timelines they report.
 */

#pragma once

#include <map>
#include <string>
#include <vector>

namespace sluice::test {

struct ProcessResult {
	std::string commandLine;
	bool spawned = false;
	bool timedOut = false;
	int exitCode = -1; /* -1 when it did not exit normally */
	std::string out;
	std::string err;
	double wallSeconds = 0;

	bool succeeded() const { return spawned && exitCode == 0; }
	/* The command, how it ended and the last lines of its stderr (and stdout): for a failure.
	 */
	std::string describe(size_t tailLines = 25) const;
};

/* Runs argv to completion under coreutils timeout(1), capturing stdout and stderr. */
ProcessResult runProcess(const std::vector<std::string> &argv, unsigned timeoutSeconds);

/* One demuxed packet or one decoded frame/buffer, in seconds. duration < 0: unknown. */
struct TimedUnit {
	double pts = 0;
	double duration = -1;
};

/* What a client saw of one elementary stream. */
struct StreamTimeline {
	std::string mediaType; /* "video" or "audio" */
	std::string codec; /* ffprobe codec_name; empty for GStreamer clients */
	std::vector<TimedUnit> units; /* packets (ffprobe) or decoded buffers (GStreamer) */
	size_t decodedFrames = 0; /* video frames or audio frames actually decoded */
	double decodedSeconds = 0; /* audio: decoded samples / rate; video: frames' durations */
};

/* Keyed by "video" / "audio". */
using Timelines = std::map<std::string, StreamTimeline>;

/*
 * ffprobe arguments that demux and decode every frame of url and print packets and frames
 * in the compact format parseFfprobe() reads. extra goes before -i (demuxer options).
 */
std::vector<std::string> ffprobeCommand(const std::string &url,
					const std::vector<std::string> &extra = {});
/* Errors (e.g. two video streams) are appended to problems. */
Timelines parseFfprobe(const std::string &out, std::vector<std::string> &problems);

/*
 * sluice-play (built beside the tests) for uri: playbin3 into fakesinks, reporting every
 * decoded buffer in the format parseFfprobe() reads, and "element|factory=..." lines.
 */
std::vector<std::string> playCommand(const std::string &uri);

struct TimelineExpectation {
	double duration = 0; /* seconds of source media */
	double durationTolerance = 0.1; /* how far each stream's span may be from duration */
	double syncTolerance = 0.05; /* audio vs video start (and end) */
	double endSyncTolerance = 0.1; /* audio frames rarely end exactly on a video frame */
	bool packets = true; /* units are demuxed packets (else decoded buffers) */
	/*
	 * Seconds the first audio unit may overlap the second: a codec's priming (Opus pre-skip,
	 * signalled in dOps) which ffmpeg applies by moving the first packet's pts forward while
	 * keeping its full duration.
	 */
	double primingTolerance = 0.0;
	/*
	 * A live client that joined at the live edge: each stream spans at least minSpan and
	 * at most duration (+ tolerance) instead of duration itself.
	 */
	bool joinsLate = false;
	double minSpan = 0;
	/*
	 * Gaps up to this many seconds, at most allowedGaps of them per stream, are accepted: a
	 * source switch, where audio and video restart together after the longer of the two
	 * ended, leaves the shorter one this much apart.
	 */
	double allowedGap = 0;
	unsigned allowedGaps = 0;
};

/*
 * Checks that there is exactly one video and one audio stream, that each decoded, that
 * consecutive units neither leave a gap wider than ~1.5 unit durations nor overlap, that each
 * spans the expected duration and that audio and video start and end together. Returns one
 * line per problem; empty when everything holds.
 */
std::vector<std::string> checkTimelines(const Timelines &timelines,
					const TimelineExpectation &expect);

/*
 * A live client's run (ffprobe's packets, or sluice-play's decoded buffers when gstreamer): one
 * video and one audio stream, each decoding at least minSeconds without a gap or an overlap,
 * starting and ending within 0.5 s of each other. Returns one line per problem; the
 * timelines, when asked for, for a failure message.
 */
std::vector<std::string> checkLiveClient(const ProcessResult &run, bool gstreamer,
					 double minSeconds, Timelines *timelines = nullptr);

/* Problems, one indented line each, for a failure message. */
std::string joinLines(const std::vector<std::string> &lines, const char *indent = "  ");

/* One line per stream: type, units, first/last pts, span, decoded frames. */
std::string summarize(const Timelines &timelines);

} /* namespace sluice::test */
