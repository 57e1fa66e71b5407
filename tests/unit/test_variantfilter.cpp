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

/* A live MPD whose window slid: its timelines begin 100 s into the Period. */
constexpr char kLiveMpd[] = R"(<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic" availabilityStartTime="2026-11-21T10:00:00Z">
  <Period id="p0" start="PT0S">
    <AdaptationSet contentType="video">
      <Representation id="v" bandwidth="1">
        <SegmentTemplate timescale="90000" presentationTimeOffset="90000" startNumber="51" media="v-$Number$.m4s">
          <SegmentTimeline>
            <S t="9090000" d="180000" r="5"/>
          </SegmentTimeline>
        </SegmentTemplate>
      </Representation>
    </AdaptationSet>
    <AdaptationSet contentType="audio">
      <SegmentTemplate timescale="48000" presentationTimeOffset="0" media="a-$Time$.m4s">
        <SegmentTimeline><S t="4800000" d="96000"/><S d="96000"/></SegmentTimeline>
      </SegmentTemplate>
      <Representation id="a" bandwidth="1"/>
    </AdaptationSet>
  </Period>
</MPD>
)";

TEST(AnchorLiveMpd, TimelinesBeginWithTheirPeriod)
{
	const std::string out
		= anchorLiveMpd(kLiveMpd, "http://src.example/live/x/manifest.mpd?tok=1");
	EXPECT_NE(out.find("<BaseURL>http://src.example/live/x/</BaseURL>"), std::string::npos)
		<< out;
	/* Video: one segment from the offset to the first; numbers stay where they were. */
	EXPECT_NE(out.find("startNumber=\"50\""), std::string::npos) << out;
	EXPECT_NE(out.find("<S t=\"90000\" d=\"9000000\"/><S t=\"9090000\""), std::string::npos)
		<< out;
	/* Audio: offset 0, no startNumber (so 1). */
	EXPECT_NE(out.find("<SegmentTemplate startNumber=\"0\" timescale=\"48000\""),
		  std::string::npos)
		<< out;
	EXPECT_NE(out.find("<S t=\"0\" d=\"4800000\"/><S t=\"4800000\""), std::string::npos) << out;
	/* Still an MPD our own parser reads, with the same streams. */
	Mpd mpd;
	std::string error;
	ASSERT_TRUE(parseMpd(out, mpd, error)) << error;
	EXPECT_EQ(representationsOf(mpd, "video").size(), 1u);
	EXPECT_EQ(representationsOf(mpd, "audio").size(), 1u);
}

TEST(AnchorLiveMpd, LeavesWhatItCannotAnchorSafely)
{
	/* Static: only the BaseURL. */
	std::string text = kLiveMpd;
	text.replace(text.find("dynamic"), 7, "static");
	std::string out = anchorLiveMpd(text, "http://h/m.mpd");
	EXPECT_EQ(out.find("<S t=\"90000\""), std::string::npos) << out;
	EXPECT_NE(out.find("<BaseURL>http://h/</BaseURL>"), std::string::npos);

	/* startNumber 0: no room for one more. */
	text = kLiveMpd;
	text.replace(text.find("startNumber=\"51\""), 16, "startNumber=\"0\"");
	out = anchorLiveMpd(text, "http://h/m.mpd");
	EXPECT_EQ(out.find("<S t=\"90000\""), std::string::npos) << out;

	/* A timeline already at its offset. */
	text = kLiveMpd;
	text.replace(text.find("t=\"9090000\""), 11, "t=\"90000\"");
	out = anchorLiveMpd(text, "http://h/m.mpd");
	EXPECT_NE(out.find("startNumber=\"51\""), std::string::npos) << out;

	/* An offset this template may inherit from another: not guessed. */
	text = kLiveMpd;
	text.replace(text.find(" presentationTimeOffset=\"0\""), 27, "");
	out = anchorLiveMpd(text, "http://h/m.mpd");
	EXPECT_EQ(out.find("<S t=\"0\" d=\"4800000\"/>"), std::string::npos) << out;
	EXPECT_NE(out.find("<S t=\"90000\" d=\"9000000\"/>"), std::string::npos) << out;

	/* Not an MPD, or truncated: as it came. */
	EXPECT_EQ(anchorLiveMpd("hello", "http://h/m.mpd"), "hello");
	EXPECT_EQ(anchorLiveMpd("<MPD type=\"dynamic\"", "http://h/m.mpd"),
		  "<MPD type=\"dynamic\"");
}

TEST(AnchorLiveMpd, RelativeBaseUrlBecomesAbsolute)
{
	const std::string mpd
		= "<MPD type=\"static\">\n  <BaseURL>media/</BaseURL>\n  <Period/>\n</MPD>";
	EXPECT_NE(anchorLiveMpd(mpd, "https://h/a/b.mpd")
			  .find("<BaseURL>https://h/a/media/</BaseURL>"),
		  std::string::npos);
	const std::string rooted = "<MPD>\n  <BaseURL>/cdn/</BaseURL>\n  <Period/>\n</MPD>";
	EXPECT_NE(anchorLiveMpd(rooted, "https://h:8443/a/b.mpd")
			  .find("<BaseURL>https://h:8443/cdn/</BaseURL>"),
		  std::string::npos);
	const std::string absolute
		= "<MPD>\n  <BaseURL>http://cdn/x/</BaseURL>\n  <Period/>\n</MPD>";
	EXPECT_EQ(anchorLiveMpd(absolute, "https://h/a/b.mpd"), absolute);
}

} /* namespace */
} /* namespace sluice */
