/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * HLS playlists against golden files (tests/golden/manifests/NAME.m3u8).
 */

#include <string>

#include <gtest/gtest.h>

#include "golden.h"
#include "hls.h"
#include "manifest_scenarios.h"

using namespace sluice;
using namespace sluice::test;

namespace {

void expectPlaylists(const std::string &scenario, const SegmentWindow &w)
{
	expectGolden("manifests", scenario + "-master.m3u8", renderMultivariantPlaylist(w));
	for (size_t i = 0; i < w.trackCount(); i++)
		expectGolden("manifests", scenario + "-" + w.track(i).id + ".m3u8",
			     renderMediaPlaylist(w, i));
}

bool contains(const std::string &text, const std::string &line)
{
	return text.find(line) != std::string::npos;
}

} /* namespace */

TEST(Hls, LiveWindowAfterEviction)
{
	expectPlaylists("live", liveAv());
}

TEST(Hls, Vod)
{
	expectPlaylists("vod", vodAv());
}

TEST(Hls, LiveWithDiscontinuity)
{
	expectPlaylists("live-discontinuity", liveDiscontinuity());
}

TEST(Hls, AudioOnly)
{
	expectPlaylists("audio-only", audioOnly());
}

TEST(Hls, EndedLive)
{
	expectPlaylists("ended-live", endedLive());
}

TEST(Hls, SequenceNumbersFollowEviction)
{
	SegmentWindow w = liveDiscontinuity();
	std::string playlist = renderMediaPlaylist(w, 0);
	EXPECT_TRUE(contains(playlist, "#EXT-X-MEDIA-SEQUENCE:3\n"));
	EXPECT_TRUE(contains(playlist, "#EXT-X-DISCONTINUITY-SEQUENCE:0\n"));

	/* Once the old source's segments are gone, the discontinuity goes with them. */
	appendSegments(w, 26.5, repeat(2.0, 2));
	playlist = renderMediaPlaylist(w, 0);
	EXPECT_TRUE(contains(playlist, "#EXT-X-MEDIA-SEQUENCE:5\n"));
	EXPECT_TRUE(contains(playlist, "#EXT-X-DISCONTINUITY-SEQUENCE:1\n"));
	EXPECT_TRUE(contains(playlist, "#EXT-X-MAP:URI=\"video_0-init-1.mp4\"\n"));
	EXPECT_FALSE(contains(playlist, "#EXT-X-DISCONTINUITY\n"));
	EXPECT_FALSE(contains(playlist, "init-0"));
}

TEST(Hls, TrackWithoutSegmentsIsAnnouncedWhenItsCodecsAreKnown)
{
	SegmentWindow w({WindowMode::Live, 2000, 4});
	w.addTrack(h264());
	w.addTrack(audioTrack("audio_0", "mp4a.40.2", "eng"));
	TrackDescription unknown = audioTrack("audio_1", "", "deu");
	w.addTrack(unknown);

	const std::string master = renderMultivariantPlaylist(w);
	EXPECT_TRUE(contains(master,
			     "#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS=\"avc1.64001f,mp4a.40.2\","));
	EXPECT_TRUE(contains(master, "URI=\"audio_0.m3u8\""));
	EXPECT_FALSE(contains(master, "audio_1"));

	EXPECT_EQ(renderMediaPlaylist(w, 0),
		  "#EXTM3U\n"
		  "#EXT-X-VERSION:7\n"
		  "#EXT-X-TARGETDURATION:2\n"
		  "#EXT-X-MEDIA-SEQUENCE:1\n"
		  "#EXT-X-DISCONTINUITY-SEQUENCE:0\n"
		  "#EXT-X-INDEPENDENT-SEGMENTS\n");
}

TEST(Hls, QuotedStringsStayQuoted)
{
	SegmentWindow w({WindowMode::Live, 2000, 4});
	w.addTrack(audioTrack("audio_0", "mp4a.40.2\"\n", "eng"));
	EXPECT_TRUE(
		contains(renderMultivariantPlaylist(w), "CODECS=\"mp4a.40.2\"\naudio_0.m3u8\n"));
}
