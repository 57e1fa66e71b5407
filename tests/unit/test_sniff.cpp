/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Container sniffing against the first bytes of real files, and the hint precedence.
 */

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "codec_samples.h"
#include "sniff.h"

using namespace sluice;
using namespace sluice::test;

namespace {

/* ffmpeg -f lavfi -i testsrc=d=1:s=160x120 -c:v libx264 -f mpegts */
constexpr std::string_view kTsHead
	= "474011100042f0250001c10000ff01ff0001fc80144812010646466d70656709536572766963653031777c43"
	  "caffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffffffffffffffffffff474000100000b00d0001c100000001f0002ab104b2ffffffffffffffffffffff"
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffffffffffffffffffffffffffffffffffffffffffff475000100002b0120001c10000e100f0001be100"
	  "f00015bd4d56ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff4741003007500000"
	  "7b0c7e00000001e0000080c00a31000910a1110007d8610000000109";

/* The same packets, each behind a 4-byte M2TS timestamp (192-byte packets). */
constexpr std::string_view kM2tsHead
	= "00001000474011100042f0250001c10000ff01ff0001fc80144812010646466d706567095365727669636530"
	  "31777c43caffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffffffffffffffffffffffffffff00001000474000100000b00d0001c100000001f0002ab104b2ffffff"
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff00001000475000100002b012"
	  "0001c10000e100f0001be100f00015bd4d56ffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	  "ffffffff0000100047410030075000007b0c7e00000001e0000080c0";

/* The same encode with -f mp4. */
constexpr std::string_view kMp4Head
	= "000000206674797069736f6d0000020069736f6d69736f32617663316d703431000000086672656500001453"
	  "6d646174000002ad0605ffffa9dc45e9bde6d948b7962cd820d923eeef78323634202d20636f726520313634"
	  "2072333039352062616565343030202d20482e3236342f4d5045472d342041564320636f646563202d20436f"
	  "70796c65667420323030332d32303232202d20687474703a2f2f7777772e766964656f6c616e2e6f72672f78"
	  "3236342e68746d6c202d206f7074696f6e733a2063616261633d31207265663d33206465626c6f636b3d313a"
	  "303a3020616e616c7973653d3078333a3078313133206d653d686578207375626d653d37207073793d312070"
	  "73795f72643d312e30303a302e3030206d697865645f7265663d31206d655f72616e67653d3136206368726f"
	  "6d615f6d653d31207472656c6c69733d31203878386463743d312063716d3d3020646561647a6f6e653d3231"
	  "2c313120666173745f70736b69703d31206368726f6d615f71705f6f66667365743d3420746872656164733d"
	  "33206c6f6f6b61686561645f746872656164733d3120736c696365645f746872656164733d30206e723d3020"
	  "646563696d6174653d3120696e7465726c616365643d3020626c757261795f636f6d7061743d3020636f6e73"
	  "747261696e65645f696e7472613d3020626672616d65733d3320625f707972616d69643d3220625f61646170"
	  "743d3120625f626961733d30206469726563743d3120776569676874623d31206f70656e5f676f703d302077"
	  "6569676874703d32206b6579696e743d323530206b6579696e745f6d";

/* ffmpeg -f hls -hls_segment_type fmp4: the init segment. */
constexpr std::string_view kInitHead
	= "0000001c6674797069736f350000020069736f3569736f366d703431000003206d6f6f760000006c6d766864"
	  "000000000000000000000000000003e800000000000100000100000000000000000000000001000000000000"
	  "0000000000000000000100000000000000000000000000004000000000000000000000000000000000000000"
	  "000000000000000000000002000002227472616b0000005c746b686400000003000000000000000000000001"
	  "0000000000000000000000000000000000000000000000000001000000000000000000000000000000010000"
	  "0000000000000000000000004000000000a0000000780000000000306564747300000028656c737400000000"
	  "0000000200000050ffffffff000100000000000000000400000100000000018e6d646961000000206d646864"
	  "000000000000000000000000000032000000000055c400000000002d68646c72000000000000000076696465"
	  "000000000000000000000000566964656f48616e646c657200000001396d696e6600000014766d6864000000"
	  "0100000000000000000000002464696e660000001c6472656600000000000000010000000c75726c20000000"
	  "01000000f97374626c000000ad7374736400000000000000010000009d617663310000000000000001000000"
	  "0000000000000000000000000000a000780048000000480000000000000001154c61766335392e33372e3130"
	  "30206c696278323634000000000000000000000018ffff000000376176634301f4000bffe1001a67f4000b91"
	  "9b28508fc4e022000003000200000300641e28532c01000668ebe3c4";

/* ffmpeg -f hls -hls_segment_type fmp4: the first media segment (styp). */
constexpr std::string_view kFragmentHead
	= "00000018737479706d736468000000006d7364686d7369780000003473696478010000000000000100003200"
	  "0000000000000000000000000000000000000001000024e70000640080000000000001f86d6f6f6600000010"
	  "6d6668640000000000000001000001e0747261660000001c74666864000200380000000100000200000009c0"
	  "010100000000001474666474010000000000000000000000000001a87472756e00000a050000003200000200"
	  "02000000000009c000000400000000c900000400000000890000040000000076000004000000008600000400"
	  "0000008f000004000000008c000004000000007d000004000000008c000004000000009000000400000000aa"
	  "000004000000010700000800000000140000020000000011000002000000006f000004000000009600000400"
	  "0000008100000400000000cb00000600000000150000020000000081000004000000009b00000400000000a8"
	  "000004000000007d000004000000009f0000040000000097000004000000015a000008000000001800000200"
	  "00000012000002000000007f0000040000000083000004000000008e00000400000000870000040000000093"
	  "000004000000007400000400000000b2000004000000006f0000040000000093000004000000007400000400"
	  "0000008a000004000000007c0000040000000082000004000000007d000004000000009b0000040000000079"
	  "00000400000000700000040000000084000004000000006c000004000000007b000004000000005900000400"
	  "0000005b00000400000022ef6d646174000002ad0605ffffa9dc45e9";

/* ffmpeg -c:v libvpx -f webm */
constexpr std::string_view kWebmHead
	= "1a45dfa39f4286810142f7810142f2810442f381084282847765626d42878102428581021853806701000000"
	  "00001fef114d9b74ba4dbb8b53ab841549a96653ac81a14dbb8b53ab841654ae6b53ac81d84dbb8c53ab8412"
	  "54c36753ac8201254dbb8c53ab841c53bb6b53ac821fd9ec0100000000000059000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	  "0000000000000000000000000000000000000000000000000000000000000000001549a966b22ad7b1830f42"
	  "404d808d4c61766635392e32372e31303057418d4c61766635392e32372e313030448988408f400000000000"
	  "1654ae6bc8ae010000000000003fd7810173c588280e97b1b2a4dfcb9c810022b59c83756e64888100868556"
	  "5f56503883810123e3838402625a00e090b081a0ba81789a810255b08455b981011254c367fd7373a063c080"
	  "67c89a45a387454e434f44455244878d4c61766635392e32372e3130307373d763c08b63c588280e97b1b2a4"
	  "dfcb67c8a145a387454e434f4445524487944c61766335392e33372e313030206c696276707867c8a245a388"
	  "4455524154494f4e44879430303a30303a30312e30303030303030303000001f43b6755e2ce78100a34b8281"
	  "000080503a009d012aa00078000147088585888584880202032346dff8e7e00f3be575e35f833fae9fdefe4c"
	  "6bcfc9fecbfeafff91e1e42a1ea87ab3f2dfc62ff15f9fff9cbfc2ff55fc40f959f725ee03fa25fcb3f127fb"
	  "a7752f303fc07f907f51fe65ef6ffe73f9cfb01ff9bea03fe6bf997a";

std::vector<uint8_t> bytes(std::string_view text)
{
	return {text.begin(), text.end()};
}

ContainerGuess sniffText(std::string_view text, std::string_view contentType = {},
			 std::string_view uri = {})
{
	return sniffContainer(bytes(text), contentType, uri);
}

constexpr std::string_view kHlsMedia = "#EXTM3U\n"
				       "#EXT-X-VERSION:7\n"
				       "#EXT-X-TARGETDURATION:2\n"
				       "#EXT-X-MEDIA-SEQUENCE:0\n"
				       "#EXT-X-MAP:URI=\"init.mp4\"\n"
				       "#EXTINF:2.000000,\n"
				       "h0.m4s\n"
				       "#EXT-X-ENDLIST\n";

constexpr std::string_view kIptvList
	= "#EXTM3U x-tvg-url=\"http://epg.example/guide.xml\"\n"
	  "#EXTINF:-1 tvg-id=\"one.example\" tvg-logo=\"http://img.example/1.png\" "
	  "group-title=\"News\",One News\n"
	  "http://example.com/one.ts\n";

constexpr std::string_view kMpd = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				  "<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\" type=\"static\">";

} /* namespace */

