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

/* A live branch: beyond maxNs of backlog, old buffers go rather than blocking upstream. */
GstElement *makeQueue(GstElement *bin, guint64 maxNs = 3 * GST_SECOND)
{
	GstElement *queue = make(bin, "queue");
	g_object_set(queue, "max-size-buffers", 0u, "max-size-bytes", 0u, "max-size-time", maxNs,
		     "leaky", 2, nullptr);
	return queue;
}

/* The media type an encoder's parser puts out, for the MPEG-TS mux. */
std::string encodedMedia(const std::string &factory)
{
	if (factory.find("h264") != std::string::npos || factory == "x264enc")
		return "video/x-h264";
	if (factory.find("h265") != std::string::npos || factory == "x265enc")
		return "video/x-h265";
	if (factory == "vp9enc")
		return "video/x-vp9";
	if (factory == "av1enc")
		return "video/x-av1";
	if (factory == "opusenc")
		return "audio/x-opus";
	return "audio/mpeg"; /* the AAC encoders */
}

/* What a probe on the metered track counts into: shared with the branch. */
struct MeterProbe {
	std::shared_ptr<std::atomic<uint64_t>> mediaNs;
	guint64 frameNs; /* for a buffer without a duration */

	void add(GstBuffer *buffer) const
	{
		const GstClockTime duration = GST_BUFFER_DURATION(buffer);
		*mediaNs += GST_CLOCK_TIME_IS_VALID(duration) ? duration : frameNs;
	}
};

/* A streaming thread: adds what the buffers of the metered track last. */
GstPadProbeReturn onMeteredData(GstPad *, GstPadProbeInfo *info, gpointer data)
{
	const auto *probe = static_cast<const MeterProbe *>(data);
	if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER) {
		probe->add(GST_PAD_PROBE_INFO_BUFFER(info));
	} else if (GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST(info)) {
		for (guint i = 0; i < gst_buffer_list_length(list); i++)
			probe->add(gst_buffer_list_get(list, i));
	}
	return GST_PAD_PROBE_OK;
}

/*
 * A streaming thread: a variant joins its channel mid-GOP; its decoder starts at the next
 * keyframe (libaom's av1dec fails for good on a frame it has no reference for). The probe
 * goes with the first keyframe.
 */
GstPadProbeReturn untilKeyframe(GstPad *, GstPadProbeInfo *info, gpointer)
{
	GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER(info);
	if (GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT))
		return GST_PAD_PROBE_DROP;
	return GST_PAD_PROBE_REMOVE;
}

/* The caps a channel's tee carries (transfer full), or null before it has any. */
GstCaps *teeCaps(GstElement *tee)
{
	GstPad *sink = gst_element_get_static_pad(tee, "sink");
	GstCaps *caps = gst_pad_get_current_caps(sink);
	gst_object_unref(sink);
	return caps;
}

/* The decoder for what tee carries, added to bin; null with error when there is none. */
GstElement *addDecoder(GstElement *bin, GstElement *tee, std::string &error)
{
	GstCaps *caps = teeCaps(tee);
	if (!caps) {
		error = "the channel's stream has no caps yet";
		return nullptr;
	}
	GstElement *decoder = makeDecoder(caps);
	if (!decoder) {
		g_autofree char *text = gst_caps_to_string(caps);
		error = std::string("no decoder is installed for ") + text;
	} else {
		gst_bin_add(GST_BIN(bin), decoder);
		GstPad *sink = gst_element_get_static_pad(decoder, "sink");
		gst_pad_add_probe(sink, GST_PAD_PROBE_TYPE_BUFFER, untilKeyframe, nullptr, nullptr);
		gst_object_unref(sink);
	}
	gst_caps_unref(caps);
	return decoder;
}

} /* namespace */

std::string TranscodeBranch::variantName(const Profile &profile, const DeliveryDecision &decision)
{
	return "t" + std::to_string(profile.id) + "-" + std::string(codecName(decision.videoCodec))
		+ "-" + std::string(codecName(decision.audioCodec));
}

TranscodeBranch::TranscodeBranch(GstElement *pipeline, const Profile &profile,
				 const DeliveryDecision &decision, TranscodeOptions options,
				 const std::string &label)
	: TeeBranch(pipeline, variantName(profile, decision), Kind::Transcode), profile_(profile),
	  decision_(decision), options_(options), label_(label + " variant " + name()),
	  mediaNs_(std::make_shared<std::atomic<uint64_t>>(0))
{
	TsOutput::Options ts {options_.segmentDurationS, options_.windowSize,
			      options_.startTimeoutMs};
	ts_ = std::make_unique<TsOutput>(label_, ts);
}

TranscodeBranch::~TranscodeBranch()
{
	if (speedTimer_)
		g_source_remove(speedTimer_);
	ts_->stop("the variant " + name() + " was stopped");
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
	if (!startBin(options_.startTimeoutMs)) {
		error = "cannot link the variant to the channel's streams";
		return false;
	}
	speedTimer_ = g_timeout_add_seconds(1, onSpeedTick, this);
	g_info("branch %s: %s", name().c_str(), encoders_.c_str());
	return true;
}

