/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Which GStreamer encoder a profile's codec and hardware setting get, how it is set up, and
 * which decoder a stream gets.
 */

#include "encoders.h"

#include <vector>

namespace sluice {

namespace {

struct Candidate {
	const char *factory;
	const char *parser;
	HwAccel accel; /* None = software */
};

std::vector<Candidate> candidates(VideoCodec codec)
{
	switch (codec) {
	case VideoCodec::H264:
		return {{"nvh264enc", "h264parse", HwAccel::Nvenc},
			{"vah264enc", "h264parse", HwAccel::Vaapi},
			{"vaapih264enc", "h264parse", HwAccel::Vaapi},
			{"x264enc", "h264parse", HwAccel::None}};
	case VideoCodec::H265:
		return {{"nvh265enc", "h265parse", HwAccel::Nvenc},
			{"vah265enc", "h265parse", HwAccel::Vaapi},
			{"vaapih265enc", "h265parse", HwAccel::Vaapi},
			{"x265enc", "h265parse", HwAccel::None}};
	case VideoCodec::VP9:
		return {{"vp9enc", "vp9parse", HwAccel::None}};
	case VideoCodec::AV1:
		return {{"av1enc", "av1parse", HwAccel::None}};
	case VideoCodec::Copy:
		break;
	}
	return {};
}

} /* namespace */

bool factoryExists(const std::string &name)
{
	g_autoptr(GstElementFactory) factory = gst_element_factory_find(name.c_str());
	return factory != nullptr;
}

EncoderChoice chooseVideoEncoder(VideoCodec codec, HwAccel hwAccel, const FactoryExists &exists)
{
	for (const Candidate &candidate : candidates(codec)) {
		const bool hardware = candidate.accel != HwAccel::None;
		if (hardware && hwAccel != HwAccel::Auto && hwAccel != candidate.accel)
			continue;
		if (!exists(candidate.factory))
			continue;
		EncoderChoice choice {candidate.factory, candidate.parser, hardware};
		/* vp9parse and av1parse are optional: cmafsink reads the encoder's caps too. */
		if (!exists(choice.parser))
			choice.parser.clear();
		return choice;
	}
	return {};
}

EncoderChoice chooseAudioEncoder(AudioCodec codec, const FactoryExists &exists)
{
	EncoderChoice choice;
	if (codec == AudioCodec::AAC) {
		for (const char *name : {"avenc_aac", "fdkaacenc", "voaacenc"}) {
			if (exists(name)) {
				choice = {name, "aacparse", false};
				break;
			}
		}
	} else if (codec == AudioCodec::Opus && exists("opusenc")) {
		choice = {"opusenc", "opusparse", false};
	}
	if (!choice.factory.empty() && !exists(choice.parser))
		choice.parser.clear();
	return choice;
}

uint32_t defaultVideoBitrateKbps(VideoCodec codec, uint32_t height)
{
	uint32_t kbps = height <= 240 ? 400
		: height <= 360	      ? 800
		: height <= 480	      ? 1200
		: height <= 720	      ? 2500
		: height <= 1080      ? 4500
				      : 12000;
	/* The newer codecs reach the same quality with less. */
	if (codec == VideoCodec::H265 || codec == VideoCodec::VP9)
		kbps = kbps * 7 / 10;
	else if (codec == VideoCodec::AV1)
		kbps = kbps * 6 / 10;
	return kbps;
}

GstElement *makeVideoEncoder(const EncoderChoice &choice, const VideoEncoderSettings &settings)
{
	GstElement *encoder = gst_element_factory_make(choice.factory.c_str(), nullptr);
	if (!encoder)
		return nullptr;
	const guint kbps = settings.bitrateKbps;
	const guint gop = settings.keyframeInterval;
	const std::string preset = settings.preset.empty() ? "veryfast" : settings.preset;
	GObject *object = G_OBJECT(encoder);
	if (choice.factory == "x264enc") {
		gst_util_set_object_arg(object, "tune", "zerolatency");
		gst_util_set_object_arg(object, "speed-preset", preset.c_str());
		g_object_set(encoder, "bitrate", kbps, "key-int-max", gop, nullptr);
	} else if (choice.factory == "x265enc") {
		gst_util_set_object_arg(object, "tune", "zerolatency");
		gst_util_set_object_arg(object, "speed-preset", preset.c_str());
		g_object_set(encoder, "bitrate", kbps, "key-int-max", gop, nullptr);
	} else if (choice.factory == "vp9enc") {
		/* Realtime: deadline 1 us per frame means "as fast as possible". */
		g_object_set(encoder, "deadline", G_GINT64_CONSTANT(1), "cpu-used", 8,
			     "keyframe-max-dist", gop, "threads", 2, "row-mt", TRUE,
			     "lag-in-frames", 0, "target-bitrate", kbps * 1000, nullptr);
		gst_util_set_object_arg(object, "end-usage", "cbr");
	} else if (choice.factory == "av1enc") {
		/*
		 * av1enc ignores key-unit requests: keyframe-max-dist alone lines GOPs up. Its
		 * quantizer bounds default to 0..0 (GStreamer 1.22), which libaom's CBR cannot
		 * meet on busy pictures: it aborts the process on an assertion. libaom's own
		 * range is 0..63.
		 */
		gst_util_set_object_arg(object, "usage-profile", "realtime");
		gst_util_set_object_arg(object, "end-usage", "cbr");
		g_object_set(encoder, "cpu-used", 9, "keyframe-max-dist", gop, "target-bitrate",
			     kbps, "threads", 2u, "lag-in-frames", 0u, "min-quantizer", 0u,
			     "max-quantizer", 63u, nullptr);
	} else if (choice.factory == "nvh264enc" || choice.factory == "nvh265enc") {
		gst_util_set_object_arg(object, "preset", "low-latency-hq");
		g_object_set(encoder, "bitrate", kbps, "gop-size", gint(gop), "zerolatency", TRUE,
			     nullptr);
	} else if (choice.factory == "vah264enc" || choice.factory == "vah265enc") {
		gst_util_set_object_arg(object, "rate-control", "cbr");
		g_object_set(encoder, "bitrate", kbps, "key-int-max", gop, nullptr);
	} else if (choice.factory == "vaapih264enc" || choice.factory == "vaapih265enc") {
		gst_util_set_object_arg(object, "rate-control", "cbr");
		g_object_set(encoder, "bitrate", kbps, "keyframe-period", gop, nullptr);
	}
	return encoder;
}

GstElement *makeDecoder(GstCaps *caps)
{
	GList *decoders = gst_element_factory_list_get_elements(GST_ELEMENT_FACTORY_TYPE_DECODER,
								GST_RANK_MARGINAL);
	GList *fitting = gst_element_factory_list_filter(decoders, caps, GST_PAD_SINK, FALSE);
	fitting = g_list_sort(fitting, gst_plugin_feature_rank_compare_func);
	GstElement *decoder = nullptr;
	for (GList *l = fitting; l && !decoder; l = l->next)
		decoder = gst_element_factory_create(GST_ELEMENT_FACTORY(l->data), nullptr);
	gst_plugin_feature_list_free(fitting);
	gst_plugin_feature_list_free(decoders);
	return decoder;
}

GstElement *makeAudioEncoder(const EncoderChoice &choice)
{
	GstElement *encoder = gst_element_factory_make(choice.factory.c_str(), nullptr);
	if (encoder && choice.factory == "opusenc")
		g_object_set(encoder, "bitrate", 96000, nullptr);
	else if (encoder && choice.factory == "avenc_aac")
		g_object_set(encoder, "bitrate", 128000, nullptr);
	return encoder;
}

} /* namespace sluice */
