/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * SegmentWindow: numbering, eviction, periods, target duration and bandwidth.
 */

#include <gtest/gtest.h>

#include "segmentwindow.h"

using namespace sluice;

namespace {

TrackDescription video(const std::string &id = "video_0")
{
	TrackDescription t;
	t.id = id;
	t.kind = TrackKind::Video;
	t.codecs = "avc1.64001f";
	t.timescale = 90000;
	return t;
}

TrackDescription audio(const std::string &id = "audio_0")
{
	TrackDescription t;
	t.id = id;
	t.kind = TrackKind::Audio;
	t.codecs = "mp4a.40.2";
	t.timescale = 48000;
	return t;
}

/* A segment of a 90 kHz track starting at `start` seconds. */
SegmentRecord seg90k(double start, double duration = 2.0, uint64_t size = 100000,
		     int64_t wallClockMs = 0)
{
	SegmentRecord s;
	s.startTime = static_cast<uint64_t>(start * 90000);
	s.duration = static_cast<uint64_t>(duration * 90000);
	s.size = size;
	s.wallClockMs = wallClockMs;
	return s;
}

SegmentRecord seg48k(double start, double duration = 2.0, uint64_t size = 32000)
{
	SegmentRecord s;
	s.startTime = static_cast<uint64_t>(start * 48000);
	s.duration = static_cast<uint64_t>(duration * 48000);
	s.size = size;
	return s;
}

WindowConfig live(uint32_t windowSize, uint32_t targetMs = 2000)
{
	return {WindowMode::Live, targetMs, windowSize};
}

} /* namespace */

TEST(SegmentWindowNames, MatchTheManifestTemplates)
{
	EXPECT_EQ(initSegmentName("video_0", 3), "video_0-init-3.mp4");
	EXPECT_EQ(mediaSegmentName("audio_1", 42), "audio_1-42.m4s");
	EXPECT_EQ(mediaPlaylistName("video_0"), "video_0.m3u8");
}

TEST(SegmentWindowFormat, UtcTimeHasMillisecondsAndZ)
{
	EXPECT_EQ(formatUtcTime(0), "1970-01-01T00:00:00.000Z");
	EXPECT_EQ(formatUtcTime(1795241550123), "2026-11-21T06:12:30.123Z");
	EXPECT_EQ(formatUtcTime(951782400999), "2000-02-29T00:00:00.999Z");
}

TEST(SegmentWindowFormat, LanguageTagPrefersTwoLetterCodes)
{
	EXPECT_EQ(languageTag("eng"), "en");
	EXPECT_EQ(languageTag("fre"), "fr");
	EXPECT_EQ(languageTag("fra"), "fr");
	EXPECT_EQ(languageTag("und"), "und");
	EXPECT_EQ(languageTag("fil"), "fil");
	EXPECT_EQ(languageTag(""), "und");
}

TEST(SegmentWindow, NumbersStartAtOnePerTrackAndOnlyGrow)
{
	SegmentWindow w(live(10));
	const size_t v = w.addTrack(video());
	const size_t a = w.addTrack(audio());

	for (int n = 0; n < 3; n++)
		EXPECT_TRUE(w.append(v, seg90k(2.0 * n)).empty());
	EXPECT_TRUE(w.append(a, seg48k(0)).empty());

	ASSERT_EQ(w.segments(v).size(), 3u);
	EXPECT_EQ(w.segments(v)[0].number, 1u);
	EXPECT_EQ(w.segments(v)[2].number, 3u);
	EXPECT_EQ(w.segments(a)[0].number, 1u);
	EXPECT_EQ(w.segments(a)[0].period, 0u);
}

