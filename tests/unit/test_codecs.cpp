/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Codec configuration parsing/building and RFC 6381 strings, against real encoder output.
 */

#include <gtest/gtest.h>

#include <string_view>

#include "codec_samples.h"
#include "codecs.h"

using namespace sluice;
using namespace sluice::test;

namespace {

TrackConfig track(Codec codec, std::string_view config)
{
	TrackConfig t;
	t.codec = codec;
	t.codecPrivate = unhex(config);
	return t;
}

} /* namespace */

TEST(CodecString, H264)
{
	/* Cross-checked with gst_codec_utils_caps_get_mime_codec (which prints uppercase hex). */
	EXPECT_EQ(codecString(track(Codec::H264, kAvcC320)), "avc1.640014");
	EXPECT_EQ(codecString(track(Codec::H264, kAvcC1080)), "avc1.64002a");
	EXPECT_EQ(codecString(track(Codec::H264, kAvcC422)), "avc1.7a001e");
	EXPECT_EQ(codecString(track(Codec::H264, "0164")), "");
	EXPECT_EQ(codecString(track(Codec::H264, "")), "");
}

TEST(CodecString, H265)
{
	/* Same as gst_codec_utils_caps_get_mime_codec. */
	EXPECT_EQ(codecString(track(Codec::H265, kHvcC320)), "hvc1.1.6.L63.90");
	EXPECT_EQ(codecString(track(Codec::H265, kHvcC1080Main10)), "hvc1.2.4.L123.90");

	/* 14496-15 E.3 example: profile space 1, high tier, several constraint bytes. */
	std::vector<uint8_t> hvcc = unhex(kHvcC320);
	hvcc[1] = 0x40 | 0x20 | 4;
	hvcc[2] = 0x48, hvcc[3] = 0x00, hvcc[4] = 0x00, hvcc[5] = 0x00; /* flags 1, 4 -> 0x12 */
	hvcc[6] = 0xb0, hvcc[7] = 0x00, hvcc[8] = 0x23, hvcc[9] = 0, hvcc[10] = 0, hvcc[11] = 0;
	hvcc[12] = 120;
	TrackConfig t = track(Codec::H265, "");
	t.codecPrivate = hvcc;
	EXPECT_EQ(codecString(t), "hvc1.A4.12.H120.B0.00.23");

	hvcc[6] = 0; /* no constraint bytes at all */
	hvcc[8] = 0;
	t.codecPrivate = hvcc;
	EXPECT_EQ(codecString(t), "hvc1.A4.12.H120");

	EXPECT_EQ(codecString(track(Codec::H265, "01016000")), "");
}

TEST(CodecString, Av1)
{
	EXPECT_EQ(codecString(track(Codec::AV1, kAv1C)), "av01.0.00M.08");
	/* Main profile, level 4.0 (seq_level_idx 8), high tier, 10 bit */
	EXPECT_EQ(codecString(track(Codec::AV1, "8108c000")), "av01.0.08H.10");
	/* Professional, level 5.1 (13), twelve bit */
	EXPECT_EQ(codecString(track(Codec::AV1, "814d6000")), "av01.2.13M.12");
	EXPECT_EQ(codecString(track(Codec::AV1, "0100")), "");
}

TEST(CodecString, Vp9)
{
	TrackConfig t;
	t.codec = Codec::VP9;
	t.width = 320;
	t.height = 240;
	t.frameRate = {30, 1};
	EXPECT_EQ(codecString(t), "vp09.00.20.08");

	t.width = 1920;
	t.height = 1080;
	EXPECT_EQ(codecString(t), "vp09.00.40.08");
	t.frameRate = {60, 1};
	EXPECT_EQ(codecString(t), "vp09.00.41.08");
	t.vp9Level = 31;
	EXPECT_EQ(codecString(t), "vp09.00.31.08");

	/* Non-default colour: the long form, as in the VP9 binding's example. */
	t.vp9Profile = 2;
	t.bitDepth = 10;
	t.colourPrimaries = 9;
	t.transferCharacteristics = 16;
	t.matrixCoefficients = 9;
	EXPECT_EQ(codecString(t), "vp09.02.31.10.01.09.16.09.00");
}

