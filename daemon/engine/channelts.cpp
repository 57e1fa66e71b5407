/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A channel's MPEG-TS: smartsrc's raw bytes or a mpegtsmux branch into its TsOutput
 * (continuous .ts clients and HLS v3 for legacy clients).
 */

#include "channelpipeline.h"

namespace sluice {

/* smartsrc's thread (pad-added): the source's own packets, always taken, cheap to keep. */
void ChannelPipeline::linkRaw(GstPad *pad)
{
	GstElement *queue = gst_element_factory_make("queue", nullptr);
	g_object_set(queue, "max-size-buffers", 0u, "max-size-bytes", 0u, "max-size-time",
		     static_cast<guint64>(3 * GST_SECOND), "leaky", 2, nullptr);
	GstElement *sink = ts_->makeSink(true);
	gst_bin_add_many(GST_BIN(pipeline_), queue, sink, nullptr);
	gst_element_link(queue, sink);
	gst_element_sync_state_with_parent(sink);
	gst_element_sync_state_with_parent(queue);
	GstPad *queueSink = gst_element_get_static_pad(queue, "sink");
	if (gst_pad_link(pad, queueSink) != GST_PAD_LINK_OK)
		g_warning("channel %" G_GUINT64_FORMAT ": cannot link the raw TS pad",
			  static_cast<guint64>(source_.channelId));
	gst_object_unref(queueSink);
}

/* Main thread: the parsed streams muxed again, from their tees, added to the running pipeline. */
bool ChannelPipeline::ensureMuxBranch(std::string &error)
{
	if (ts_->muxBuilt())
		return true;
	std::vector<TsOutput::MuxTrack> tracks;
	for (auto &[name, tee] : teesCopy()) {
		GstPad *teeSink = gst_element_get_static_pad(tee, "sink");
		GstCaps *caps = gst_pad_get_current_caps(teeSink);
		gst_object_unref(teeSink);
		if (!caps)
			continue;
		tracks.push_back({tee, gst_structure_get_name(gst_caps_get_structure(caps, 0))});
		gst_caps_unref(caps);
	}
	if (tracks.empty()) {
		error = "the source has no stream MPEG-TS can carry";
		return false;
	}
	return ts_->buildMux(GST_BIN(pipeline_), tracks, error);
}

uint64_t ChannelPipeline::bytesOut() const
{
	uint64_t bytes = bytesOut_ + ts_->bytesOut();
	for (const auto &[name, branch] : branches_)
		bytes += static_cast<const TranscodeBranch &>(*branch).tsBytesOut();
	return bytes;
}

bool ChannelPipeline::addTsClient(SoupServerMessage *msg, bool passthrough, std::string &error)
{
	if (state_ != ChannelState::Running) {
		error = lastError_.empty() ? "the channel is not running" : lastError_;
		return false;
	}
	/* An MPEG-TS source is relayed as it came whatever the client asked (passthrough);
	 * anything else is muxed. */
	(void)passthrough;
	if (!rawTs_ && !ensureMuxBranch(error))
		return false;
	ts_->addClient(msg, [this] { lastActivityUs_ = g_get_monotonic_time(); });
	lastActivityUs_ = g_get_monotonic_time();
	return true;
}

void ChannelPipeline::whenHlsTsReady(uint32_t count, HlsTsCallback callback)
{
	lastActivityUs_ = g_get_monotonic_time();
	std::string error;
	if (state_ != ChannelState::Running) {
		error = lastError_.empty() ? "the channel is not running" : lastError_;
		return callback(*this, error);
	}
	if (!rawTs_ && !ensureMuxBranch(error))
		return callback(*this, error);
	ts_->whenHlsReady(count, [this, callback = std::move(callback)](const std::string &why) {
		callback(*this, why);
	});
}

} /* namespace sluice */
