/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * test:// URIs naming synthetic sources for demos and tests.
 */

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

enum class TestVideoCodec {
	H264,
	H265,
	VP9,
	AV1,
	None,
};

enum class TestAudioCodec {
	AAC,
	Opus,
	None,
};

/*
 * test://PATTERN?codec=h264&width=1280&height=720&fps=30&audio=aac&bitrate=2000
 *
 * PATTERN: smpte (also when empty), ball, snow, black, colors.
 * codec: h264 (default), h265, vp9, av1, none.  audio: aac (default), opus, none.
 * width, height: even, 16..7680 (default 1280x720).
 * fps: 1..120, an integer or a fraction such as 30000/1001 (default 30).
 * bitrate: video, kbit/s; 0 (default) = the encoder's default.
 * Names and values are lower case; every parameter at most once; no percent-encoding.
 */
struct TestSourceSpec {
	std::string pattern = "smpte"; /* as in the URI */
	std::string videotestsrcPattern = "smpte"; /* videotestsrc "pattern" nick */
	TestVideoCodec codec = TestVideoCodec::H264;
	TestAudioCodec audio = TestAudioCodec::AAC;
	uint32_t width = 1280;
	uint32_t height = 720;
	uint32_t fpsNum = 30; /* reduced: gcd(fpsNum, fpsDen) == 1 */
	uint32_t fpsDen = 1;
	uint32_t bitrateKbps = 0;

	bool operator==(const TestSourceSpec &) const = default;
};

/* Names as written in test:// URIs ("h264", "opus", "none"). */
const char *testVideoCodecName(TestVideoCodec codec);
const char *testAudioCodecName(TestAudioCodec codec);

/*
 * On failure, error names the field and the value, e.g.
 * test://: unknown codec "h266" (h264, h265, vp9, av1, none)
 */
bool parseTestUri(std::string_view uri, TestSourceSpec &out, std::string &error);

/*
 * Canonical URI: the pattern, then only the parameters that differ from their defaults, in the
 * order codec, width, height, fps, audio, bitrate. parseTestUri(testUriFor(s)) gives s back for
 * every spec parseTestUri can produce.
 */
std::string testUriFor(const TestSourceSpec &spec);

} /* namespace sluice */
