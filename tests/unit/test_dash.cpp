/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * DASH MPDs against golden files (tests/golden/manifests/NAME.mpd).
 */

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dash.h"
#include "golden.h"
#include "manifest_scenarios.h"

using namespace sluice;
using namespace sluice::test;

namespace {

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
	expectGolden("manifests", scenario + ".mpd", mpd);
}

bool contains(const std::string &text, const std::string &part)
{
	return text.find(part) != std::string::npos;
}

/* A segment as a SegmentTimeline lists it. */
struct Listed {
	uint64_t number;
	uint64_t t;
	uint64_t d;
	bool operator==(const Listed &) const = default;
};

uint64_t attribute(const std::string &tag, const std::string &name, uint64_t fallback)
{
	const size_t at = tag.find(" " + name + "=\"");
	if (at == std::string::npos)
		return fallback;
	return std::stoull(tag.substr(at + name.size() + 3));
}

/* Every SegmentTimeline of the MPD, in order, expanded into its segments. */
std::vector<std::vector<Listed>> timelines(const std::string &mpd)
{
	std::vector<std::vector<Listed>> out;
	size_t pos = 0;
	while ((pos = mpd.find("<SegmentTemplate", pos)) != std::string::npos) {
		const std::string tag = mpd.substr(pos, mpd.find('>', pos) - pos);
		uint64_t number = attribute(tag, "startNumber", 1);
		uint64_t t = 0;
		std::vector<Listed> listed;
		const size_t end = mpd.find("</SegmentTimeline>", pos);
		for (size_t s = mpd.find("<S ", pos); s < end; s = mpd.find("<S ", s + 1)) {
			const std::string element = mpd.substr(s, mpd.find("/>", s) - s);
			t = attribute(element, "t", t);
			const uint64_t d = attribute(element, "d", 0);
			for (uint64_t r = 0; r <= attribute(element, "r", 0); r++) {
				listed.push_back({number++, t, d});
				t += d;
			}
		}
		out.push_back(std::move(listed));
		pos = end;
	}
	return out;
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

/*
 * For GStreamer's dashdemux2: each timeline begins with its Period, the evicted segments
 * summarised with their count and total duration, so the window's own S@t and numbers stay.
 */
TEST(Dash, TimelineFromPeriodStartKeepsTheWindowsNumbersAndTimes)
{
	SegmentWindow w({WindowMode::Live, 2000, 4});
	w.addTrack(h264());
	w.addTrack(audioTrack("audio_0", "mp4a.40.2", "eng"));
	appendSegments(w, kStart, {2.0, 1.96, 2.08, 2.0, 1.92, 2.04, 2.0, 2.0});
	const std::string window = renderMpd(w, now(w));
	const std::string full = renderMpd(w, now(w), MpdTimeline::FromPeriodStart);
	expectShortStartTag(full);

	const auto windowed = timelines(window);
	const auto fromStart = timelines(full);
	ASSERT_EQ(windowed.size(), 2u);
	ASSERT_EQ(fromStart.size(), 2u);
	for (size_t i = 0; i < 2; i++) {
		ASSERT_EQ(windowed[i].size(), 4u) << window;
		ASSERT_EQ(fromStart[i].size(), 8u) << full;
		EXPECT_EQ(fromStart[i].front().number, 1u);
		EXPECT_EQ(fromStart[i].front().t, w.firstSegment(i, 0)->startTime);
		/* The window's segments, untouched, at the end. */
		EXPECT_EQ(std::vector<Listed>(fromStart[i].end() - 4, fromStart[i].end()),
			  windowed[i])
			<< full;
	}
	/* Nothing else changes: timing, Periods, timeShiftBufferDepth. */
	EXPECT_EQ(window.substr(0, window.find("<SegmentTemplate")),
		  full.substr(0, full.find("<SegmentTemplate")));
}

TEST(Dash, TimelineFromPeriodStartPerPeriod)
{
	/* p0 has lost two of its four segments; p1 has all of its three. */
	const SegmentWindow w = liveDiscontinuity();
	const auto fromStart = timelines(renderMpd(w, now(w), MpdTimeline::FromPeriodStart));
	const auto windowed = timelines(renderMpd(w, now(w)));
	ASSERT_EQ(fromStart.size(), 4u); /* video and audio in each Period */
	EXPECT_EQ(fromStart[0].size(), 4u);
	EXPECT_EQ(fromStart[0].front().number, 1u);
	EXPECT_EQ(fromStart[0].front().t, w.firstSegment(0, 0)->startTime);
	EXPECT_EQ(fromStart[2], windowed[2]);
	EXPECT_EQ(fromStart[3], windowed[3]);
	/* A static MPD is the same either way. */
	const SegmentWindow ended = endedLive();
	EXPECT_EQ(renderMpd(ended, now(ended), MpdTimeline::FromPeriodStart),
		  renderMpd(ended, now(ended)));
}

/*
 * A client asked to start further back than three target durations (GStreamer's dashdemux2,
 * which plays only once it holds 30 s) gets that delay, and a time-shift buffer that holds it.
 */
TEST(Dash, PresentationDelayIsSuggestedAndFitsTheTimeShiftBuffer)
{
	SegmentWindow w({WindowMode::Live, 2000, 20});
	w.addTrack(h264());
	appendSegments(w, kStart, std::vector<double>(20, 2.0));
	const std::string standard = renderMpd(w, now(w));
	EXPECT_TRUE(contains(standard, " suggestedPresentationDelay=\"PT6S\"")) << standard;
	EXPECT_TRUE(contains(standard, " timeShiftBufferDepth=\"PT40S\"")) << standard;

	const std::string deep
		= renderMpd(w, now(w), MpdTimeline::FromPeriodStart, MpdAddressing::Number, 36);
	expectShortStartTag(deep);
	EXPECT_TRUE(contains(deep, " suggestedPresentationDelay=\"PT36S\"")) << deep;
	EXPECT_TRUE(contains(deep, " timeShiftBufferDepth=\"PT40S\"")) << deep;
	/* Only the delay differs. */
	std::string expected = standard;
	expected.replace(expected.find("PT6S"), 4, "PT36S");
	EXPECT_EQ(deep, expected);

	/* A window shorter than the delay: the time-shift buffer still reaches that far. */
	SegmentWindow young({WindowMode::Live, 2000, 20});
	young.addTrack(h264());
	appendSegments(young, kStart, {2.0, 2.0});
	const std::string early
		= renderMpd(young, now(young), MpdTimeline::Window, MpdAddressing::Number, 36);
	EXPECT_TRUE(contains(early, " timeShiftBufferDepth=\"PT36S\"")) << early;
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

/* An MPD served from memory tells the time it is served at. */
TEST(Dash, UtcTimingIsRestampedWhenServed)
{
	const std::string mpd = "<MPD type=\"dynamic\">\n  <Period id=\"p0\"/>\n"
				"  <UTCTiming schemeIdUri=\"urn:mpeg:dash:utc:direct:2014\" "
				"value=\"2026-11-21T09:40:35.198Z\"/>\n</MPD>\n";
	const std::string served = restampUtcTiming(mpd, 1795254037500); /* 09:40:37.500 */
	EXPECT_NE(served.find("value=\"2026-11-21T09:40:37.500Z\""), std::string::npos) << served;
	EXPECT_EQ(served.size(), mpd.size());

	const std::string vod = "<MPD type=\"static\"><Period id=\"p0\"/></MPD>";
	EXPECT_EQ(restampUtcTiming(vod, 1795254037500), vod);
	const std::string broken
		= "<MPD><UTCTiming schemeIdUri=\"urn:mpeg:dash:utc:direct:2014\" value=\"";
	EXPECT_EQ(restampUtcTiming(broken, 0), broken);
}
