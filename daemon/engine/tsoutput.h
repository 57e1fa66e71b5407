/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * One stream's MPEG-TS outputs: continuous .ts clients and HLS v3, fed from a pipeline.
 */

#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gst/gst.h>
#include <libsoup/soup.h>

#include "tsfanout.h"
#include "tssegmenter.h"

namespace sluice {

/*
 * The MPEG-TS of a channel or of one of its transcoded variants:
 *
 *   the source's own TS (raw pad) ─────────────────────────────┐
 *   or, per track: tee ─► queue ─► [h264parse|h265parse] ─►     ├─► fakesink ─► (bridge) ─►
 *                                 mpegtsmux ───────────────────┘   handoff     main context
 *
 *   main context: TsFanout (.ts clients: PAT/PMT, the last GOP, then live; slow ones dropped)
 *                 TsSegmenter (HLS v3 with TS segments, from the first legacy HLS client on)
 *
 * The handoff runs on a streaming thread; the bytes cross to the main context (the
 * constructor's thread-default one) through a bridge that outlives this object as long as a
 * delivery is queued. Everything else is for the main thread.
 */
class TsOutput
{
public:
	struct Options {
		uint32_t segmentDurationS = 2; /* HLS v3 target duration */
		uint32_t windowSize = 6; /* HLS v3 segments listed */
		uint32_t startTimeoutMs = 15000; /* how long a legacy HLS client waits */
	};
	/* label names it in the log ("channel 3", "channel 3 variant t1-h264-aac"). */
	TsOutput(std::string label, Options options);
	/* Closes the clients and answers the HLS waiters: call after the pipeline stopped. */
	~TsOutput();
	TsOutput(const TsOutput &) = delete;
	TsOutput &operator=(const TsOutput &) = delete;

	/*
	 * A fakesink whose buffers come here (floating). raw: it carries the source's own TS.
	 * Any thread (smartsrc's pad-added makes the raw one).
	 */
	GstElement *makeSink(bool raw);
	/* Which of the two feeds clients get: the source's own bytes (raw) or the mux's. */
	void setRaw(bool raw);

	/* One track of the mux: the tee it branches from and its media type ("video/x-h264"). */
	struct MuxTrack {
		GstElement *tee;
		std::string media;
	};
	/*
	 * Adds the mux branch to bin (playing or not) over tracks; a second call does nothing.
	 * Tracks MPEG-TS cannot carry (VP9, AV1, Opus) are left out; false with error when none
	 * is left.
	 */
	bool buildMux(GstBin *bin, const std::vector<MuxTrack> &tracks, std::string &error);
	bool muxBuilt() const { return muxBuilt_; }

	/*
	 * Keeps the last GOP from now on, so the first client starts at once (a raw feed is
	 * cheap to keep).
	 */
	void keepGop();
	/* A continuous client on msg (GET; the response is taken over). onGone runs when it
	 * leaves. */
	void addClient(SoupServerMessage *msg, std::function<void()> onGone);
	size_t clients() const { return fanout_ ? fanout_->clientCount() : 0; }
	/* What the fan-out sent. */
	uint64_t bytesOut() const { return fanout_ ? fanout_->stats().bytesOut : 0; }

	/*
	 * HLS v3: starts the segmenter when there is none, then runs callback once it finished
	 * count segments (error empty), startTimeoutMs later with what there is (an error when
	 * there is no segment at all), or at stop() with its reason.
	 */
	using HlsCallback = std::function<void(const std::string &error)>;
	void whenHlsReady(uint32_t count, HlsCallback callback);
	/* Whether a legacy HLS request waits for segments. */
	bool waiting() const { return !hlsWaiters_.empty(); }
	/* The HLS v3 segments, from the first legacy client on; null before. */
	const TsSegmenter *segmenter() const { return segmenter_.get(); }

	/* The source switched: HLS v3 players get a discontinuity. */
	void sourceSwitched();
	/* Ends every client and answers the HLS waiters with reason. */
	void stop(const std::string &reason);

private:
	struct Bridge;

	static void onHandoff(GstElement *sink, GstBuffer *buffer, GstPad *pad, gpointer data);
	static gboolean drain(gpointer data);
	static gboolean onHlsTimeout(gpointer data);
	void deliver(bool raw, GBytes *bytes);
	/* Answers the HLS waiters: all of them with error, else those count allows. */
	void answerHls(const std::string &error);

	std::string label_;
	Options options_;
	std::shared_ptr<Bridge> bridge_;
	bool raw_ = false;
	bool muxBuilt_ = false;
	std::unique_ptr<TsFanout> fanout_;
	std::unique_ptr<TsSegmenter> segmenter_;
	std::vector<std::pair<uint32_t, HlsCallback>> hlsWaiters_; /* (count, callback) */
	guint hlsTimer_ = 0;
};

} /* namespace sluice */
