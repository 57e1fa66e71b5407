/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * test:// URIs: every field, every error, canonical round trip.
 */

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testuri.h"

using namespace sluice;

TEST(TestUri, Defaults)
{
	TestSourceSpec spec;
	std::string error;
	ASSERT_TRUE(parseTestUri("test://smpte", spec, error)) << error;
	EXPECT_EQ(spec, TestSourceSpec());
	EXPECT_EQ(spec.videotestsrcPattern, "smpte");
	EXPECT_EQ(testUriFor(spec), "test://smpte");

	ASSERT_TRUE(parseTestUri("test://", spec, error)) << error;
	EXPECT_EQ(spec, TestSourceSpec());
	ASSERT_TRUE(parseTestUri("test://?", spec, error)) << error;
	EXPECT_EQ(spec, TestSourceSpec());
}

TEST(TestUri, AllFields)
{
	TestSourceSpec spec;
	std::string error;
	ASSERT_TRUE(parseTestUri("test://ball?codec=h265&width=1920&height=1080&fps=30000/1001"
				 "&audio=opus&bitrate=2000",
				 spec, error))
		<< error;
	EXPECT_EQ(spec.pattern, "ball");
	EXPECT_EQ(spec.videotestsrcPattern, "ball");
	EXPECT_EQ(spec.codec, TestVideoCodec::H265);
	EXPECT_EQ(spec.audio, TestAudioCodec::Opus);
	EXPECT_EQ(spec.width, 1920u);
	EXPECT_EQ(spec.height, 1080u);
	EXPECT_EQ(spec.fpsNum, 30000u);
	EXPECT_EQ(spec.fpsDen, 1001u);
	EXPECT_EQ(spec.bitrateKbps, 2000u);
}

TEST(TestUri, ValidTable)
{
	struct Case {
		const char *uri;
		const char *canonical;
	};
	const std::vector<Case> cases = {
		{"test://ball", "test://ball"},
		{"test://snow?codec=vp9", "test://snow?codec=vp9"},
		{"test://black?audio=none&codec=none", "test://black?codec=none&audio=none"},
		{"test://colors?codec=av1&audio=aac", "test://colors?codec=av1"},
		{"test://smpte?codec=h264&width=1280&height=720&fps=30&audio=aac&bitrate=0",
		 "test://smpte"},
		{"test://smpte?width=16&height=7680", "test://smpte?width=16&height=7680"},
		{"test://smpte?fps=1", "test://smpte?fps=1"},
		{"test://smpte?fps=120", "test://smpte?fps=120"},
		{"test://smpte?fps=60/2", "test://smpte"},
		{"test://smpte?fps=25/1", "test://smpte?fps=25"},
		{"test://smpte?fps=60000/1001", "test://smpte?fps=60000/1001"},
		{"test://smpte?fps=1/1", "test://smpte?fps=1"},
		{"test://smpte?fps=120000/1000", "test://smpte?fps=120"},
		{"test://smpte?bitrate=1000000", "test://smpte?bitrate=1000000"},
		{"test://ball?&codec=vp9&", "test://ball?codec=vp9"},
	};
	for (const Case &c : cases) {
		TestSourceSpec spec;
		std::string error;
		ASSERT_TRUE(parseTestUri(c.uri, spec, error)) << c.uri << ": " << error;
		EXPECT_EQ(testUriFor(spec), c.canonical) << c.uri;

		TestSourceSpec again;
		ASSERT_TRUE(parseTestUri(testUriFor(spec), again, error)) << error;
		EXPECT_EQ(again, spec) << c.uri;
	}
}