/* Main thread, every second: the encoder's speed, and a warning when it falls behind. */
gboolean TranscodeBranch::onSpeedTick(gpointer data)
{
	auto *self = static_cast<TranscodeBranch *>(data);
	const SpeedMeter::Change change
		= self->meter_.sample(g_get_monotonic_time(), self->mediaNs_->load());
	const double speed = self->meter_.speed().value_or(0);
	if (change == SpeedMeter::Change::BecameSlow)
		g_warning("%s (%s) encodes at %.2fx real time: its players will stall. Lower the "
			  "profile's max height or bitrate, choose a faster preset or a hardware "
			  "encoder, or play fewer transcoded channels at once",
			  self->label_.c_str(), self->encoders_.c_str(), speed);
	else if (change == SpeedMeter::Change::Recovered)
		g_info("%s keeps real time again (%.2fx)", self->label_.c_str(), speed);
	return G_SOURCE_CONTINUE;
}

void TranscodeBranch::meter(GstElement *element, guint64 frameNs)
{
	if (metered_)
		return;
	metered_ = true;
	GstPad *src = gst_element_get_static_pad(element, "src");
	gst_pad_add_probe(src,
			  static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER
						       | GST_PAD_PROBE_TYPE_BUFFER_LIST),
			  onMeteredData, new MeterProbe {mediaNs_, frameNs},
			  [](gpointer probe) { delete static_cast<MeterProbe *>(probe); });
	gst_object_unref(src);
}

bool TranscodeBranch::ensureTs(std::string &error)
{
	if (ts_->muxBuilt())
		return true;
	if (failed()) {
		error = this->error();
		return false;
	}
	return ts_->buildMux(GST_BIN(bin_), muxTracks_, error);
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
	/* The channel's tee has its caps: the channel runs before it gets variants. */
	std::string media;
	GstPad *teeSink = gst_element_get_static_pad(tee, "sink");
	if (GstCaps *caps = gst_pad_get_current_caps(teeSink)) {
		media = gst_structure_get_name(gst_caps_get_structure(caps, 0));
		gst_caps_unref(caps);
	}
	gst_object_unref(teeSink);
	GstElement *queue = makeQueue(bin_);
	const bool ok = linkEnds(tee, queue, queue, track, media, error);
	if (!ok && error.empty())
		error = "cannot copy " + track + " into the variant";
	return ok;
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
	if (GstCaps *caps = teeCaps(tee)) {
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
	GstElement *decode = addDecoder(bin_, tee, error);
	/* Raw frames are what an encoder that falls behind may lose: half a second of them. */
	GstElement *raw = makeQueue(bin_, GST_SECOND / 2);
	GstElement *convert = make(bin_, "videoconvert");
	GstElement *scale = make(bin_, "videoscale");
	GstElement *filter = make(bin_, "capsfilter");
	GstElement *encoder = makeVideoEncoder(choice, settings);
	GstElement *parser = choice.parser.empty() ? nullptr : make(bin_, choice.parser.c_str());
	if (!queue || !decode || !raw || !convert || !scale || !filter || !encoder) {
		gst_caps_unref(scaled);
		if (encoder)
			gst_object_unref(gst_object_ref_sink(encoder));
		if (error.empty())
			error = "cannot make the video transcode elements (videoconvert, "
				"videoscale, "
				+ choice.factory + ")";
		return false;
	}
	gst_bin_add(GST_BIN(bin_), encoder);
	g_object_set(filter, "caps", scaled, nullptr);
	gst_caps_unref(scaled);
	bool ok = gst_element_link_many(queue, decode, raw, convert, scale, filter, encoder,
					nullptr)
		&& (!parser || gst_element_link(encoder, parser));
	GstElement *last = parser ? parser : encoder;
	ok = ok && linkEnds(tee, queue, last, track, encodedMedia(choice.factory), error);
	if (!ok && error.empty())
		error = "cannot link the video transcode chain (" + choice.factory + ")";
	meter(last, gst_util_uint64_scale_int(GST_SECOND, fpsD, fpsN));
	encoders_ += (encoders_.empty() ? "" : " + ") + choice.factory;
	return ok;
}

bool TranscodeBranch::linkEnds(GstElement *tee, GstElement *queue, GstElement *last,
			       const std::string &track, const std::string &media,
			       std::string &error)
{
	GstPad *sink = sinkPad(track, error);
	if (!sink)
		return false;
	GstElement *out = make(bin_, "tee");
	GstPad *outSrc = gst_element_request_pad_simple(out, "src_%u");
	bool ok = gst_element_link(last, out) && gst_pad_link(outSrc, sink) == GST_PAD_LINK_OK;
	gst_object_unref(outSrc);
	gst_object_unref(sink);
	muxTracks_.push_back({out, media});
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
	GstElement *decode = addDecoder(bin_, tee, error);
	GstElement *convert = make(bin_, "audioconvert");
	GstElement *resample = make(bin_, "audioresample");
	GstElement *encoder = makeAudioEncoder(choice);
	GstElement *parser = choice.parser.empty() ? nullptr : make(bin_, choice.parser.c_str());
	if (!queue || !decode || !convert || !resample || !encoder) {
		if (encoder)
			gst_object_unref(gst_object_ref_sink(encoder));
		if (error.empty())
			error = "cannot make the audio transcode elements (" + choice.factory + ")";
		return false;
	}
	gst_bin_add(GST_BIN(bin_), encoder);
	bool ok = gst_element_link_many(queue, decode, convert, resample, encoder, nullptr)
		&& (!parser || gst_element_link(encoder, parser));
	GstElement *last = parser ? parser : encoder;
	ok = ok && linkEnds(tee, queue, last, track, encodedMedia(choice.factory), error);
	if (!ok && error.empty())
		error = "cannot link the audio transcode chain (" + choice.factory + ")";
	/* Audio is metered only when no video is encoded. */
	if (!decision_.transcodeVideo)
		meter(last, 0);
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