TEST(Sniff, RealBinaryHeads)
{
	EXPECT_EQ(sniffContainer(unhex(kTsHead)), ContainerGuess::MpegTs);
	EXPECT_EQ(sniffContainer(unhex(kM2tsHead)), ContainerGuess::MpegTs);
	EXPECT_EQ(sniffContainer(unhex(kMp4Head)), ContainerGuess::Mp4);
	EXPECT_EQ(sniffContainer(unhex(kInitHead)), ContainerGuess::Mp4);
	EXPECT_EQ(sniffContainer(unhex(kFragmentHead)), ContainerGuess::Fmp4Segment);
	EXPECT_EQ(sniffContainer(unhex(kWebmHead)), ContainerGuess::Matroska);
}

TEST(Sniff, MagicBeatsHints)
{
	EXPECT_EQ(sniffContainer(unhex(kTsHead), "application/vnd.apple.mpegurl", "/live.m3u8"),
		  ContainerGuess::MpegTs);
	EXPECT_EQ(sniffContainer(unhex(kMp4Head), "video/mp2t", "/a.ts"), ContainerGuess::Mp4);
	EXPECT_EQ(sniffText(kHlsMedia, "video/mp4", "/x.mp4"), ContainerGuess::HlsPlaylist);
	EXPECT_EQ(sniffText(kMpd, "video/mp2t"), ContainerGuess::DashMpd);
}

