/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * HLS playlist parsing against playlists shaped like real IPTV sources, URI resolution and
 * variant choice.
 */

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "hlsparse.h"

using namespace sluice;

namespace {

HlsPlaylist parseOk(const std::string &text)
{
	HlsPlaylist p;
	std::string error;
	EXPECT_TRUE(parseHlsPlaylist(text, p, error)) << error;
	EXPECT_EQ(error, "");
	return p;
}

std::string parseError(const std::string &text)
{
	HlsPlaylist p;
	std::string error;
	EXPECT_FALSE(parseHlsPlaylist(text, p, error));
	return error;
}

} /* namespace */

TEST(HlsParse, MultivariantWithAudioGroups)
{
	HlsPlaylist p = parseOk(R"(#EXTM3U
#EXT-X-VERSION:6
#EXT-X-INDEPENDENT-SEGMENTS
# a comment
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/en/index.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="Deutsch, Stereo",LANGUAGE="de",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="2",URI="audio/de/index.m3u8"
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",URI="subs/en.m3u8"

#EXT-X-STREAM-INF:BANDWIDTH=6221600,AVERAGE-BANDWIDTH=5000000,CODECS="avc1.640028,mp4a.40.2",RESOLUTION=1920x1080,FRAME-RATE=29.970,AUDIO="aac",SUBTITLES="subs"
v1080/index.m3u8?token=abc
#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=200000,URI="v1080/iframes.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=2149280,CODECS="avc1.4d401f,mp4a.40.2",RESOLUTION=1280x720,AUDIO="aac"
https://cdn.example.com/v720/index.m3u8
)");
	EXPECT_TRUE(p.multivariant);
	EXPECT_FALSE(p.live());
	EXPECT_EQ(p.version, 6u);
	EXPECT_TRUE(p.independentSegments);
	EXPECT_TRUE(p.segments.empty());

	ASSERT_EQ(p.variants.size(), 2u);
	const HlsVariant &hi = p.variants[0];
	EXPECT_EQ(hi.uri, "v1080/index.m3u8?token=abc");
	EXPECT_EQ(hi.bandwidth, 6221600u);
	EXPECT_EQ(hi.averageBandwidth, 5000000u);
	EXPECT_EQ(hi.width, 1920u);
	EXPECT_EQ(hi.height, 1080u);
	EXPECT_DOUBLE_EQ(hi.frameRate, 29.97);
	EXPECT_EQ(hi.codecs, "avc1.640028,mp4a.40.2");
	EXPECT_EQ(hi.audioGroup, "aac");
	const HlsVariant &mid = p.variants[1];
	EXPECT_EQ(mid.uri, "https://cdn.example.com/v720/index.m3u8");
	EXPECT_EQ(mid.averageBandwidth, 0u);
	EXPECT_DOUBLE_EQ(mid.frameRate, 0);

	ASSERT_EQ(p.renditions.size(), 3u);
	EXPECT_EQ(p.renditions[0].type, "AUDIO");
	EXPECT_EQ(p.renditions[0].groupId, "aac");
	EXPECT_EQ(p.renditions[0].name, "English");
	EXPECT_EQ(p.renditions[0].language, "en");
	EXPECT_EQ(p.renditions[0].uri, "audio/en/index.m3u8");
	EXPECT_TRUE(p.renditions[0].isDefault);
	EXPECT_TRUE(p.renditions[0].autoselect);
	EXPECT_EQ(p.renditions[0].channels, "2");
	EXPECT_EQ(p.renditions[1].name, "Deutsch, Stereo");
	EXPECT_FALSE(p.renditions[1].isDefault);
	EXPECT_EQ(p.renditions[2].type, "SUBTITLES");
	EXPECT_FALSE(p.renditions[2].autoselect);
}

TEST(HlsParse, MessyAttributes)
{
	/* Spaces, lower-case names, unquoted codecs, attribute without '=', missing BANDWIDTH. */
	HlsPlaylist p = parseOk("#EXTM3U\n"
				"#EXT-X-STREAM-INF: bandwidth = 800000 , RESOLUTION=640X360,"
				"CODECS = \"avc1.42e01e, mp4a.40.2\" ,BOGUS,FRAME-RATE=25\n"
				"  lo.m3u8  \n"
				"#EXT-X-STREAM-INF:CODECS=\"hvc1.1.6.L93.B0\",RESOLUTION=big\n"
				"nobw.m3u8\n"
				"#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS=\"unterminated\n"
				"x.m3u8\n");
	ASSERT_EQ(p.variants.size(), 3u);
	EXPECT_EQ(p.variants[0].uri, "lo.m3u8");
	EXPECT_EQ(p.variants[0].bandwidth, 800000u);
	EXPECT_EQ(p.variants[0].width, 640u);
	EXPECT_EQ(p.variants[0].height, 360u);
	EXPECT_EQ(p.variants[0].codecs, "avc1.42e01e, mp4a.40.2");
	EXPECT_DOUBLE_EQ(p.variants[0].frameRate, 25);
	EXPECT_EQ(p.variants[1].bandwidth, 0u);
	EXPECT_EQ(p.variants[1].height, 0u);
	EXPECT_EQ(p.variants[1].codecs, "hvc1.1.6.L93.B0");
	EXPECT_EQ(p.variants[2].codecs, "unterminated");
}