TEST(SegmentWindow, EvictionReturnsTheOldestSegments)
{
	SegmentWindow w(live(3));
	const size_t v = w.addTrack(video());

	for (int n = 0; n < 3; n++)
		EXPECT_TRUE(w.append(v, seg90k(2.0 * n)).empty());

	const std::vector<SegmentRecord> evicted = w.append(v, seg90k(6.0));
	ASSERT_EQ(evicted.size(), 1u);
	EXPECT_EQ(evicted[0].number, 1u);
	EXPECT_EQ(evicted[0].startTime, 0u);

	ASSERT_EQ(w.segments(v).size(), 3u);
	EXPECT_EQ(w.segments(v).front().number, 2u);
	EXPECT_EQ(w.segments(v).back().number, 4u);
}

TEST(SegmentWindow, WindowSizeZeroKeepsEverything)
{
	SegmentWindow w(live(0));
	const size_t v = w.addTrack(video());
	for (int n = 0; n < 50; n++)
		EXPECT_TRUE(w.append(v, seg90k(2.0 * n)).empty());
	EXPECT_EQ(w.segments(v).size(), 50u);
}

TEST(SegmentWindow, VodKeepsEverything)
{
	SegmentWindow w({WindowMode::Vod, 2000, 2});
	const size_t v = w.addTrack(video());
	for (int n = 0; n < 10; n++)
		EXPECT_TRUE(w.append(v, seg90k(2.0 * n)).empty());
	EXPECT_EQ(w.segments(v).size(), 10u);
	EXPECT_EQ(w.segments(v).front().number, 1u);
}

TEST(SegmentWindow, FirstPeriodStartsWithTheFirstSegment)
{
	SegmentWindow w(live(6));
	const size_t v = w.addTrack(video());
	w.append(v, seg90k(10.0, 2.0, 1000, 1795241550123));

	ASSERT_EQ(w.periods().size(), 1u);
	EXPECT_EQ(w.periods()[0].index, 0u);
	EXPECT_DOUBLE_EQ(w.periods()[0].start, 10.0);
	EXPECT_EQ(w.availabilityStartTimeMs(), 1795241540123);

	/* A wall clock that drifts doesn't move availabilityStartTime. */
	w.append(v, seg90k(12.0, 2.0, 1000, 1795241552200));
	EXPECT_EQ(w.availabilityStartTimeMs(), 1795241540123);
}

TEST(SegmentWindow, DiscontinuityStartsAPeriodAtItsFirstSegment)
{
	SegmentWindow w(live(6));
	const size_t v = w.addTrack(video());
	const size_t a = w.addTrack(audio());
	w.append(v, seg90k(0.0));
	w.append(a, seg48k(0.0));

	/* Before the first segment of the new period arrives there is no new period. */
	w.startDiscontinuity();
	w.startDiscontinuity(); /* twice without a segment in between: still one */
	EXPECT_EQ(w.periods().size(), 1u);

	/* Audio of the new source arrives first: it opens the period. */
	w.append(a, seg48k(2.5));
	w.append(v, seg90k(2.6));

	ASSERT_EQ(w.periods().size(), 2u);
	EXPECT_EQ(w.periods()[1].index, 1u);
	EXPECT_DOUBLE_EQ(w.periods()[1].start, 2.5);
	EXPECT_EQ(w.segments(v).back().period, 1u);
	EXPECT_EQ(w.segments(a).back().period, 1u);
	ASSERT_NE(w.period(1), nullptr);
	EXPECT_EQ(w.period(2), nullptr);

	/* Later segments stay in the new period. */
	w.append(v, seg90k(4.6));
	EXPECT_EQ(w.segments(v).back().period, 1u);
	EXPECT_EQ(w.periods().size(), 2u);
}

/*
 * A source switch reaches video first (its caps change), audio a moment later (its stream
 * starts): the old source's last audio closes in the old period, not in a period of its own.
 */
