/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Which GStreamer encoder a profile's codec and hardware setting get, how it is set up, and
 * which decoder a stream gets.
 */

#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <gst/gst.h>

#include "model.h"

namespace sluice {

/* An encoder element and the parser that follows it ("" = none needed). */
struct EncoderChoice {
	std::string factory; /* "" = no encoder available for the codec */
	std::string parser;
	bool hardware = false;
};

/* Whether an element factory exists (gst_element_factory_find in the daemon; a set in tests). */
using FactoryExists = std::function<bool(const std::string &)>;

/*
 * The video encoder for codec (not Copy): hardware first when hwAccel allows it (auto: any
 * present; nvenc / vaapi: only that one; none and qsv: software), then software (x264enc,
 * x265enc, vp9enc, av1enc). Pure: exists says what is installed.
 */
EncoderChoice chooseVideoEncoder(VideoCodec codec, HwAccel hwAccel, const FactoryExists &exists);
/* avenc_aac (+ aacparse) or opusenc (+ opusparse when present). */
EncoderChoice chooseAudioEncoder(AudioCodec codec, const FactoryExists &exists);

/* A sensible bitrate in kbit/s for a height when the profile sets none. */
uint32_t defaultVideoBitrateKbps(VideoCodec codec, uint32_t height);

/* What an encoder is set up with. */
struct VideoEncoderSettings {
	uint32_t bitrateKbps = 0;
	uint32_t keyframeInterval = 50; /* frames: segment duration x frame rate */
	std::string preset; /* x264enc / x265enc speed-preset; "" = veryfast */
};

/* The encoder element, configured for live low latency; null when it cannot be made. */
GstElement *makeVideoEncoder(const EncoderChoice &choice, const VideoEncoderSettings &settings);
GstElement *makeAudioEncoder(const EncoderChoice &choice);

/*
 * The decoder GStreamer ranks highest for caps (a parsed stream, as a channel's tee carries),
 * null when none takes them. A decoder of its own rather than decodebin: decodebin's
 * asynchronous state change, in a bin added to a playing pipeline, can leave that bin short of
 * PLAYING, its decoder never fed.
 */
GstElement *makeDecoder(GstCaps *caps);

/* gst_element_factory_find, as a FactoryExists. */
bool factoryExists(const std::string &name);

} /* namespace sluice */