TEST(HlsParse, StreamInfWithoutUriIsDropped)
{
	HlsPlaylist p = parseOk("#EXTM3U\n"
				"#EXT-X-STREAM-INF:BANDWIDTH=1\n"
				"#EXT-X-STREAM-INF:BANDWIDTH=2\n"
				"b.m3u8\n"
				"#EXT-X-STREAM-INF:BANDWIDTH=3\n");
	ASSERT_EQ(p.variants.size(), 1u);
	EXPECT_EQ(p.variants[0].bandwidth, 2u);
}

TEST(HlsParse, LiveWindow)
{
	HlsPlaylist p = parseOk(R"(#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:6
#EXT-X-MEDIA-SEQUENCE:28411
#EXT-X-DISCONTINUITY-SEQUENCE:12
#EXT-X-PROGRAM-DATE-TIME:2024-03-01T12:00:00.000Z
#EXTINF:6.006,
chunk_28411.ts
#EXTINF:5.973,Live news
chunk_28412.ts
#EXTINF:6
chunk_28413.ts
#EXT-X-PROGRAM-DATE-TIME:2024-03-01T14:00:18.5+02:00
#EXTINF:6.0,
chunk_28414.ts
#EXT-X-UNKNOWN-VENDOR-TAG:foo=bar
#EXT-X-DISCONTINUITY
#EXTINF:4.5,
ad_1.ts
)");
	EXPECT_FALSE(p.multivariant);
	EXPECT_TRUE(p.live());
	EXPECT_EQ(p.version, 3u);
	EXPECT_DOUBLE_EQ(p.targetDuration, 6);
	EXPECT_EQ(p.mediaSequence, 28411u);
	EXPECT_EQ(p.discontinuitySequence, 12u);
	EXPECT_EQ(p.playlistType, "");
	EXPECT_FALSE(p.endList);

	ASSERT_EQ(p.segments.size(), 5u);
	EXPECT_EQ(p.segments[0].uri, "chunk_28411.ts");
	EXPECT_DOUBLE_EQ(p.segments[0].duration, 6.006);
	EXPECT_EQ(p.segments[1].title, "Live news");
	EXPECT_DOUBLE_EQ(p.segments[2].duration, 6);

	const int64_t t0 = 1709294400000; /* 2024-03-01T12:00:00Z */
	EXPECT_EQ(p.segments[0].programDateTimeMs, t0);
	EXPECT_EQ(p.segments[1].programDateTimeMs, t0 + 6006);
	EXPECT_EQ(p.segments[2].programDateTimeMs, t0 + 6006 + 5973);
	EXPECT_EQ(p.segments[3].programDateTimeMs, t0 + 18500); /* +02:00 */
	/* No date across a discontinuity without a new EXT-X-PROGRAM-DATE-TIME. */
	EXPECT_TRUE(p.segments[4].discontinuity);
	EXPECT_EQ(p.segments[4].programDateTimeMs, 0);
	for (size_t i = 0; i < 4; i++)
		EXPECT_FALSE(p.segments[i].discontinuity) << i;
	for (const HlsSegment &s : p.segments) {
		EXPECT_EQ(s.mapUri, "");
		EXPECT_EQ(s.byteRangeLength, 0u);
		EXPECT_FALSE(s.encrypted);
	}
}

TEST(HlsParse, EmptyLivePlaylist)
{
	HlsPlaylist p = parseOk("#EXTM3U\n#EXT-X-TARGETDURATION:2\n");
	EXPECT_TRUE(p.live());
	EXPECT_TRUE(p.segments.empty());
}