TEST(SegmentWindow, TracksCrossADiscontinuityOneByOne)
{
	SegmentWindow w(live(6));
	const size_t v = w.addTrack(video());
	const size_t a = w.addTrack(audio());
	w.append(v, seg90k(0.0));
	w.append(a, seg48k(0.0));

	w.startDiscontinuity(v);
	w.startDiscontinuity(v); /* twice: still one */
	w.append(v, seg90k(3.0)); /* the new source's video */
	w.append(a, seg48k(2.0)); /* the old source's last audio: still period 0 */
	w.startDiscontinuity(a); /* audio reaches the new source: joins period 1 */
	w.append(a, seg48k(3.0));
	w.append(v, seg90k(5.0));

	ASSERT_EQ(w.periods().size(), 2u);
	EXPECT_EQ(w.segments(v)[1].period, 1u);
	EXPECT_EQ(w.segments(a)[1].period, 0u);
	EXPECT_EQ(w.segments(a)[2].period, 1u);
	EXPECT_EQ(w.segments(v)[2].period, 1u);

	/* The next switch opens period 2, once. */
	w.startDiscontinuity(a);
	w.append(a, seg48k(7.0));
	w.startDiscontinuity(v);
	w.append(v, seg90k(7.0));
	EXPECT_EQ(w.periods().size(), 3u);
	EXPECT_EQ(w.segments(a).back().period, 2u);
	EXPECT_EQ(w.segments(v).back().period, 2u);
}

/* A track that is never told joins the new period once its media reach it. */
TEST(SegmentWindow, UntoldTrackJoinsAtThePeriodStart)
{
	SegmentWindow w(live(6));
	const size_t v = w.addTrack(video());
	const size_t a = w.addTrack(audio());
	w.append(v, seg90k(0.0));
	w.append(a, seg48k(0.0));
	w.startDiscontinuity(v);
	w.append(v, seg90k(3.0));
	w.append(a, seg48k(2.0));
	w.append(a, seg48k(4.0));
	EXPECT_EQ(w.segments(a)[1].period, 0u);
	EXPECT_EQ(w.segments(a)[2].period, 1u);
}

TEST(SegmentWindow, DiscontinuityBeforeTheFirstSegmentIsIgnored)
{
	SegmentWindow w(live(6));
	const size_t v = w.addTrack(video());
	w.startDiscontinuity();
	w.append(v, seg90k(0.0));
	ASSERT_EQ(w.periods().size(), 1u);
	EXPECT_EQ(w.periods()[0].index, 0u);
	EXPECT_EQ(w.segments(v)[0].period, 0u);
}

TEST(SegmentWindow, TrackAddedDuringADiscontinuityJoinsTheNewPeriod)
{
	SegmentWindow w(live(6));
	const size_t v = w.addTrack(video());
	w.append(v, seg90k(0.0));
	w.startDiscontinuity();
	const size_t a = w.addTrack(audio());
	w.append(a, seg48k(2.0));
	EXPECT_EQ(w.segments(a)[0].period, 1u);
	EXPECT_EQ(w.periods().back().index, 1u);
}

TEST(SegmentWindow, PeriodsWithoutSegmentsAreDropped)
{
	SegmentWindow w(live(2));
	const size_t v = w.addTrack(video());
	const size_t a = w.addTrack(audio());
	for (int n = 0; n < 2; n++) {
		w.append(v, seg90k(2.0 * n));
		w.append(a, seg48k(2.0 * n));
	}
	w.startDiscontinuity();
	w.append(v, seg90k(4.0));
	w.append(a, seg48k(4.0));
	EXPECT_EQ(w.periods().size(), 2u);

	/* Video has left period 0, audio not yet: period 0 stays. */
	w.append(v, seg90k(6.0));
	EXPECT_EQ(w.segments(v).front().period, 1u);
	EXPECT_EQ(w.periods().size(), 2u);

	w.append(a, seg48k(6.0));
	ASSERT_EQ(w.periods().size(), 1u);
	EXPECT_EQ(w.periods()[0].index, 1u);
	EXPECT_EQ(w.period(0), nullptr);

	/* Media and discontinuity sequence of the playlists come from the first segment. */
	EXPECT_EQ(w.segments(v).front().number, 3u);
	EXPECT_EQ(w.segments(v).front().period, 1u);
}

