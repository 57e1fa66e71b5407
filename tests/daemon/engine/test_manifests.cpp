/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * What the stream URLs do to cmafsink's manifests and resource names.
 */

#include <gtest/gtest.h>

#include "dash.h"
#include "manifests.h"

using namespace sluice;

TEST(EngineManifests, MultivariantUrisGoUnderTheChannel)
{
	const std::string master = "#EXTM3U\n"
				   "#EXT-X-VERSION:7\n"
				   "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=\"audio_0\","
				   "URI=\"audio_0.m3u8\"\n"
				   "#EXT-X-STREAM-INF:BANDWIDTH=1000,AUDIO=\"audio\"\n"
				   "video_0.m3u8\n"
				   "#EXT-X-I-FRAME-STREAM-INF:URI=\"/abs.m3u8\"\n"
				   "http://elsewhere/x.m3u8\n";
	EXPECT_EQ(rewriteMultivariant(master, "7/"),
		  "#EXTM3U\n"
		  "#EXT-X-VERSION:7\n"
		  "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=\"audio_0\","
		  "URI=\"7/audio_0.m3u8\"\n"
		  "#EXT-X-STREAM-INF:BANDWIDTH=1000,AUDIO=\"audio\"\n"
		  "7/video_0.m3u8\n"
		  "#EXT-X-I-FRAME-STREAM-INF:URI=\"/abs.m3u8\"\n"
		  "http://elsewhere/x.m3u8\n");
}

TEST(EngineManifests, MpdGetsABaseUrl)
{
	const std::string mpd = "<?xml version=\"1.0\"?>\n"
				"<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" type=\"dynamic\">\n"
				"  <Period id=\"0\" start=\"PT0S\">\n"
				"  </Period>\n"
				"</MPD>\n";
	EXPECT_EQ(addMpdBaseUrl(mpd, "7/"),
		  "<?xml version=\"1.0\"?>\n"
		  "<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" type=\"dynamic\">\n"
		  "  <BaseURL>7/</BaseURL>\n"
		  "  <Period id=\"0\" start=\"PT0S\">\n"
		  "  </Period>\n"
		  "</MPD>\n");
	const std::string withInfo = "<MPD><ProgramInformation><Title>x</Title>"
				     "</ProgramInformation><Period/></MPD>";
	EXPECT_EQ(addMpdBaseUrl(withInfo, "c/"),
		  "<MPD><ProgramInformation><Title>x</Title></ProgramInformation>\n"
		  "  <BaseURL>c/</BaseURL><Period/></MPD>");
	EXPECT_EQ(addMpdBaseUrl("not xml", "c/"), "not xml");
}

TEST(EngineManifests, ResourceNames)
{
	EXPECT_TRUE(isResourceName("video_0-12.m4s"));
	EXPECT_TRUE(isResourceName("video_0-init-0.mp4"));
	EXPECT_FALSE(isResourceName(""));
	EXPECT_FALSE(isResourceName("../x.m4s"));
	EXPECT_FALSE(isResourceName("a/b.m4s"));
	EXPECT_FALSE(isResourceName("a%2F.m4s"));
	EXPECT_EQ(resourceContentType("master.m3u8"), "application/vnd.apple.mpegurl");
	EXPECT_EQ(resourceContentType("manifest.mpd"), "application/dash+xml");
	EXPECT_EQ(resourceContentType("video_0-init-0.mp4"), "video/mp4");
	EXPECT_EQ(resourceContentType("video_0-3.m4s"), "video/iso.segment");
	EXPECT_EQ(resourceContentType("x.ts"), "");
	EXPECT_TRUE(isManifestName("video_0.m3u8"));
	EXPECT_FALSE(isManifestName("video_0-3.m4s"));
}

TEST(EngineManifests, MediaSegmentNames)
{
	auto parsed = parseMediaSegmentName("video_0-12.m4s");
	ASSERT_TRUE(parsed);
	EXPECT_EQ(parsed->track, "video_0");
	EXPECT_EQ(parsed->number, 12u);
	parsed = parseMediaSegmentName("t3-vp9-opus-9999999999999999999.m4s");
	ASSERT_TRUE(parsed);
	EXPECT_EQ(parsed->track, "t3-vp9-opus");
	EXPECT_EQ(parsed->number, 9999999999999999999u);
	EXPECT_FALSE(parsed->byTime);
	parsed = parseMediaSegmentName("audio_0-t96256.m4s");
	ASSERT_TRUE(parsed);
	EXPECT_EQ(parsed->track, "audio_0");
	EXPECT_EQ(parsed->number, 96256u);
	EXPECT_TRUE(parsed->byTime);
	for (const char *name :
	     {"video_0-init-0.mp4", "video_0-.m4s", "-3.m4s", "video_0-1x.m4s", "video_0.m3u8",
	      "video_0-3.mp4", "video_0-99999999999999999999.m4s", "video_0-t.m4s",
	      "video_0-tt1.m4s"})
		EXPECT_FALSE(parseMediaSegmentName(name)) << name;
}