TEST(HlsParse, VodWithEndList)
{
	HlsPlaylist p = parseOk("#EXTM3U\n"
				"#EXT-X-PLAYLIST-TYPE:VOD\n"
				"#EXT-X-TARGETDURATION:10\n"
				"#EXTINF:10,\n"
				"http://media.example.com/first.ts\n"
				"#EXTINF:9.009,\n"
				"../second.ts\n"
				"#EXT-X-ENDLIST\n");
	EXPECT_EQ(p.playlistType, "VOD");
	EXPECT_TRUE(p.endList);
	EXPECT_FALSE(p.live());
	ASSERT_EQ(p.segments.size(), 2u);
	EXPECT_EQ(p.segments[1].uri, "../second.ts");
}

TEST(HlsParse, EventIsLiveUntilEndList)
{
	const std::string event = "#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:2,\na.ts\n";
	HlsPlaylist p = parseOk(event);
	EXPECT_EQ(p.playlistType, "EVENT");
	EXPECT_TRUE(p.live());
	EXPECT_FALSE(parseOk(event + "#EXT-X-ENDLIST\n").live());
}

TEST(HlsParse, Fmp4WithMapByteRangeAndKeys)
{
	HlsPlaylist p = parseOk(R"(#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:4
#EXT-X-MAP:URI="init.mp4",BYTERANGE="720@0"
#EXT-X-BYTERANGE:1000@720
#EXTINF:4.0,
main.mp4
#EXT-X-BYTERANGE:1200
#EXTINF:4.0,
main.mp4
#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://key",KEYFORMAT="com.apple.streamingkeydelivery"
#EXT-X-BYTERANGE:800
#EXTINF:4.0,
other.mp4
#EXT-X-KEY:METHOD=NONE
#EXT-X-DISCONTINUITY
#EXT-X-MAP:URI="init2.mp4"
#EXTINF:4.0,
seg.m4s
#EXT-X-ENDLIST
)");
	ASSERT_EQ(p.segments.size(), 4u);
	EXPECT_EQ(p.segments[0].mapUri, "init.mp4");
	EXPECT_EQ(p.segments[0].byteRangeLength, 1000u);
	EXPECT_EQ(p.segments[0].byteRangeOffset, 720u);
	EXPECT_EQ(p.segments[1].byteRangeLength, 1200u);
	EXPECT_EQ(p.segments[1].byteRangeOffset, 1720u); /* continues the previous range */
	EXPECT_FALSE(p.segments[1].encrypted);
	EXPECT_EQ(p.segments[2].byteRangeLength, 800u);
	EXPECT_EQ(p.segments[2].byteRangeOffset, 0u); /* another resource */
	EXPECT_TRUE(p.segments[2].encrypted);
	EXPECT_EQ(p.segments[2].mapUri, "init.mp4");
	EXPECT_FALSE(p.segments[3].encrypted);
	EXPECT_TRUE(p.segments[3].discontinuity);
	EXPECT_EQ(p.segments[3].mapUri, "init2.mp4");
	EXPECT_EQ(p.segments[3].byteRangeLength, 0u);
}

TEST(HlsParse, CrlfBomAndBlankLines)
{
	HlsPlaylist p = parseOk("\xef\xbb\xbf#EXTM3U\r\n"
				"\r\n"
				"#EXT-X-TARGETDURATION:10\r\n"
				"#EXT-X-MEDIA-SEQUENCE:7\r\n"
				"\r\n"
				"#EXTINF:10.0,Channel 1\r\n"
				"\r\n"
				"segment7.ts\r\n"
				"#EXT-X-ENDLIST"); /* no final newline */
	EXPECT_DOUBLE_EQ(p.targetDuration, 10);
	EXPECT_EQ(p.mediaSequence, 7u);
	EXPECT_TRUE(p.endList);
	ASSERT_EQ(p.segments.size(), 1u);
	EXPECT_EQ(p.segments[0].uri, "segment7.ts");
	EXPECT_EQ(p.segments[0].title, "Channel 1");
}