TEST(CodecString, Vp9Levels)
{
	TrackConfig t;
	t.codec = Codec::VP9;
	auto level = [&](uint32_t w, uint32_t h, uint32_t fps) {
		t.width = w;
		t.height = h;
		t.frameRate = {fps, 1};
		return vp9LevelFor(t);
	};
	EXPECT_EQ(level(1920, 1080, 30), 40);
	EXPECT_EQ(level(1280, 720, 30), 31);
	EXPECT_EQ(level(1280, 720, 60), 40);
	EXPECT_EQ(level(3840, 2160, 30), 50);
	EXPECT_EQ(level(3840, 2160, 60), 51);
	EXPECT_EQ(level(256, 144, 15), 10);
	EXPECT_EQ(level(16384, 16384, 120), 62);
	t.frameRate = {0, 1}; /* unknown: counts as 30 */
	EXPECT_EQ(vp9LevelFor(t), 62);
	t.width = 1920;
	t.height = 1080;
	EXPECT_EQ(vp9LevelFor(t), 40);
}

TEST(CodecString, Audio)
{
	EXPECT_EQ(codecString(track(Codec::AAC, kAscLc)), "mp4a.40.2");
	EXPECT_EQ(codecString(track(Codec::AAC, "2b1188")), "mp4a.40.5");
	EXPECT_EQ(codecString(track(Codec::AAC, "eb0988")), "mp4a.40.29");
	EXPECT_EQ(codecString(track(Codec::AAC, "f95e01588840")), "mp4a.40.42");
	EXPECT_EQ(codecString(track(Codec::AAC, "")), "");
	EXPECT_EQ(codecString(track(Codec::Opus, kOpusHead)), "opus");
}

TEST(AnnexB, SplitsThreeAndFourByteStartCodes)
{
	auto data = unhex("00000001aa0100000188000001cc00000000000001dd");
	auto nals = splitAnnexB(data);
	ASSERT_EQ(nals.size(), 4u);
	EXPECT_EQ(hex(nals[0]), "aa01");
	EXPECT_EQ(hex(nals[1]), "88");
	EXPECT_EQ(hex(nals[2]), "cc"); /* trailing_zero_8bits belong to no NAL unit */
	EXPECT_EQ(hex(nals[3]), "dd");

	EXPECT_TRUE(splitAnnexB({}).empty());
	EXPECT_TRUE(splitAnnexB(unhex("0000")).empty());
	EXPECT_TRUE(splitAnnexB(unhex("aabbcc")).empty());
	EXPECT_TRUE(splitAnnexB(unhex("000001")).empty());
	EXPECT_TRUE(splitAnnexB(unhex("00000100000100")).empty());
}

TEST(AnnexB, ToLengthPrefixed)
{
	std::vector<uint8_t> out = {0xff};
	annexBToLengthPrefixed(unhex("0000000167aa00000168bbcc"), out);
	EXPECT_EQ(hex(out), "ff0000000267aa0000000368bbcc");
}

TEST(BuildAvcC, FromRealAccessUnit)
{
	auto avcc = buildAvcC(unhex(kAvcAnnexB));
	ASSERT_TRUE(avcc);
	/* h264parse's record for the same stream, plus the High profile extension: 4:2:0, 8 bit. */
	EXPECT_EQ(hex(*avcc), std::string(kAvcC320) + "fdf8f800");

	TrackConfig t = track(Codec::H264, "");
	t.codecPrivate = *avcc;
	auto size = videoSizeFromConfig(t);
	ASSERT_TRUE(size);
	EXPECT_EQ(size->width, 320u);
	EXPECT_EQ(size->height, 240u);
}

TEST(BuildAvcC, NeedsSpsAndPps)
{
	/* SPS only */
	EXPECT_FALSE(buildAvcC(
		unhex("0000000167640014acd94141fb016a0c0c0d4a000003000200000300791e28532c")));
	/* PPS only */
	EXPECT_FALSE(buildAvcC(unhex("0000000168ebecb22c")));
	/* Truncated SPS */
	EXPECT_FALSE(buildAvcC(unhex("00000001676400140000000168ebecb22c")));
	EXPECT_FALSE(buildAvcC({}));
}

