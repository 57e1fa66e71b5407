/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The generated sources and encoder chains the player tests feed cmafsink with.
 */

#include "sources.h"

#include <cmath>

#include <glib.h>

namespace sluice::test {

namespace {

std::string videoEncoder(VideoCodec codec, unsigned gop)
{
	/* Small, fast settings: the suite has to run on two cores in a few minutes. */
	switch (codec) {
	case VideoCodec::H264:
		/* B-frames so composition offsets cross segment boundaries too. */
		return gop
			? "x264enc speed-preset=ultrafast bitrate=400 bframes=2 key-int-max="
				+ std::to_string(gop) + " ! h264parse"
			: "x264enc speed-preset=ultrafast bitrate=400 bframes=2 key-int-max=100000 "
			  "option-string=scenecut=0 ! h264parse";
	case VideoCodec::H265:
		return "x265enc speed-preset=ultrafast bitrate=400 key-int-max="
			+ std::to_string(gop ? gop : 100000)
			+ " option-string=scenecut=0 ! h265parse";
	case VideoCodec::VP9:
		return "vp9enc deadline=1 cpu-used=8 threads=2 target-bitrate=400000 "
		       "keyframe-max-dist="
			+ std::to_string(gop ? gop : 100000) + " ! vp9parse";
	case VideoCodec::AV1:
		return "av1enc cpu-used=8 usage-profile=realtime threads=2 target-bitrate=300 "
		       "keyframe-max-dist="
			+ std::to_string(gop ? gop : 100000)
			+ " ! av1parse ! video/x-av1,stream-format=obu-stream,alignment=tu";
	}
	return {};
}

std::string audioEncoder(AudioCodec codec)
{
	switch (codec) {
	case AudioCodec::AAC:
		return "avenc_aac bitrate=96000 ! aacparse";
	case AudioCodec::Opus:
		return "opusenc bitrate=64000 ! opusparse";
	}
	return {};
}

} /* namespace */

std::vector<const char *> requiredElements(const CodecPair &pair)
{
	std::vector<const char *> elements = {"videotestsrc", "audiotestsrc"};
	switch (pair.video) {
	case VideoCodec::H264:
		elements.insert(elements.end(), {"x264enc", "h264parse"});
		break;
	case VideoCodec::H265:
		elements.insert(elements.end(), {"x265enc", "h265parse"});
		break;
	case VideoCodec::VP9:
		elements.insert(elements.end(), {"vp9enc", "vp9parse"});
		break;
	case VideoCodec::AV1:
		elements.insert(elements.end(), {"av1enc", "av1parse"});
		break;
	}
	if (pair.audio == AudioCodec::AAC)
		elements.insert(elements.end(), {"avenc_aac", "aacparse"});
	else
		elements.insert(elements.end(), {"opusenc", "opusparse"});
	return elements;
}

std::string sourceBranches(const CodecPair &pair, const SourceSpec &spec, const char *sinkName)
{
	const char *live = spec.live ? "true" : "false";
	long frames = std::lround(spec.seconds * kFrameRate);
	long audioBuffers = std::lround(spec.seconds * 50); /* 960 samples at 48 kHz: 20 ms */

	g_autofree char *video = g_strdup_printf(
		"videotestsrc num-buffers=%ld is-live=%s pattern=ball ! "
		"video/x-raw,format=I420,width=320,height=240,framerate=%u/1 ! %s ! queue ! "
		"%s.video_0",
		frames, live, kFrameRate, videoEncoder(pair.video, spec.gopFrames).c_str(),
		sinkName);
	g_autofree char *audio = g_strdup_printf(
		"audiotestsrc num-buffers=%ld is-live=%s samplesperbuffer=960 wave=sine ! "
		"audio/x-raw,rate=48000,channels=2 ! audioconvert ! audioresample ! %s ! queue ! "
		"%s.audio_0",
		audioBuffers, live, audioEncoder(pair.audio).c_str(), sinkName);
	return std::string(video) + "  " + audio;
}

std::vector<std::string> codecsPrefixes(VideoCodec codec)
{
	switch (codec) {
	case VideoCodec::H264:
		return {"avc1.", "avc3."};
	case VideoCodec::H265:
		return {"hvc1.", "hev1."};
	case VideoCodec::VP9:
		return {"vp09."};
	case VideoCodec::AV1:
		return {"av01."};
	}
	return {};
}

std::string codecsPrefix(AudioCodec codec)
{
	return codec == AudioCodec::AAC ? "mp4a.40." : "opus";
}

} /* namespace sluice::test */