TEST(Sniff, FragmentBoxes)
{
	for (std::string_view type : {"moof", "sidx", "emsg", "styp", "prft"}) {
		std::vector<uint8_t> head = {0, 0, 0, 16};
		head.insert(head.end(), type.begin(), type.end());
		head.resize(16);
		EXPECT_EQ(sniffContainer(head), ContainerGuess::Fmp4Segment) << type;
	}
	/* A box size below the header size is not a box. */
	std::vector<uint8_t> bad = {0, 0, 0, 4, 'f', 't', 'y', 'p'};
	EXPECT_EQ(sniffContainer(bad), ContainerGuess::Unknown);
}

TEST(Sniff, TsNeedsThreeSyncBytes)
{
	std::vector<uint8_t> head = unhex(kTsHead);
	head[376] = 0;
	EXPECT_EQ(sniffContainer(head), ContainerGuess::Unknown);
	/* A head too short to see three packets: the hints decide, then the sync bytes. */
	std::vector<uint8_t> shortHead(head.begin(), head.begin() + 200);
	EXPECT_EQ(sniffContainer(shortHead), ContainerGuess::MpegTs);
	EXPECT_EQ(sniffContainer(shortHead, "video/mp4"), ContainerGuess::Mp4);
	shortHead[188] = 0;
	EXPECT_EQ(sniffContainer(shortHead), ContainerGuess::Unknown);
}

TEST(Sniff, HlsPlaylists)
{
	EXPECT_EQ(sniffText(kHlsMedia), ContainerGuess::HlsPlaylist);
	EXPECT_EQ(sniffText("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000000\nv.m3u8\n"),
		  ContainerGuess::HlsPlaylist);
	/* Old-style playlist: only timed entries. */
	EXPECT_EQ(sniffText("#EXTM3U\n#EXTINF:10,\nseg1.ts\n"), ContainerGuess::HlsPlaylist);
	EXPECT_EQ(sniffText("#EXTM3U\r\n#EXTINF:9.97,title\r\nseg1.ts\r\n"),
		  ContainerGuess::HlsPlaylist);
}

TEST(Sniff, ChannelLists)
{
	EXPECT_EQ(sniffText(kIptvList), ContainerGuess::M3uChannelList);
	/* Served with the HLS type and extension all the same. */
	EXPECT_EQ(sniffText(kIptvList, "application/vnd.apple.mpegurl", "/list.m3u8"),
		  ContainerGuess::M3uChannelList);
	EXPECT_EQ(sniffText("#EXTM3U\n#EXTINF:-1,Channel\nhttp://a/b\n"),
		  ContainerGuess::M3uChannelList);
	EXPECT_EQ(sniffText("#EXTM3U\n#EXTINF:0 group-title=\"Sport\",S\nhttp://a/b\n"),
		  ContainerGuess::M3uChannelList);
}

TEST(Sniff, BomAndWhitespace)
{
	EXPECT_EQ(sniffText("\xef\xbb\xbf#EXTM3U\n#EXT-X-TARGETDURATION:6\n"),
		  ContainerGuess::HlsPlaylist);
	EXPECT_EQ(sniffText("\xef\xbb\xbf \r\n\t#EXTM3U\n#EXTINF:-1 tvg-id=\"a\",A\nu\n"),
		  ContainerGuess::M3uChannelList);
	EXPECT_EQ(sniffText(std::string("\xef\xbb\xbf\n\n") + std::string(kMpd)),
		  ContainerGuess::DashMpd);
}

TEST(Sniff, BareM3uHeaderUsesHints)
{
	EXPECT_EQ(sniffText("#EXTM3U\n"), ContainerGuess::HlsPlaylist);
	EXPECT_EQ(sniffText("#EXTM3U\n", {}, "http://iptv.example/get.php?type=m3u"),
		  ContainerGuess::HlsPlaylist);
	EXPECT_EQ(sniffText("#EXTM3U\n", "audio/x-mpegurl", "http://iptv.example/all.m3u?u=1"),
		  ContainerGuess::M3uChannelList);
	EXPECT_EQ(sniffText("#EXTM3U\n", "application/vnd.apple.mpegurl", "/all.m3u"),
		  ContainerGuess::HlsPlaylist);
}