TEST(BuildHvcC, FromRealAccessUnit)
{
	auto hvcc = buildHvcC(unhex(kHevcAnnexB));
	ASSERT_TRUE(hvcc);
	/*
	 * h265parse's record for the same stream, except array_completeness: set here because an
	 * 'hvc1' sample entry must carry all parameter sets (14496-15 8.4.1.1.2).
	 */
	std::vector<uint8_t> expected = unhex(kHvcC320);
	expected[23] |= 0x80; /* VPS array */
	expected[23 + 3 + 2 + 0x18] |= 0x80; /* SPS array */
	expected[23 + 3 + 2 + 0x18 + 3 + 2 + 0x31] |= 0x80; /* PPS array */
	EXPECT_EQ(hex(*hvcc), hex(expected));

	EXPECT_FALSE(buildHvcC(unhex("0000000140010c01ffff016000000300900000030000030")));
	EXPECT_FALSE(buildHvcC({}));
}

TEST(BuildAv1C, FromRealTemporalUnit)
{
	auto av1c = buildAv1C(unhex(kAv1TemporalUnit));
	ASSERT_TRUE(av1c);
	EXPECT_EQ(hex(*av1c), kAv1C);

	/* A last OBU without obu_size is re-emitted with one, as configOBUs require. */
	av1c = buildAv1C(unhex("120008000000043cffbf81b5f20080"));
	ASSERT_TRUE(av1c);
	EXPECT_EQ(hex(*av1c), kAv1C);

	TrackConfig t = track(Codec::AV1, kAv1C);
	auto size = videoSizeFromConfig(t);
	ASSERT_TRUE(size);
	EXPECT_EQ(size->width, 320u);
	EXPECT_EQ(size->height, 240u);
}

TEST(BuildAv1C, Malformed)
{
	EXPECT_FALSE(buildAv1C({}));
	EXPECT_FALSE(buildAv1C(unhex("1200"))); /* temporal delimiter only */
	EXPECT_FALSE(buildAv1C(unhex("0a0c000000043c"))); /* obu_size past the end */
	EXPECT_FALSE(buildAv1C(unhex("8a0100"))); /* forbidden bit */
	EXPECT_FALSE(buildAv1C(unhex("0affffffffffffffffff01"))); /* leb128 too long */
	EXPECT_FALSE(buildAv1C(unhex("0a01e0"))); /* seq_profile 7 */
}

TEST(VideoSize, CroppedSps)
{
	auto size = videoSizeFromConfig(track(Codec::H264, kAvcC1080));
	ASSERT_TRUE(size);
	EXPECT_EQ(size->width, 1920u);
	EXPECT_EQ(size->height, 1080u);

	size = videoSizeFromConfig(track(Codec::H264, kAvcC422));
	ASSERT_TRUE(size);
	EXPECT_EQ(size->width, 720u);
	EXPECT_EQ(size->height, 576u);

	size = videoSizeFromConfig(track(Codec::H265, kHvcC320));
	ASSERT_TRUE(size);
	EXPECT_EQ(size->width, 320u);
	EXPECT_EQ(size->height, 240u);

	size = videoSizeFromConfig(track(Codec::H265, kHvcC1080Main10));
	ASSERT_TRUE(size);
	EXPECT_EQ(size->width, 1920u);
	EXPECT_EQ(size->height, 1080u);

	EXPECT_FALSE(videoSizeFromConfig(track(Codec::H264, "01640014ffe1")));
	EXPECT_FALSE(videoSizeFromConfig(track(Codec::H265, "")));
	EXPECT_FALSE(videoSizeFromConfig(track(Codec::AAC, kAscLc)));
}

TEST(AudioSpecificConfig, Real)
{
	auto asc = parseAudioSpecificConfig(unhex(kAscLc));
	ASSERT_TRUE(asc);
	EXPECT_EQ(asc->objectType, 2);
	EXPECT_EQ(asc->sampleRate, 48000u);
	EXPECT_EQ(asc->channels, 2);
}

TEST(AudioSpecificConfig, ExplicitSbrAndEscapes)
{
	/* HE-AAC, explicit hierarchical signalling: core 24 kHz, output 48 kHz */
	auto asc = parseAudioSpecificConfig(unhex("2b1188"));
	ASSERT_TRUE(asc);
	EXPECT_EQ(asc->objectType, 5);
	EXPECT_EQ(asc->sampleRate, 48000u);
	EXPECT_EQ(asc->channels, 2);

	/* HE-AAC v2 (PS): mono core */
	asc = parseAudioSpecificConfig(unhex("eb0988"));
	ASSERT_TRUE(asc);
	EXPECT_EQ(asc->objectType, 29);
	EXPECT_EQ(asc->channels, 1);

	/* Escaped object type (31 -> 32 + 10 = 42, USAC) and escaped rate (index 15: 44100) */
	asc = parseAudioSpecificConfig(unhex("f95e01588840"));
	ASSERT_TRUE(asc);
	EXPECT_EQ(asc->objectType, 42);
	EXPECT_EQ(asc->sampleRate, 44100u);
	EXPECT_EQ(asc->channels, 2);

	asc = parseAudioSpecificConfig(unhex("1010")); /* 96 kHz */
	ASSERT_TRUE(asc);
	EXPECT_EQ(asc->sampleRate, 96000u);

	asc = parseAudioSpecificConfig(unhex("11b8")); /* channel configuration 7: 7.1 */
	ASSERT_TRUE(asc);
	EXPECT_EQ(asc->channels, 8);
}