TEST(HlsParse, Errors)
{
	const std::string notHls = "not an HLS playlist: first line is not #EXTM3U";
	EXPECT_EQ(parseError(""), notHls);
	EXPECT_EQ(parseError("<html><body>403 Forbidden</body></html>\n"), notHls);
	EXPECT_EQ(parseError("\n#EXTM3U\n"), notHls);
	EXPECT_EQ(parseError("#EXTINF:1,\n"), notHls);

	EXPECT_EQ(parseError("#EXTM3U\n#EXT-X-TARGETDURATION:2\nseg.ts\n"),
		  "line 3: URI \"seg.ts\" has no EXTINF duration before it");
	EXPECT_EQ(parseError("#EXTM3U\n#EXTINF:1,\na.ts\nb.ts\n"),
		  "line 4: URI \"b.ts\" has no EXTINF duration before it");
	EXPECT_EQ(parseError("#EXTM3U\n#EXTINF:-1,\na.ts\n"),
		  "line 2: EXTINF duration must be a finite number >= 0, got \"-1\"");
	EXPECT_EQ(parseError("#EXTM3U\n#EXTINF:nan,\na.ts\n"),
		  "line 2: EXTINF duration must be a finite number >= 0, got \"nan\"");
	EXPECT_EQ(parseError("#EXTM3U\n#EXTINF:inf,\na.ts\n"),
		  "line 2: EXTINF duration must be a finite number >= 0, got \"inf\"");
	EXPECT_EQ(parseError("#EXTM3U\n#EXTINF:,\na.ts\n"),
		  "line 2: EXTINF duration must be a finite number >= 0, got \"\"");
	EXPECT_EQ(parseError("#EXTM3U\n#EXTINF:10s,\na.ts\n"),
		  "line 2: EXTINF duration must be a finite number >= 0, got \"10s\"");

	EXPECT_EQ(parseError("#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"x\"\n"),
		  "multivariant playlist without any EXT-X-STREAM-INF variant");
	EXPECT_EQ(parseError("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n"),
		  "multivariant playlist: no EXT-X-STREAM-INF is followed by a variant URI");
	EXPECT_EQ(parseError("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\n#EXTINF:1,\nb.ts\n"),
		  "line 4: EXTINF in a multivariant playlist");
	EXPECT_EQ(parseError("#EXTM3U\n#EXTINF:1,\nb.ts\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\n"),
		  "line 4: EXT-X-STREAM-INF in a media playlist");
}

TEST(HlsParse, LongLines)
{
	const std::string ok(kHlsMaxLineLength - 3, 'a');
	HlsPlaylist p = parseOk("#EXTM3U\n#EXTINF:1,\nseg" + ok + "\r\n");
	ASSERT_EQ(p.segments.size(), 1u);
	EXPECT_EQ(p.segments[0].uri.size(), kHlsMaxLineLength);

	EXPECT_EQ(parseError("#EXTM3U\n#EXTINF:1,\nsegx" + ok + "\n"),
		  "line 3: longer than 65536 bytes");
	EXPECT_EQ(parseError(std::string(kHlsMaxLineLength + 1, '#')),
		  "line 1: longer than 65536 bytes");
}

TEST(HlsParse, TooManySegments)
{
	std::string text = "#EXTM3U\n";
	for (size_t i = 0; i < kHlsMaxSegments; i++)
		text += "#EXTINF:1,\ns.ts\n";
	HlsPlaylist p = parseOk(text);
	EXPECT_EQ(p.segments.size(), kHlsMaxSegments);

	text += "#EXTINF:1,\ns.ts\n";
	EXPECT_EQ(parseError(text), "line 200003: more than 100000 segments");
}

TEST(HlsParse, MapUriAmplificationIsBounded)
{
	/* 2 KiB map URI x 40000 segments would store 80 MiB from 2.5 MiB of input. */
	std::string text = "#EXTM3U\n#EXT-X-MAP:URI=\"" + std::string(2048, 'm') + "\"\n";
	for (size_t i = 0; i < 40000; i++)
		text += "#EXTINF:1,\ns\n";
	EXPECT_EQ(parseError(text).find("EXT-X-MAP URIs of all segments exceed"),
		  size_t {sizeof("line 65540: ") - 1});
}

