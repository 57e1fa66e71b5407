/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The synthetic source behind test:// URIs.
 */

#include "testsource.h"

#include <algorithm>

namespace sluice {

/* The encoder and parser chain of a test:// codec, with keyframes every second. */
static std::string videoChain(const TestSourceSpec &spec)
{
	unsigned gop = std::max(1u, spec.fpsNum / std::max(1u, spec.fpsDen));
	std::string kbps = spec.bitrateKbps ? std::to_string(spec.bitrateKbps) : "";
	switch (spec.codec) {
	case TestVideoCodec::H264:
		return "x264enc tune=zerolatency speed-preset=ultrafast key-int-max="
			+ std::to_string(gop) + (kbps.empty() ? "" : " bitrate=" + kbps)
			+ " ! h264parse name=vout config-interval=-1";
	case TestVideoCodec::H265:
		return "x265enc tune=zerolatency speed-preset=ultrafast key-int-max="
			+ std::to_string(gop) + (kbps.empty() ? "" : " bitrate=" + kbps)
			+ " ! h265parse name=vout config-interval=-1";
	case TestVideoCodec::VP9:
		return "vp9enc deadline=1 cpu-used=8 keyframe-max-dist=" + std::to_string(gop)
			+ (kbps.empty() ? "" : " target-bitrate=" + kbps + "000")
			+ " ! vp9parse name=vout";
	case TestVideoCodec::AV1:
		/* av1enc's quantizer bounds default to 0..0 in 1.22: near-lossless, tens of
		 * Mbit/s for a noisy pattern. libaom's own range is 0..63. */
		return "av1enc cpu-used=8 usage-profile=realtime min-quantizer=0 max-quantizer=63 "
		       "keyframe-max-dist="
			+ std::to_string(gop) + (kbps.empty() ? "" : " target-bitrate=" + kbps)
			+ " ! av1parse name=vout";
	case TestVideoCodec::None:
		break;
	}
	return {};
}

/*
 * A live test pattern with a clock overlay and a tone, encoded as the URI asks:
 * test://smpte?codec=h264&width=1280&height=720&fps=30&audio=aac
 */
GstElement *buildTestSource(const TestSourceSpec &spec, std::string &error)
{
	std::string description;
	if (spec.codec != TestVideoCodec::None) {
		description += "videotestsrc is-live=true pattern=" + spec.videotestsrcPattern
			+ " ! video/x-raw,format=I420,width=" + std::to_string(spec.width)
			+ ",height=" + std::to_string(spec.height) + ",framerate="
			+ std::to_string(spec.fpsNum) + "/" + std::to_string(spec.fpsDen)
			+ " ! timeoverlay font-desc=\"Sans 24\" ! " + videoChain(spec) + " ";
	}
	switch (spec.audio) {
	case TestAudioCodec::AAC:
		description += "audiotestsrc is-live=true wave=ticks ! "
			       "audio/x-raw,rate=48000,channels=2 ! avenc_aac ! aacparse name=aout";
		break;
	case TestAudioCodec::Opus:
		description += "audiotestsrc is-live=true wave=ticks ! "
			       "audio/x-raw,rate=48000,channels=2 ! opusenc ! opusparse name=aout";
		break;
	case TestAudioCodec::None:
		break;
	}

	g_autoptr(GError) err = nullptr;
	GstElement *bin = gst_parse_bin_from_description_full(description.c_str(), FALSE, nullptr,
							      GST_PARSE_FLAG_FATAL_ERRORS, &err);
	if (!bin) {
		error = err ? err->message : "cannot build the test pipeline";
		return nullptr;
	}
	/* The parsers' pads become the bin's (one per stream; a parse bin ghosts only one). */
	for (const char *name : {"vout", "aout"}) {
		g_autoptr(GstElement) parser = gst_bin_get_by_name(GST_BIN(bin), name);
		if (!parser)
			continue;
		g_autoptr(GstPad) pad = gst_element_get_static_pad(parser, "src");
		gst_element_add_pad(bin, gst_ghost_pad_new(name, pad));
	}
	return bin;
}

} /* namespace sluice */
