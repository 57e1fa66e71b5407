/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The generated sources and encoder chains the player tests feed cmafsink with.
 */

#pragma once

#include <string>
#include <vector>

namespace sluice::test {

enum class VideoCodec {
	H264,
	H265,
	VP9,
	AV1,
};

enum class AudioCodec {
	AAC,
	Opus,
};

struct CodecPair {
	const char *name; /* "h264-aac": test names and failure messages */
	VideoCodec video;
	AudioCodec audio;
};

struct SourceSpec {
	double seconds = 6; /* whole video frames and audio buffers of 20 ms */
	bool live = false; /* is-live=true: produced in real time */
	/*
	 * Encoder key frame interval in frames; 0 leaves the encoder without one (and scene
	 * cuts off) so only cmafsink's key unit requests can start segments.
	 */
	unsigned gopFrames = 30;
};

constexpr unsigned kFrameRate = 30;

/* Element factories a pair needs beyond the core ones, to skip where a machine lacks them. */
std::vector<const char *> requiredElements(const CodecPair &pair);

/*
 * "videotestsrc ... ! encoder ! parser ! queue ! <sink>.video_0 audiotestsrc ... ! encoder !
 * parser ! queue ! <sink>.audio_0": 320x240 I420 at 30 fps and 48 kHz stereo, both starting at
 * zero, for a cmafsink named sinkName described elsewhere in the pipeline.
 */
std::string sourceBranches(const CodecPair &pair, const SourceSpec &spec, const char *sinkName);

/* Prefix of the RFC 6381 codecs string a manifest should name for the codec. */
std::vector<std::string> codecsPrefixes(VideoCodec codec);
std::string codecsPrefix(AudioCodec codec);

} /* namespace sluice::test */