TEST(TestUri, ErrorTable)
{
	struct Case {
		const char *uri;
		const char *error;
	};
	const std::vector<Case> cases = {
		{"http://ball", "test://: not a test:// URI"},
		{"test:ball", "test://: not a test:// URI"},
		{"TEST://ball", "test://: not a test:// URI"},
		{"test://zone-plate",
		 "test://: unknown pattern \"zone-plate\" (smpte, ball, snow, black, colors)"},
		{"test://Ball",
		 "test://: unknown pattern \"Ball\" (smpte, ball, snow, black, colors)"},
		{"test://ball/",
		 "test://: unknown pattern \"ball/\" (smpte, ball, snow, black, colors)"},
		{"test://ball?codec=h266",
		 "test://: unknown codec \"h266\" (h264, h265, vp9, av1, none)"},
		{"test://ball?codec=", "test://: unknown codec \"\" (h264, h265, vp9, av1, none)"},
		{"test://ball?audio=mp3", "test://: unknown audio \"mp3\" (aac, opus, none)"},
		{"test://ball?width=15", "test://: bad width \"15\" (even number 16..7680)"},
		{"test://ball?width=14", "test://: bad width \"14\" (even number 16..7680)"},
		{"test://ball?width=641", "test://: bad width \"641\" (even number 16..7680)"},
		{"test://ball?width=7682", "test://: bad width \"7682\" (even number 16..7680)"},
		{"test://ball?width=-2", "test://: bad width \"-2\" (even number 16..7680)"},
		{"test://ball?width=1280px",
		 "test://: bad width \"1280px\" (even number 16..7680)"},
		{"test://ball?height=99999999999",
		 "test://: bad height \"99999999999\" (even number 16..7680)"},
		{"test://ball?height=", "test://: bad height \"\" (even number 16..7680)"},
		{"test://ball?fps=0",
		 "test://: bad fps \"0\" (1..120, integer or fraction like 30000/1001)"},
		{"test://ball?fps=121",
		 "test://: bad fps \"121\" (1..120, integer or fraction like 30000/1001)"},
		{"test://ball?fps=30/0",
		 "test://: bad fps \"30/0\" (1..120, integer or fraction like 30000/1001)"},
		{"test://ball?fps=1/2",
		 "test://: bad fps \"1/2\" (1..120, integer or fraction like 30000/1001)"},
		{"test://ball?fps=29.97",
		 "test://: bad fps \"29.97\" (1..120, integer or fraction like 30000/1001)"},
		{"test://ball?fps=30/",
		 "test://: bad fps \"30/\" (1..120, integer or fraction like 30000/1001)"},
		{"test://ball?bitrate=fast",
		 "test://: bad bitrate \"fast\" (kbit/s, 0..1000000, 0 = encoder default)"},
		{"test://ball?bitrate=1000001",
		 "test://: bad bitrate \"1000001\" (kbit/s, 0..1000000, 0 = encoder default)"},
		{"test://ball?framerate=30",
		 "test://: unknown parameter \"framerate\" (codec, width, height, fps, audio, "
		 "bitrate)"},
		{"test://ball?Codec=h264",
		 "test://: unknown parameter \"Codec\" (codec, width, height, fps, audio, "
		 "bitrate)"},
		{"test://ball?codec", "test://: parameter \"codec\" has no value"},
		{"test://ball?codec=h264&codec=vp9", "test://: parameter \"codec\" given twice"},
		{"test://ball?codec=h%32%36%34", "test://: percent-encoding is not supported"},
	};
	for (const Case &c : cases) {
		TestSourceSpec spec;
		std::string error;
		EXPECT_FALSE(parseTestUri(c.uri, spec, error)) << c.uri;
		EXPECT_EQ(error, c.error) << c.uri;
	}
}

TEST(TestUri, CodecNames)
{
	EXPECT_STREQ(testVideoCodecName(TestVideoCodec::AV1), "av1");
	EXPECT_STREQ(testVideoCodecName(TestVideoCodec::None), "none");
	EXPECT_STREQ(testAudioCodecName(TestAudioCodec::AAC), "aac");
	EXPECT_STREQ(testAudioCodecName(TestAudioCodec::Opus), "opus");
}
