/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Narrowing manifests to one video variant: what stays, what goes, and when to give up.
 */

#include <gtest/gtest.h>

#include "hlsparse.h"
#include "mpdparse.h"
#include "variantfilter.h"

namespace sluice {
namespace {

constexpr const char *kMaster
	= "#EXTM3U\r\n"
	  "#EXT-X-VERSION:7\r\n"
	  "#EXT-X-INDEPENDENT-SEGMENTS\r\n"
	  "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud\",NAME=\"en\",URI=\"a.m3u8\"\r\n"
	  "#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=320x240,AUDIO=\"aud\"\r\n"
	  "low/index.m3u8\r\n"
	  "#EXT-X-STREAM-INF:BANDWIDTH=1800000,RESOLUTION=640x360,AUDIO=\"aud\"\r\n"
	  "mid/index.m3u8\r\n"
	  "#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=90000,URI=\"iframes.m3u8\"\r\n"
	  "#EXT-X-STREAM-INF:BANDWIDTH=4000000,RESOLUTION=1280x720,AUDIO=\"aud\"\r\n"
	  "high/index.m3u8\r\n";

TEST(VariantFilter, KeepsOnlyTheChosenHlsVariantAndItsRenditions)
{
	for (size_t index = 0; index < 3; index++) {
		std::optional<std::string> out = keepOnlyHlsVariant(kMaster, index);
		ASSERT_TRUE(out) << index;
		HlsPlaylist playlist;
		std::string error;
		ASSERT_TRUE(parseHlsPlaylist(*out, playlist, error)) << error << "\n" << *out;
		ASSERT_EQ(playlist.variants.size(), 1u) << *out;
		const char *uris[] = {"low/index.m3u8", "mid/index.m3u8", "high/index.m3u8"};
		EXPECT_EQ(playlist.variants[0].uri, uris[index]);
		EXPECT_EQ(playlist.renditions.size(), 1u) << "EXT-X-MEDIA stays";
		EXPECT_EQ(out->find("I-FRAME"), std::string::npos);
		EXPECT_NE(out->find("#EXT-X-INDEPENDENT-SEGMENTS\r\n"), std::string::npos)
			<< "other lines stay as written";
	}
}

TEST(VariantFilter, NoSuchHlsVariantIsNullopt)
{
	EXPECT_FALSE(keepOnlyHlsVariant(kMaster, 3));
	EXPECT_FALSE(keepOnlyHlsVariant("#EXTM3U\n#EXTINF:2,\na.ts\n", 0));
	EXPECT_FALSE(keepOnlyHlsVariant("", 0));
}

constexpr const char *kMpd = R"(<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT4S">
  <Period id="0" start="PT0S">
    <AdaptationSet contentType="video" mimeType="video/mp4">
      <Representation id="v0" bandwidth="300000" width="320" height="240">
        <SegmentTemplate media="v0-$Number$.m4s" initialization="v0-init.mp4"/>
      </Representation>
      <Representation id="v1" bandwidth="1800000" width="640" height="360"/>
      <Representation
          id="v2" bandwidth="4000000" width="1280" height="720">
        <RepresentationIndex sourceURL="v2.idx"/>
      </Representation>
    </AdaptationSet>
    <AdaptationSet contentType="audio" mimeType="audio/mp4">
      <Representation id="a0" bandwidth="128000"/>
    </AdaptationSet>
  </Period>
</MPD>
)";

TEST(VariantFilter, RemovesDashRepresentationsByIdOnly)
{
	std::optional<std::string> out = removeMpdRepresentations(kMpd, {"v0", "v2"});
	ASSERT_TRUE(out);
	Mpd mpd;
	std::string error;
	ASSERT_TRUE(parseMpd(*out, mpd, error)) << error << "\n" << *out;
	auto video = representationsOf(mpd, "video");
	ASSERT_EQ(video.size(), 1u) << *out;
	EXPECT_EQ(video[0]->id, "v1");
	EXPECT_EQ(representationsOf(mpd, "audio").size(), 1u);
	EXPECT_EQ(out->find("v2.idx"), std::string::npos) << "children go with their element";
	EXPECT_EQ(out->find("<Representation id=\"v0\""), std::string::npos);

	out = removeMpdRepresentations(kMpd, {"v1"});
	ASSERT_TRUE(out);
	ASSERT_TRUE(parseMpd(*out, mpd, error)) << error;
	EXPECT_EQ(representationsOf(mpd, "video").size(), 2u) << "a self-closing element";
}

TEST(VariantFilter, UnknownOrUnclosedRepresentationIsNullopt)
{
	EXPECT_FALSE(removeMpdRepresentations(kMpd, {"v9"}));
	EXPECT_FALSE(removeMpdRepresentations("<MPD><Representation id=\"v0\">", {"v0"}));
	EXPECT_FALSE(removeMpdRepresentations("<MPD><Representation id=\"v0\"", {"v0"}));
	EXPECT_TRUE(removeMpdRepresentations(kMpd, {}));
}

} /* namespace */
} /* namespace sluice */
