/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A transcoded variant of a channel: decode, scale, encode per a profile, into its own cmafsink.
 */

#include "transcodebranch.h"

#include "encoders.h"

namespace sluice {

namespace {

std::string_view codecName(VideoCodec codec)
{
	switch (codec) {
	case VideoCodec::H264:
		return "h264";
	case VideoCodec::H265:
		return "h265";
	case VideoCodec::VP9:
		return "vp9";
	case VideoCodec::AV1:
		return "av1";
	case VideoCodec::Copy:
		break;
	}
	return "copy";
}

std::string_view codecName(AudioCodec codec)
{
	switch (codec) {
	case AudioCodec::AAC:
		return "aac";
	case AudioCodec::Opus:
		return "opus";
	case AudioCodec::Copy:
		break;
	}
	return "copy";
}

GstElement *make(GstElement *bin, const char *factory)
{
	GstElement *element = gst_element_factory_make(factory, nullptr);
	if (element)
		gst_bin_add(GST_BIN(bin), element);
	return element;
}

/* A live branch: beyond 3 s of backlog, old buffers go rather than blocking the tee. */
GstElement *makeQueue(GstElement *bin)
{
	GstElement *queue = make(bin, "queue");
	g_object_set(queue, "max-size-buffers", 0u, "max-size-bytes", 0u, "max-size-time",
		     static_cast<guint64>(3 * GST_SECOND), "leaky", 2, nullptr);
	return queue;
}

/* decodebin's streaming thread: its one decoded pad into the chain after it. */
void onDecodedPad(GstElement *, GstPad *pad, gpointer data)
{
	auto *next = static_cast<GstElement *>(data);
	GstPad *sink = gst_element_get_static_pad(next, "sink");
	if (!gst_pad_is_linked(sink) && gst_pad_link(pad, sink) != GST_PAD_LINK_OK)
		g_warning("transcode: cannot link the decoder to %s", GST_OBJECT_NAME(next));
	gst_object_unref(sink);
}

} /* namespace */

std::string TranscodeBranch::variantName(const Profile &profile, const DeliveryDecision &decision)
{
	return "t" + std::to_string(profile.id) + "-" + std::string(codecName(decision.videoCodec))
		+ "-" + std::string(codecName(decision.audioCodec));
}

TranscodeBranch::TranscodeBranch(GstElement *pipeline, const Profile &profile,
				 const DeliveryDecision &decision, TranscodeOptions options)
	: TeeBranch(pipeline, variantName(profile, decision), Kind::Transcode), profile_(profile),
	  decision_(decision), options_(options)
{
}

bool TranscodeBranch::build(const std::map<std::string, GstElement *> &tees, std::string &error)
{
	sink_ = make(bin_, "cmafsink");
	if (!sink_) {
		error = "cmafsink is not available";
		return false;
	}
	g_object_set(sink_, "target-duration", options_.segmentDurationS, "window-size",
		     options_.windowSize, "send-keyframe-requests", TRUE, nullptr);
	bool video = false, audio = false;
	for (const auto &[track, tee] : tees) {
		const bool isVideo = track.starts_with("video_");
		/* One track of each kind, like the channel's own cmafsink. */
		if ((isVideo && video) || (!isVideo && audio))
			continue;
		bool ok;
		if (isVideo)
			ok = decision_.transcodeVideo ? buildVideo(tee, track, error)
						      : buildCopy(tee, track, error);
		else
			ok = decision_.transcodeAudio ? buildAudio(tee, track, error)
						      : buildCopy(tee, track, error);
		if (!ok)
			return false;
		(isVideo ? video : audio) = true;
		tracks_.insert(track);
	}
	if (tracks_.empty()) {
		error = "the channel has no stream to transcode";
		return false;
	}
	startBin(options_.startTimeoutMs);
	g_info("branch %s: %s", name().c_str(), encoders_.c_str());
	return true;
}

GstPad *TranscodeBranch::sinkPad(const std::string &track, std::string &error)
{
	GstPadTemplate *templ = gst_element_get_pad_template(
		sink_, track.starts_with("video_") ? "video_%u" : "audio_%u");
	GstPad *pad
		= templ ? gst_element_request_pad(sink_, templ, track.c_str(), nullptr) : nullptr;
	if (!pad)
		error = "cmafsink has no pad for " + track;
	return pad;
}

bool TranscodeBranch::buildCopy(GstElement *tee, const std::string &track, std::string &error)
{
	GstElement *queue = makeQueue(bin_);
	GstPad *sink = sinkPad(track, error);
	if (!sink)
		return false;
	GstPad *src = gst_element_get_static_pad(queue, "src");
	const bool linked = gst_pad_link(src, sink) == GST_PAD_LINK_OK;
	gst_object_unref(src);
	gst_object_unref(sink);
	GstPad *in = gst_element_get_static_pad(queue, "sink");
	const bool teeLinked = linkTee(tee, in, track);
	gst_object_unref(in);
	if (!linked || !teeLinked)
		error = "cannot copy " + track + " into the variant";
	return linked && teeLinked;
}

bool TranscodeBranch::buildVideo(GstElement *tee, const std::string &track, std::string &error)
{
	const EncoderChoice choice
		= chooseVideoEncoder(decision_.videoCodec, profile_.hwAccel, factoryExists);
	if (choice.factory.empty()) {
		error = "no " + std::string(codecName(decision_.videoCodec))
			+ " encoder is installed (GStreamer plugins)";
		return false;
	}
	/* The source's size and rate, from the caps on the tee. */
	int width = 0, height = 0, fpsN = 25, fpsD = 1;
	GstPad *teeSink = gst_element_get_static_pad(tee, "sink");
	if (GstCaps *caps = gst_pad_get_current_caps(teeSink)) {
		const GstStructure *s = gst_caps_get_structure(caps, 0);
		gst_structure_get_int(s, "width", &width);
		gst_structure_get_int(s, "height", &height);
		if (!gst_structure_get_fraction(s, "framerate", &fpsN, &fpsD) || fpsN <= 0
		    || fpsD <= 0) {
			fpsN = 25;
			fpsD = 1;
		}
		gst_caps_unref(caps);
	}
	gst_object_unref(teeSink);

	GstCaps *scaled = gst_caps_new_empty_simple("video/x-raw");
	uint32_t outHeight = height > 0 ? static_cast<uint32_t>(height) : 0;
	if (profile_.maxHeight && (!height || static_cast<uint32_t>(height) > profile_.maxHeight)) {
		outHeight = profile_.maxHeight & ~1u;
		gst_caps_set_simple(scaled, "height", G_TYPE_INT, int(outHeight), nullptr);
		if (width > 0 && height > 0) {
			/* Keep the aspect, round to even: encoders want 4:2:0 whole. */
			int outWidth = static_cast<int>((int64_t(width) * outHeight * 2 + height)
							/ (2 * int64_t(height)));
			outWidth = std::max(2, outWidth & ~1);
			gst_caps_set_simple(scaled, "width", G_TYPE_INT, outWidth, nullptr);
		}
	}
	/* Software encoders take I420; hardware ones negotiate their own format. */
	if (!choice.hardware)
		gst_caps_set_simple(scaled, "format", G_TYPE_STRING, "I420", nullptr);

	VideoEncoderSettings settings;
	settings.bitrateKbps = profile_.videoBitrateKbps
		? profile_.videoBitrateKbps
		: defaultVideoBitrateKbps(decision_.videoCodec, outHeight ? outHeight : 720);
	settings.keyframeInterval = std::max<uint32_t>(
		1,
		static_cast<uint32_t>((int64_t(options_.segmentDurationS) * fpsN + fpsD - 1)
				      / fpsD));
	settings.preset = profile_.preset;

	GstElement *queue = makeQueue(bin_);
	GstElement *decode = make(bin_, "decodebin");
	GstElement *convert = make(bin_, "videoconvert");
	GstElement *scale = make(bin_, "videoscale");
	GstElement *filter = make(bin_, "capsfilter");
	GstElement *encoder = makeVideoEncoder(choice, settings);
	GstElement *parser = choice.parser.empty() ? nullptr : make(bin_, choice.parser.c_str());
	if (!queue || !decode || !convert || !scale || !filter || !encoder) {
		gst_caps_unref(scaled);
		if (encoder)
			gst_object_unref(gst_object_ref_sink(encoder));
		error = "cannot make the video transcode elements (decodebin, videoconvert, "
			"videoscale, "
			+ choice.factory + ")";
		return false;
	}
	gst_bin_add(GST_BIN(bin_), encoder);
	g_object_set(filter, "caps", scaled, nullptr);
	gst_caps_unref(scaled);
	g_signal_connect(decode, "pad-added", G_CALLBACK(onDecodedPad), convert);
	bool ok = gst_element_link(queue, decode)
		&& gst_element_link_many(convert, scale, filter, encoder, nullptr)
		&& (!parser || gst_element_link(encoder, parser));
	ok = ok && linkEnds(tee, queue, parser ? parser : encoder, track, error);
	if (!ok && error.empty())
		error = "cannot link the video transcode chain (" + choice.factory + ")";
	encoders_ += (encoders_.empty() ? "" : " + ") + choice.factory;
	return ok;
}

/* A built chain between tee and cmafsink: last's src to the sink's pad, the tee to queue. */
bool TranscodeBranch::linkEnds(GstElement *tee, GstElement *queue, GstElement *last,
			       const std::string &track, std::string &error)
{
	GstPad *sink = sinkPad(track, error);
	if (!sink)
		return false;
	GstPad *src = gst_element_get_static_pad(last, "src");
	bool ok = gst_pad_link(src, sink) == GST_PAD_LINK_OK;
	gst_object_unref(src);
	gst_object_unref(sink);
	GstPad *in = gst_element_get_static_pad(queue, "sink");
	ok = ok && linkTee(tee, in, track);
	gst_object_unref(in);
	return ok;
}

bool TranscodeBranch::buildAudio(GstElement *tee, const std::string &track, std::string &error)
{
	const EncoderChoice choice = chooseAudioEncoder(decision_.audioCodec, factoryExists);
	if (choice.factory.empty()) {
		error = "no " + std::string(codecName(decision_.audioCodec))
			+ " encoder is installed (GStreamer plugins)";
		return false;
	}
	GstElement *queue = makeQueue(bin_);
	GstElement *decode = make(bin_, "decodebin");
	GstElement *convert = make(bin_, "audioconvert");
	GstElement *resample = make(bin_, "audioresample");
	GstElement *encoder = makeAudioEncoder(choice);
	GstElement *parser = choice.parser.empty() ? nullptr : make(bin_, choice.parser.c_str());
	if (!queue || !decode || !convert || !resample || !encoder) {
		if (encoder)
			gst_object_unref(gst_object_ref_sink(encoder));
		error = "cannot make the audio transcode elements (" + choice.factory + ")";
		return false;
	}
	gst_bin_add(GST_BIN(bin_), encoder);
	g_signal_connect(decode, "pad-added", G_CALLBACK(onDecodedPad), convert);
	bool ok = gst_element_link(queue, decode)
		&& gst_element_link_many(convert, resample, encoder, nullptr)
		&& (!parser || gst_element_link(encoder, parser));
	ok = ok && linkEnds(tee, queue, parser ? parser : encoder, track, error);
	if (!ok && error.empty())
		error = "cannot link the audio transcode chain (" + choice.factory + ")";
	encoders_ += (encoders_.empty() ? "" : " + ") + choice.factory;
	return ok;
}

GstBufferList *TranscodeBranch::resource(const std::string &name) const
{
	if (!sink_ || failed())
		return nullptr;
	GstBufferList *list = nullptr;
	g_signal_emit_by_name(sink_, "get-resource", name.c_str(), &list);
	return list;
}

void TranscodeBranch::handleElementMessage(GstMessage *message)
{
	const GstStructure *s = gst_message_get_structure(message);
	if (!s || !gst_structure_has_name(s, "cmafsink-segment-added"))
		return;
	if (const char *track = gst_structure_get_string(s, "track"))
		trackSegments_[track]++;
	uint64_t fewest = UINT64_MAX;
	for (const std::string &track : tracks_) {
		auto it = trackSegments_.find(track);
		fewest = std::min<uint64_t>(fewest, it == trackSegments_.end() ? 0 : it->second);
	}
	if (fewest != UINT64_MAX)
		segmentsMade(fewest);
}

} /* namespace sluice */