TEST(Sniff, Dash)
{
	EXPECT_EQ(sniffText(kMpd), ContainerGuess::DashMpd);
	EXPECT_EQ(sniffText("<MPD type=\"dynamic\">"), ContainerGuess::DashMpd);
	EXPECT_EQ(sniffText("<?xml version=\"1.0\"?><dash:MPD xmlns:dash=\"urn:x\">"),
		  ContainerGuess::DashMpd);
	/* The head ends inside the prolog: only a DASH hint makes it one. */
	std::string_view prolog = "<?xml version=\"1.0\"?>\n<!-- generated by a packager -->\n";
	EXPECT_EQ(sniffText(prolog), ContainerGuess::Unknown);
	EXPECT_EQ(sniffText(prolog, "application/dash+xml"), ContainerGuess::DashMpd);
	EXPECT_EQ(sniffText(prolog, {}, "http://cdn.example/live/stream.mpd?token=1"),
		  ContainerGuess::DashMpd);
	/* Markup that is not an MPD: an error page must not pass for a playlist. */
	EXPECT_EQ(sniffText("<html><body>403 Forbidden</body></html>",
			    "application/vnd.apple.mpegurl", "/live.m3u8"),
		  ContainerGuess::Unknown);
	EXPECT_EQ(sniffText("<?xml version=\"1.0\"?><MPDX/>"), ContainerGuess::Unknown);
}

TEST(Sniff, HintsWhenHeadIsShort)
{
	std::vector<uint8_t> none;
	EXPECT_EQ(sniffContainer(none), ContainerGuess::Unknown);
	struct Case {
		std::string_view contentType, uri;
		ContainerGuess expected;
	};
	const Case cases[] = {
		{"application/vnd.apple.mpegurl", {}, ContainerGuess::HlsPlaylist},
		{"application/x-mpegURL", {}, ContainerGuess::HlsPlaylist},
		{"audio/mpegurl", {}, ContainerGuess::HlsPlaylist},
		{"application/dash+xml", {}, ContainerGuess::DashMpd},
		{"video/MP2T; charset=binary", {}, ContainerGuess::MpegTs},
		{"video/mp4", {}, ContainerGuess::Mp4},
		{{}, "http://a.example/x/index.M3U8?token=abc#t=1", ContainerGuess::HlsPlaylist},
		{{}, "http://a.example/channels.m3u", ContainerGuess::M3uChannelList},
		{{}, "/manifest.mpd", ContainerGuess::DashMpd},
		{{}, "/seg-1.ts", ContainerGuess::MpegTs},
		{{}, "/movie.mp4", ContainerGuess::Mp4},
		{{}, "/movie.mkv", ContainerGuess::Matroska},
		{{}, "/dir.ts/file", ContainerGuess::Unknown},
		{"application/octet-stream", "/seg.ts", ContainerGuess::MpegTs},
		/* Content-Type before the extension. */
		{"video/mp2t", "/seg.mp4", ContainerGuess::MpegTs},
		{"text/plain", {}, ContainerGuess::Unknown},
	};
	for (const Case &c : cases) {
		EXPECT_EQ(sniffContainer(none, c.contentType, c.uri), c.expected)
			<< c.contentType << " " << c.uri;
		EXPECT_EQ(sniffText("#EX", c.contentType, c.uri), c.expected)
			<< c.contentType << " " << c.uri;
	}
}

TEST(Sniff, LongUnknownHeadIgnoresHints)
{
	std::string junk(600, 'x');
	EXPECT_EQ(sniffText(junk, "video/mp2t", "/a.ts"), ContainerGuess::Unknown);
}

TEST(Sniff, Names)
{
	EXPECT_STREQ(containerName(ContainerGuess::Unknown), "unknown");
	EXPECT_STREQ(containerName(ContainerGuess::HlsPlaylist), "hls");
	EXPECT_STREQ(containerName(ContainerGuess::DashMpd), "dash");
	EXPECT_STREQ(containerName(ContainerGuess::MpegTs), "mpegts");
	EXPECT_STREQ(containerName(ContainerGuess::Mp4), "mp4");
	EXPECT_STREQ(containerName(ContainerGuess::Fmp4Segment), "fmp4-segment");
	EXPECT_STREQ(containerName(ContainerGuess::Matroska), "matroska");
	EXPECT_STREQ(containerName(ContainerGuess::M3uChannelList), "m3u-channel-list");
}
