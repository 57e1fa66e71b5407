/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A transcoded variant of a channel: decode, scale, encode per a profile, into its own cmafsink.
 */

#pragma once

#include <map>
#include <set>
#include <string>

#include "decisions.h"
#include "model.h"
#include "teebranch.h"

namespace sluice {

struct TranscodeOptions {
	uint32_t segmentDurationS = 2;
	uint32_t windowSize = 6;
	uint32_t startTimeoutMs = 15000;
};

/*
 * The variant's bin, one chain per track the channel has (tees by track name):
 *
 *   tee.video_0 ─► queue ─► decodebin ─► videoconvert ─► videoscale ─► capsfilter
 *                                   (max_height, even) ─► encoder ─► [parser] ─┐
 *   tee.audio_0 ─► queue ─► decodebin ─► audioconvert ─► audioresample ─►      ├─► cmafsink
 *                                                encoder ─► [parser] ──────────┘  (memory)
 *   a track the decision copies: tee ─► queue ─► cmafsink
 *
 * Keyframes: the encoder's GOP is segment duration x frame rate, and cmafsink asks for a key
 * unit at each boundary (av1enc ignores those; its GOP alone lines up).
 */
class TranscodeBranch : public TeeBranch
{
public:
	/* The variant's name for a profile and decision: "t{profile}-{video}-{audio}". */
	static std::string variantName(const Profile &profile, const DeliveryDecision &decision);

	TranscodeBranch(GstElement *pipeline, const Profile &profile,
			const DeliveryDecision &decision, TranscodeOptions options);
	/* Builds the chains from tees and starts them; false with error when it cannot. */
	bool build(const std::map<std::string, GstElement *> &tees, std::string &error);

	/* cmafsink's resource by name (transfer full), or null. */
	GstBufferList *resource(const std::string &name) const;
	/* "x264enc", "vp9enc + opusenc" */
	const std::string &encoders() const { return encoders_; }

	void handleElementMessage(GstMessage *message) override;

private:
	bool buildVideo(GstElement *tee, const std::string &track, std::string &error);
	bool buildAudio(GstElement *tee, const std::string &track, std::string &error);
	bool linkEnds(GstElement *tee, GstElement *queue, GstElement *last,
		      const std::string &track, std::string &error);
	bool buildCopy(GstElement *tee, const std::string &track, std::string &error);
	GstPad *sinkPad(const std::string &track, std::string &error);

	Profile profile_;
	DeliveryDecision decision_;
	TranscodeOptions options_;
	GstElement *sink_ = nullptr; /* owned by bin_ */
	std::set<std::string> tracks_;
	std::map<std::string, uint64_t> trackSegments_; /* segments made, by track */
	std::string encoders_;
};

} /* namespace sluice */
