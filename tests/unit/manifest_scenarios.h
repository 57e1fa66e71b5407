/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The presentations the manifest goldens describe, shared by the HLS and DASH tests so both
 * manifests of one scenario describe the same window.
 */

#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "segmentwindow.h"

namespace sluice::test {

/* 2026-11-21T06:12:30.123Z: the wall clock at media time 10 s, where every scenario starts. */
inline constexpr int64_t kWallClockAt10s = 1795241550123;
inline constexpr double kStart = 10.0;

inline TrackDescription h264(const std::string &codecs = "avc1.64001f", uint32_t width = 1280,
			     uint32_t height = 720)
{
	TrackDescription t;
	t.id = "video_0";
	t.kind = TrackKind::Video;
	t.codecs = codecs;
	t.timescale = 90000;
	t.width = width;
	t.height = height;
	t.frameRate = {30000, 1001};
	return t;
}

inline TrackDescription audioTrack(const std::string &id, const std::string &codecs,
				   const std::string &language)
{
	TrackDescription t;
	t.id = id;
	t.kind = TrackKind::Audio;
	t.codecs = codecs;
	t.timescale = 48000;
	t.sampleRate = 48000;
	t.channels = 2;
	t.language = language;
	return t;
}

/* Media time, in seconds, to a timescale, rounded up to a whole audio frame when frame > 1. */
inline uint64_t ticks(double seconds, uint32_t timescale, uint32_t frame = 1)
{
	const auto exact = static_cast<uint64_t>(std::llround(seconds * timescale));
	return (exact + frame - 1) / frame * frame;
}

/*
 * Appends one segment per duration to every track, from `start` seconds on. Audio segments
 * end on the first frame boundary after the video boundary, as an AAC encoder's would.
 */
inline double appendSegments(SegmentWindow &w, double start, const std::vector<double> &durations)
{
	for (size_t n = 0; n < durations.size(); n++) {
		const double end = start + durations[n];
		for (size_t i = 0; i < w.trackCount(); i++) {
			const TrackDescription &t = w.track(i);
			const uint32_t frame = t.codecs.starts_with("mp4a") ? 1024 : 1;
			SegmentRecord s;
			s.startTime = ticks(start, t.timescale, frame);
			s.duration = ticks(end, t.timescale, frame) - s.startTime;
			s.size = t.kind == TrackKind::Video ? 700000 + 25000 * (n % 3) : 48000;
			s.wallClockMs = kWallClockAt10s
				+ std::llround((static_cast<double>(s.startTime) / t.timescale
						- kStart)
					       * 1000);
			w.append(i, s);
		}
		start = end;
	}
	return start;
}

inline std::vector<double> repeat(double duration, size_t count)
{
	return std::vector<double>(count, duration);
}

/* Live H.264 + AAC, 4-segment window after 7 segments: numbers 4 to 7 remain. */
inline SegmentWindow liveAv()
{
	SegmentWindow w({WindowMode::Live, 2000, 4});
	w.addTrack(h264());
	w.addTrack(audioTrack("audio_0", "mp4a.40.2", "eng"));
	appendSegments(w, kStart, repeat(2.0, 7));
	return w;
}

/* VOD with a 2.6 s segment (target duration 3) and a short last one. */
inline SegmentWindow vodAv()
{
	SegmentWindow w({WindowMode::Vod, 2000, 4});
	w.addTrack(h264());
	w.addTrack(audioTrack("audio_0", "mp4a.40.2", "eng"));
	appendSegments(w, kStart, {2.0, 2.0, 2.6, 2.0, 1.2});
	w.end();
	return w;
}

/*
 * Live, 5-segment window: 4 segments of a 720p source, then a switch to a 1080p source whose
 * first segment comes 0.5 s after the last one of the old source, then 3 more segments.
 */
inline SegmentWindow liveDiscontinuity()
{
	SegmentWindow w({WindowMode::Live, 2000, 5});
	w.addTrack(h264());
	w.addTrack(audioTrack("audio_0", "mp4a.40.2", "eng"));
	const double end = appendSegments(w, kStart, repeat(2.0, 4));
	w.startDiscontinuity();
	w.updateTrack(0, h264("avc1.640028", 1920, 1080));
	appendSegments(w, end + 0.5, repeat(2.0, 3));
	return w;
}

/* Live radio: English AAC and French Opus (announced 64 kbit/s), 3-segment window. */
inline SegmentWindow audioOnly()
{
	SegmentWindow w({WindowMode::Live, 2000, 3});
	w.addTrack(audioTrack("audio_0", "mp4a.40.2", "eng"));
	TrackDescription opus = audioTrack("audio_1", "opus", "fre");
	opus.bandwidth = 64000;
	w.addTrack(opus);
	appendSegments(w, kStart, repeat(2.0, 4));
	return w;
}

/* Live H.264 + AAC that reached end of stream: 5 segments, 3 in the window. */
inline SegmentWindow endedLive()
{
	SegmentWindow w({WindowMode::Live, 2000, 3});
	w.addTrack(h264());
	w.addTrack(audioTrack("audio_0", "mp4a.40.2", "eng"));
	appendSegments(w, kStart, repeat(2.0, 5));
	w.end();
	return w;
}

} /* namespace sluice::test */