TEST(SegmentWindow, DescriptionsAreKeptPerPeriod)
{
	SegmentWindow w(live(4));
	const size_t v = w.addTrack(video());
	w.append(v, seg90k(0.0));

	TrackDescription hd = video();
	hd.codecs = "avc1.640028";
	hd.width = 1920;
	w.startDiscontinuity();
	w.updateTrack(v, hd);
	w.append(v, seg90k(2.0));

	EXPECT_EQ(w.track(v, 0).codecs, "avc1.64001f");
	EXPECT_EQ(w.track(v, 1).codecs, "avc1.640028");
	EXPECT_EQ(w.track(v).codecs, "avc1.640028");
	EXPECT_EQ(w.track(v, 7).codecs, "avc1.640028");
}

TEST(SegmentWindow, LiveTargetDurationNeverChanges)
{
	SegmentWindow w(live(3, 2500));
	const size_t v = w.addTrack(video());
	EXPECT_EQ(w.targetDurationSeconds(), 3u);
	w.append(v, seg90k(0.0, 2.5));
	w.append(v, seg90k(2.5, 4.0)); /* too long: the element's bug, not a reason to change */
	EXPECT_EQ(w.targetDurationSeconds(), 3u);
	EXPECT_DOUBLE_EQ(w.maxSegmentDuration(), 4.0);

	SegmentWindow tiny(live(3, 200));
	EXPECT_EQ(tiny.targetDurationSeconds(), 1u);
}

TEST(SegmentWindow, VodTargetDurationCoversTheLongestSegment)
{
	const double longest[] = {2.4, 2.5, 3.2};
	const uint32_t expected[] = {2, 3, 3};
	for (size_t i = 0; i < 3; i++) {
		SegmentWindow w({WindowMode::Vod, 2000, 0});
		const size_t v = w.addTrack(video());
		w.append(v, seg90k(0.0, 2.0));
		w.append(v, seg90k(2.0, longest[i]));
		w.end();
		EXPECT_EQ(w.targetDurationSeconds(), expected[i]) << longest[i];
	}
}

TEST(SegmentWindow, BandwidthIsThePeakIncludingEvictedSegments)
{
	SegmentWindow w(live(2));
	const size_t v = w.addTrack(video());
	EXPECT_EQ(w.bandwidth(v), 0u);
	EXPECT_EQ(w.averageBandwidth(v), 0u);

	w.append(v, seg90k(0.0, 2.0, 1000000)); /* 4 Mbit/s, evicted below */
	w.append(v, seg90k(2.0, 2.0, 250000)); /* 1 Mbit/s */
	w.append(v, seg90k(4.0, 1.0, 250000)); /* 2 Mbit/s */
	EXPECT_EQ(w.segments(v).front().number, 2u);
	EXPECT_EQ(w.bandwidth(v), 4000000u);
	EXPECT_EQ(w.averageBandwidth(v), 2400000u); /* 12 Mbit over 5 s */

	TrackDescription announced = video();
	announced.bandwidth = 5000000;
	w.updateTrack(v, announced);
	EXPECT_EQ(w.bandwidth(v), 5000000u);
	EXPECT_EQ(w.averageBandwidth(v), 5000000u);
}

TEST(SegmentWindow, PresentationEndIsTheLatestSegmentEnd)
{
	SegmentWindow w(live(3));
	const size_t v = w.addTrack(video());
	const size_t a = w.addTrack(audio());
	EXPECT_DOUBLE_EQ(w.presentationEnd(), 0.0);
	w.append(v, seg90k(10.0, 2.0));
	w.append(a, seg48k(10.0, 2.5));
	EXPECT_DOUBLE_EQ(w.presentationEnd(), 12.5);
	EXPECT_FALSE(w.ended());
	w.end();
	EXPECT_TRUE(w.ended());
}
