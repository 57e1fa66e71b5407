/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * DASH MPDs against golden files (tests/golden/manifests/NAME.mpd).
 */

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dash.h"

using namespace sluice;

namespace {

/*
 * The presentations the goldens describe. Kept identical in test_hls.cpp and test_dash.cpp so
 * both manifests of one scenario describe the same window.
 */

/* 2026-11-21T06:12:30.123Z: the wall clock at media time 10 s, where every scenario starts. */
constexpr int64_t kWallClockAt10s = 1795241550123;
constexpr double kStart = 10.0;

TrackDescription h264(const std::string &codecs = "avc1.64001f", uint32_t width = 1280,
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

TrackDescription audioTrack(const std::string &id, const std::string &codecs,
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
uint64_t ticks(double seconds, uint32_t timescale, uint32_t frame = 1)
{
	const auto exact = static_cast<uint64_t>(std::llround(seconds * timescale));
	return (exact + frame - 1) / frame * frame;
}

/*
 * Appends one segment per duration to every track, from `start` seconds on. Audio segments
 * end on the first frame boundary after the video boundary, as an AAC encoder's would.
 */
double appendSegments(SegmentWindow &w, double start, const std::vector<double> &durations)
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

std::vector<double> repeat(double duration, size_t count)
{
	return std::vector<double>(count, duration);
}

/* Live H.264 + AAC, 4-segment window after 7 segments: numbers 4 to 7 remain. */
SegmentWindow liveAv()
{
	SegmentWindow w({WindowMode::Live, 2000, 4});
	w.addTrack(h264());
	w.addTrack(audioTrack("audio_0", "mp4a.40.2", "eng"));
	appendSegments(w, kStart, repeat(2.0, 7));
	return w;
}

/* VOD with a 2.6 s segment (target duration 3) and a short last one. */
SegmentWindow vodAv()
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
SegmentWindow liveDiscontinuity()
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
SegmentWindow audioOnly()
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
SegmentWindow endedLive()
{
	SegmentWindow w({WindowMode::Live, 2000, 3});
	w.addTrack(h264());
	w.addTrack(audioTrack("audio_0", "mp4a.40.2", "eng"));
	appendSegments(w, kStart, repeat(2.0, 5));
	w.end();
	return w;
}

/* Compares with tests/golden/manifests/<name>; SLUICE_UPDATE_GOLDEN=1 rewrites it instead. */
void expectGolden(const std::string &name, const std::string &actual)
{
	const char *dir = std::getenv("SLUICE_GOLDEN_DIR");
	if (!dir)
		GTEST_SKIP() << "SLUICE_GOLDEN_DIR is not set; run through meson test";

	const std::filesystem::path path = std::filesystem::path(dir) / "manifests" / name;
	const char *update = std::getenv("SLUICE_UPDATE_GOLDEN");
	if (update && std::string(update) == "1") {
		std::filesystem::create_directories(path.parent_path());
		std::ofstream(path, std::ios::binary) << actual;
		return;
	}

	std::ifstream in(path, std::ios::binary);
	ASSERT_TRUE(in) << path << " is missing; create it with SLUICE_UPDATE_GOLDEN=1";
	const std::string expected {std::istreambuf_iterator<char>(in), {}};
	EXPECT_EQ(actual, expected) << "differs from " << path;
}

/* Half a second after the last segment ended: when the element would write the MPD. */
int64_t now(const SegmentWindow &w)
{
	return w.availabilityStartTimeMs() + std::llround(w.presentationEnd() * 1000) + 500;
}

/* GStreamer 1.22's typefinder only recognises an MPD whose start tag ends in 512 bytes. */
void expectShortStartTag(const std::string &mpd)
{
	const size_t open = mpd.find("<MPD ");
	ASSERT_NE(open, std::string::npos);
	const size_t close = mpd.find('>', open);
	ASSERT_NE(close, std::string::npos);
	EXPECT_LT(close, 512u) << mpd.substr(0, close + 1);
}

void expectMpd(const std::string &scenario, const SegmentWindow &w)
{
	const std::string mpd = renderMpd(w, now(w));
	expectShortStartTag(mpd);
	expectGolden(scenario + ".mpd", mpd);
}

bool contains(const std::string &text, const std::string &part)
{
	return text.find(part) != std::string::npos;
}

} /* namespace */

TEST(Dash, LiveWindowAfterEviction)
{
	expectMpd("live", liveAv());
}

TEST(Dash, Vod)
{
	expectMpd("vod", vodAv());
}

TEST(Dash, LiveWithDiscontinuity)
{
	expectMpd("live-discontinuity", liveDiscontinuity());
}

TEST(Dash, AudioOnly)
{
	expectMpd("audio-only", audioOnly());
}

TEST(Dash, EndedLive)
{
	expectMpd("ended-live", endedLive());
}

TEST(Dash, StartTagStaysShortWithLargeValues)
{
	/* Years of uptime, a far-future clock and an unbounded window: the longest attributes. */
	SegmentWindow w({WindowMode::Live, 59999, 0});
	TrackDescription t = h264();
	t.timescale = 1000;
	w.addTrack(t);
	SegmentRecord s;
	s.startTime = 99999999999;
	s.duration = 59999;
	s.size = 1;
	s.wallClockMs = 253402300799999; /* 9999-12-31T23:59:59.999Z */
	w.append(0, s);
	expectShortStartTag(renderMpd(w, 253402300799999));
}

TEST(Dash, EmptyWindowStillHasAPeriod)
{
	SegmentWindow w({WindowMode::Live, 2000, 4});
	w.addTrack(h264());
	const std::string mpd = renderMpd(w, 1795241550123);
	EXPECT_TRUE(contains(mpd, "<Period id=\"p0\" start=\"PT0S\"/>\n"));
	expectShortStartTag(mpd);
}

TEST(Dash, AttributesAreEscaped)
{
	SegmentWindow w({WindowMode::Live, 2000, 4});
	w.addTrack(audioTrack("audio_0", "mp4a.40.2\"<&>'", "x&y"));
	SegmentRecord s;
	s.duration = 96000;
	s.size = 48000;
	w.append(0, s);
	const std::string mpd = renderMpd(w, 0);
	EXPECT_TRUE(contains(mpd, "codecs=\"mp4a.40.2&quot;&lt;&amp;&gt;&apos;\""));
	EXPECT_TRUE(contains(mpd, "lang=\"x&amp;y\""));
}

TEST(Dash, LateTrackIsOnlyInPeriodsWhereItHasSegments)
{
	SegmentWindow w({WindowMode::Live, 2000, 4});
	w.addTrack(h264());
	appendSegments(w, kStart, repeat(2.0, 2));
	w.startDiscontinuity();
	w.addTrack(audioTrack("audio_0", "mp4a.40.2", "eng"));
	appendSegments(w, 14.0, repeat(2.0, 1));

	const std::string mpd = renderMpd(w, now(w));
	const size_t p1 = mpd.find("<Period id=\"p1\"");
	ASSERT_NE(p1, std::string::npos);
	EXPECT_EQ(mpd.find("contentType=\"audio\""), mpd.find("contentType=\"audio\"", p1));
}
