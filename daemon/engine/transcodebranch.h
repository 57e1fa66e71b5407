/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A transcoded variant of a channel: decode, scale, encode per a profile, into its own cmafsink.
 */

#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "decisions.h"
#include "model.h"
#include "speedmeter.h"
#include "teebranch.h"
#include "tsoutput.h"

namespace sluice {

struct TranscodeOptions {
	uint32_t segmentDurationS = 2;
	uint32_t windowSize = 6;
	uint32_t startTimeoutMs = 15000;
};

/*
 * The variant's bin, one chain per track the channel has (tees by track name):
 *
 *   tee.video_0 ─► queue ─► decoder ─► queue ─► videoconvert ─► videoscale ─► capsfilter
 *                                (leaky, raw)         (max_height, even) ─► encoder ─►
 *                                                                 [parser] ─► tee ─┐
 *   tee.audio_0 ─► queue ─► decoder ─► audioconvert ─► audioresample ─►            │
 *                                             encoder ─► [parser] ─► tee ──────────┤
 *   a track the decision copies: tee ─► queue ─► tee ──────────────────────────────┤
 *                                                                                  │
 *   each output tee ─► cmafsink (memory: HLS v7 and DASH) ◄────────────────────────┘
 *                   └► from the variant's first MPEG-TS client: TsOutput's mux (continuous
 *                      .ts and HLS v3): the same encoded samples, muxed a second time
 *
 * The decoder is the one GStreamer ranks highest for the tee's caps (makeDecoder()), not
 * decodebin: its asynchronous state change can leave a bin added to a playing pipeline short
 * of PLAYING. It starts at the first keyframe the tee passes it.
 *
 * An encoder that falls behind loses raw frames in the leaky queue after the decoder (the
 * compressed input before it is kept whole, so the decoder never loses a reference), and
 * its speed (media out per second, SpeedMeter) says so.
 *
 * Keyframes: the encoder's GOP is segment duration x frame rate, and cmafsink asks for a key
 * unit at each boundary (av1enc ignores those; its GOP alone lines up).
 */
class TranscodeBranch : public TeeBranch
{
public:
	/* The variant's name for a profile and decision: "t{profile}-{video}-{audio}". */
	static std::string variantName(const Profile &profile, const DeliveryDecision &decision);

	/* label: the channel's, for the log ("channel 3"). */
	TranscodeBranch(GstElement *pipeline, const Profile &profile,
			const DeliveryDecision &decision, TranscodeOptions options,
			const std::string &label);
	~TranscodeBranch() override;
	/* Builds the chains from tees and starts them; false with error when it cannot. */
	bool build(const std::map<std::string, GstElement *> &tees, std::string &error);

	/* cmafsink's resource by name (transfer full), or null. */
	GstBufferList *resource(const std::string &name) const;
	/* "x264enc", "vp9enc + opusenc" */
	const std::string &encoders() const { return encoders_; }

	void handleElementMessage(GstMessage *message) override;

	/* -- MPEG-TS: the variant's samples muxed again, for .ts and HLS v3 clients -- */
	/* Starts the variant's mux when it has none; false with error when it cannot. */
	bool ensureTs(std::string &error);
	TsOutput &ts() { return *ts_; }
	uint64_t tsBytesOut() const { return ts_->bytesOut(); }
	size_t tsClients() const { return ts_->clients(); }
	bool held() const override
	{
		return TeeBranch::held() || ts_->clients() > 0 || ts_->waiting();
	}

	/* -- how fast it encodes -- */
	/* x real time over the last seconds; nullopt while it warms up. */
	std::optional<double> speed() const { return meter_.speed(); }
	/* Below real time (see SpeedMeter). */
	bool slow() const { return meter_.slow(); }
	bool progressing() const override { return *mediaNs_ > 0; }

private:
	static gboolean onSpeedTick(gpointer data);

	bool buildVideo(GstElement *tee, const std::string &track, std::string &error);
	bool buildAudio(GstElement *tee, const std::string &track, std::string &error);
	/* Ends a chain: last ─► an output tee ─► cmafsink; the channel's tee ─► queue. */
	bool linkEnds(GstElement *tee, GstElement *queue, GstElement *last,
		      const std::string &track, const std::string &media, std::string &error);
	bool buildCopy(GstElement *tee, const std::string &track, std::string &error);
	GstPad *sinkPad(const std::string &track, std::string &error);
	/* Counts the media a transcoded track puts out (frameNs: a buffer without duration). */
	void meter(GstElement *element, guint64 frameNs);

	Profile profile_;
	DeliveryDecision decision_;
	TranscodeOptions options_;
	std::string label_;
	GstElement *sink_ = nullptr; /* owned by bin_ */
	std::set<std::string> tracks_;
	std::map<std::string, uint64_t> trackSegments_; /* segments made, by track */
	std::string encoders_;
	/* What the mux gets: each track's output tee (owned by bin_) and media type. */
	std::vector<TsOutput::MuxTrack> muxTracks_;
	std::unique_ptr<TsOutput> ts_;
	/* Written by a probe on the metered track's streaming thread; shared with the probe. */
	std::shared_ptr<std::atomic<uint64_t>> mediaNs_;
	bool metered_ = false;
	SpeedMeter meter_; /* main thread */
	guint speedTimer_ = 0;
};

} /* namespace sluice */