TEST(AudioSpecificConfig, Malformed)
{
	EXPECT_FALSE(parseAudioSpecificConfig({}));
	EXPECT_FALSE(parseAudioSpecificConfig(unhex("12"))); /* truncated */
	EXPECT_FALSE(parseAudioSpecificConfig(unhex("1690"))); /* reserved rate index 13 */
	EXPECT_FALSE(parseAudioSpecificConfig(unhex("0190"))); /* object type 0 */
	EXPECT_FALSE(parseAudioSpecificConfig(unhex("11c0"))); /* reserved channel config 8 */
	EXPECT_FALSE(parseAudioSpecificConfig(unhex("f95e"))); /* escaped rate cut short */
	EXPECT_FALSE(parseAudioSpecificConfig(unhex("f95e00000040"))); /* escaped rate 0 */
	EXPECT_FALSE(parseAudioSpecificConfig(unhex("2b11"))); /* SBR extension cut short */
}

TEST(OpusHead, ParseReal)
{
	auto head = parseOpusHead(unhex(kOpusHead));
	ASSERT_TRUE(head);
	EXPECT_EQ(head->channels, 2);
	EXPECT_EQ(head->preSkip, 312);
	EXPECT_EQ(head->inputSampleRate, 48000u);
	EXPECT_EQ(head->outputGain, 0);
	EXPECT_EQ(head->mappingFamily, 0);
	EXPECT_TRUE(head->mapping.empty());
}

TEST(OpusHead, Family1)
{
	/* 5.1: 4 streams, 2 coupled, Vorbis channel order; output gain -256 (-1 dB) */
	auto head = parseOpusHead(unhex("4f707573486561640106380180bb000000ff010402000401020305"));
	ASSERT_TRUE(head);
	EXPECT_EQ(head->channels, 6);
	EXPECT_EQ(head->outputGain, -256);
	EXPECT_EQ(head->mappingFamily, 1);
	EXPECT_EQ(hex(head->mapping), "0402000401020305");
}

TEST(OpusHead, Malformed)
{
	EXPECT_FALSE(parseOpusHead({}));
	EXPECT_FALSE(parseOpusHead(unhex("4f7075734865616401023801"))); /* short */
	EXPECT_FALSE(parseOpusHead(unhex("4f707573546167730102380180bb0000000000"))); /* OpusTags */
	EXPECT_FALSE(
		parseOpusHead(unhex("4f707573486561641002380180bb0000000000"))); /* version 16 */
	EXPECT_FALSE(
		parseOpusHead(unhex("4f707573486561640100380180bb0000000000"))); /* 0 channels */
	EXPECT_FALSE(parseOpusHead(
		unhex("4f707573486561640103380180bb0000000000"))); /* family 0, 3 ch */
	/* family 1 with the mapping table cut short, too many coupled, mapping out of range */
	EXPECT_FALSE(parseOpusHead(unhex("4f707573486561640106380180bb0000000001040200")));
	EXPECT_FALSE(parseOpusHead(unhex("4f707573486561640102380180bb000000000101020001")));
	EXPECT_FALSE(parseOpusHead(unhex("4f707573486561640102380180bb000000000101000007")));
}

TEST(OpusHead, MakeRoundTrips)
{
	auto bytes = makeOpusHead(2, 312, 48000);
	EXPECT_EQ(hex(bytes), "4f707573486561640102380180bb0000000000");
	auto head = parseOpusHead(bytes);
	ASSERT_TRUE(head);
	EXPECT_EQ(head->preSkip, 312);

	EXPECT_TRUE(makeOpusHead(0, 0, 48000).empty());
	EXPECT_TRUE(makeOpusHead(6, 0, 48000).empty());
}