TEST(ResolveUri, Table)
{
	struct Case {
		const char *base;
		const char *relative;
		const char *expected;
	};
	const std::vector<Case> cases = {
		{"http://a.com/live/index.m3u8", "seg1.ts", "http://a.com/live/seg1.ts"},
		{"http://a.com/live/index.m3u8", "https://b.com/x.ts", "https://b.com/x.ts"},
		{"https://a.com/live/index.m3u8", "//cdn.b.com/x.ts", "https://cdn.b.com/x.ts"},
		{"http://a.com/live/hd/index.m3u8", "/root/x.ts", "http://a.com/root/x.ts"},
		{"http://a.com/live/hd/index.m3u8", "../sd/index.m3u8",
		 "http://a.com/live/sd/index.m3u8"},
		{"http://a.com/live/hd/index.m3u8", "../../../../x.ts", "http://a.com/x.ts"},
		{"http://a.com/live/hd/index.m3u8", "./a/./b/../c.ts",
		 "http://a.com/live/hd/a/c.ts"},
		{"http://a.com/live/index.m3u8?token=1", "seg.ts", "http://a.com/live/seg.ts"},
		{"http://a.com/live/index.m3u8?token=1", "seg.ts?t=2",
		 "http://a.com/live/seg.ts?t=2"},
		{"http://a.com/live/index.m3u8?token=1", "?t=2",
		 "http://a.com/live/index.m3u8?t=2"},
		{"http://a.com/live/index.m3u8?token=1#f", "",
		 "http://a.com/live/index.m3u8?token=1"},
		{"http://a.com/p/x.m3u8", "seg.ts?u=http://x/y/../z",
		 "http://a.com/p/seg.ts?u=http://x/y/../z"},
		{"http://a.com", "index.m3u8", "http://a.com/index.m3u8"},
		{"http://a.com:8080/a/b", "c/", "http://a.com:8080/a/c/"},
		{"http://a.com/a/b/", "..", "http://a.com/a/"},
		{"http://a.com/a/b/", ".", "http://a.com/a/b/"},
		{"http://a.com/a/b", "c.ts#frag", "http://a.com/a/c.ts#frag"},
		{"http://user@a.com/a/", "SEG%201.ts", "http://user@a.com/a/SEG%201.ts"},
		{"file:///srv/hls/index.m3u8", "seg.ts", "file:///srv/hls/seg.ts"},
		{"live/index.m3u8", "seg.ts", "live/seg.ts"},
		{"index.m3u8", "seg.ts", "seg.ts"},
		{"http://a.com/x/y.m3u8", "data:text/plain,hi", "data:text/plain,hi"},
		{"http://a.com/x/y.m3u8", "a:b/c", "a:b/c"},
		{"http://a.com/x/y.m3u8", "1a:b", "http://a.com/x/1a:b"},
	};
	for (const Case &c : cases)
		EXPECT_EQ(resolveUri(c.base, c.relative), c.expected)
			<< c.base << " + " << c.relative;
}

TEST(SelectVariant, Table)
{
	auto v = [](uint64_t bandwidth, uint32_t height) {
		HlsVariant variant;
		variant.bandwidth = bandwidth;
		variant.height = height;
		return variant;
	};
	/* Deliberately unordered, with a bandwidth tie at 3 Mbit/s. */
	const std::vector<HlsVariant> ladder = {v(3000000, 720), v(800000, 360), v(6000000, 1080),
						v(3000000, 900), v(1500000, 540)};

	struct Case {
		VariantPolicy policy;
		VariantLimits limits;
		size_t expected;
	};
	const std::vector<Case> cases = {
		{VariantPolicy::Highest, {}, 2},
		{VariantPolicy::Highest, {360, 1}, 2}, /* limits only apply to Best */
		{VariantPolicy::Lowest, {}, 1},
		{VariantPolicy::Best, {}, 2},
		{VariantPolicy::Best, {720, 0}, 0},
		{VariantPolicy::Best, {900, 0}, 3}, /* tie broken by height */
		{VariantPolicy::Best, {0, 3000000}, 3},
		{VariantPolicy::Best, {0, 2999999}, 4},
		{VariantPolicy::Best, {1080, 1500000}, 4},
		{VariantPolicy::Best, {540, 6000000}, 4},
		{VariantPolicy::Best, {240, 0}, 1}, /* nothing fits: lowest */
		{VariantPolicy::Best, {0, 100}, 1},
	};
	for (const Case &c : cases)
		EXPECT_EQ(selectVariant(ladder, c.policy, c.limits), c.expected)
			<< "policy " << static_cast<int>(c.policy) << " maxHeight "
			<< c.limits.maxHeight << " maxBitrate " << c.limits.maxBitrate;

	/* Height tie-break for Lowest; unknown height fits maxHeight. */
	const std::vector<HlsVariant> odd = {v(1000, 720), v(1000, 360), v(5000, 0), v(9000, 2160)};
	EXPECT_EQ(selectVariant(odd, VariantPolicy::Lowest, {}), 1u);
	EXPECT_EQ(selectVariant(odd, VariantPolicy::Highest, {}), 3u);
	EXPECT_EQ(selectVariant(odd, VariantPolicy::Best, {1080, 0}), 2u);
	EXPECT_EQ(selectVariant(odd, VariantPolicy::Best, {1080, 4000}), 0u);

	EXPECT_EQ(selectVariant({}, VariantPolicy::Best, {}), std::nullopt);
	EXPECT_EQ(selectVariant({v(0, 0)}, VariantPolicy::Best, {720, 1}), 0u);
}
