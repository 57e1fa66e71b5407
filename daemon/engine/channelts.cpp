/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A channel's MPEG-TS: smartsrc's raw bytes or a mpegtsmux branch into a TsFanout (continuous
 * .ts clients) and a TsSegmenter (HLS v3 for legacy clients).
 */

#include <cstring>

#include "channelpipeline.h"
#include "soupbody.h"
#include "souptssink.h"

namespace sluice {

namespace {

constexpr guint64 kMuxQueueS = 12;

} /* namespace */

/*
 * Bytes from the TS fakesinks' streaming threads to the main thread. Shared: a delivery
 * still queued on the main context when the pipeline goes finds owner null.
 */
struct ChannelPipeline::TsBridge {
	std::mutex lock; /* guards chunks and scheduled; taken alone */
	std::vector<std::pair<bool, GBytes *>> chunks; /* (from the raw pad, bytes) */
	bool scheduled = false;
	ChannelPipeline *owner = nullptr; /* main thread only */
	GMainContext *context = nullptr; /* not owned: the pipeline's */
	std::weak_ptr<TsBridge> self; /* for the deliveries queued on context */

	~TsBridge()
	{
		for (auto &[raw, bytes] : chunks)
			g_bytes_unref(bytes);
	}
};

void ChannelPipeline::initTs()
{
	tsBridge_ = std::make_shared<TsBridge>();
	tsBridge_->owner = this;
	tsBridge_->context = context_;
	tsBridge_->self = tsBridge_;
}

/* After the pipeline stopped: deliveries still queued find no owner; clients are closed. */
void ChannelPipeline::stopTs()
{
	tsBridge_->owner = nullptr;
	fanout_.reset();
	answerHlsTs("the channel was stopped");
	segmenter_.reset();
}

/* A fakesink that hands every buffer to the bridge: raw tells which feed it is. */
GstElement *ChannelPipeline::tsHandoffSink(bool raw)
{
	GstElement *sink = gst_element_factory_make("fakesink", raw ? "ts-raw" : "ts-mux");
	g_object_set(sink, "sync", FALSE, "async", FALSE, "signal-handoffs", TRUE, nullptr);
	g_signal_connect(sink, "handoff", G_CALLBACK(onTsHandoff), tsBridge_.get());
	return sink;
}

/* A fakesink streaming thread. */
void ChannelPipeline::onTsHandoff(GstElement *sink, GstBuffer *buffer, GstPad *, gpointer data)
{
	auto *bridge = static_cast<TsBridge *>(data);
	GBytes *bytes = bufferBytes(buffer);
	if (!bytes)
		return;
	const bool raw = !strcmp(GST_OBJECT_NAME(sink), "ts-raw");
	bool schedule;
	{
		std::lock_guard<std::mutex> locker(bridge->lock);
		bridge->chunks.emplace_back(raw, bytes);
		schedule = !bridge->scheduled;
		bridge->scheduled = true;
	}
	if (!schedule)
		return;
	/* The bridge outlives the pipeline (its fakesinks stop before it goes), but a delivery
	 * queued on the context may not: it holds a reference of its own. */
	auto *ref = new std::shared_ptr<TsBridge>(bridge->self.lock());
	g_main_context_invoke_full(
		bridge->context, G_PRIORITY_DEFAULT, drainTs, ref,
		[](gpointer p) { delete static_cast<std::shared_ptr<TsBridge> *>(p); });
}

/* Main thread: whatever the fakesinks produced goes into the fan-out. */
gboolean ChannelPipeline::drainTs(gpointer data)
{
	auto &bridge = *static_cast<std::shared_ptr<TsBridge> *>(data);
	if (!bridge)
		return G_SOURCE_REMOVE;
	std::vector<std::pair<bool, GBytes *>> chunks;
	{
		std::lock_guard<std::mutex> locker(bridge->lock);
		chunks.swap(bridge->chunks);
		bridge->scheduled = false;
	}
	ChannelPipeline *owner = bridge->owner;
	for (auto &[raw, bytes] : chunks) {
		if (owner && raw == owner->rawTs_) {
			if (owner->fanout_)
				owner->fanout_->push(bytes);
			if (owner->segmenter_)
				owner->segmenter_->push(bytes);
		}
		g_bytes_unref(bytes);
	}
	if (owner && owner->segmenter_ && owner->segmenter_->finished() > 0
	    && !owner->hlsTsWaiters_.empty())
		owner->answerHlsTs({});
	return G_SOURCE_REMOVE;
}

/* smartsrc's thread (pad-added): the source's own packets, always taken, cheap to keep. */
void ChannelPipeline::linkRaw(GstPad *pad)
{
	GstElement *queue = gst_element_factory_make("queue", nullptr);
	g_object_set(queue, "max-size-buffers", 0u, "max-size-bytes", 0u, "max-size-time",
		     static_cast<guint64>(3 * GST_SECOND), "leaky", 2, nullptr);
	GstElement *sink = tsHandoffSink(true);
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

/*
 * Main thread: tee ─► queue ─► parser ─► mpegtsmux ─► fakesink for every track, added to the
 * running pipeline. H.264/H.265 go through a parser for byte-stream with headers on every
 * keyframe (cmafsink took them as avc/hvc1); AAC as it is (mpegtsmux writes ADTS).
 */
bool ChannelPipeline::ensureMuxBranch(std::string &error)
{
	if (muxBuilt_)
		return true;
	std::map<std::string, GstElement *> tees;
	{
		std::lock_guard<std::mutex> locker(lock_);
		tees = tees_;
	}
	if (tees.empty()) {
		error = "the source has no stream MPEG-TS can carry";
		return false;
	}
	GstElement *mux = gst_element_factory_make("mpegtsmux", "ts-muxer");
	if (!mux) {
		error = "mpegtsmux (gst-plugins-bad) is not installed";
		return false;
	}
	g_object_set(mux, "alignment", 7, nullptr);
	GstElement *sink = tsHandoffSink(false);
	gst_bin_add_many(GST_BIN(pipeline_), mux, sink, nullptr);
	gst_element_link(mux, sink);
	int linked = 0;
	for (auto &[name, tee] : tees) {
		GstPad *teeSink = gst_element_get_static_pad(tee, "sink");
		GstCaps *caps = gst_pad_get_current_caps(teeSink);
		gst_object_unref(teeSink);
		const char *media
			= caps ? gst_structure_get_name(gst_caps_get_structure(caps, 0)) : "";
		const char *parserName = !strcmp(media, "video/x-h264") ? "h264parse"
			: !strcmp(media, "video/x-h265")		? "h265parse"
			: !strcmp(media, "audio/mpeg") || !strcmp(media, "audio/x-ac3")
				|| !strcmp(media, "audio/x-eac3") || !strcmp(media, "video/mpeg")
			? ""
			: nullptr;
		if (caps)
			gst_caps_unref(caps);
		if (!parserName)
			continue; /* VP9, AV1, Opus: not in this TS */
		/*
		 * Leaky, so a stuck muxer never holds the channel back; long enough for the burst
		 * of an adaptive source catching up to its live edge (DASH joins several segments
		 * back), while mpegtsmux waits for its other stream.
		 */
		GstElement *queue = gst_element_factory_make("queue", nullptr);
		g_object_set(queue, "max-size-buffers", 0u, "max-size-bytes", 0u, "max-size-time",
			     static_cast<guint64>(kMuxQueueS * GST_SECOND), "leaky", 2, nullptr);
		GstElement *parser
			= *parserName ? gst_element_factory_make(parserName, nullptr) : nullptr;
		gst_bin_add(GST_BIN(pipeline_), queue);
		GstElement *last = queue;
		if (parser) {
			g_object_set(parser, "config-interval", -1, nullptr);
			gst_bin_add(GST_BIN(pipeline_), parser);
			gst_element_link(queue, parser);
			last = parser;
		}
		GstPad *lastSrc = gst_element_get_static_pad(last, "src");
		GstPad *muxSink = gst_element_request_pad_simple(mux, "sink_%d");
		const bool ok = muxSink && gst_pad_link(lastSrc, muxSink) == GST_PAD_LINK_OK;
		gst_object_unref(lastSrc);
		if (muxSink)
			gst_object_unref(muxSink);
		if (parser)
			gst_element_sync_state_with_parent(parser);
		gst_element_sync_state_with_parent(queue);
		GstPad *teeSrc = gst_element_request_pad_simple(tee, "src_%u");
		GstPad *queueSink = gst_element_get_static_pad(queue, "sink");
		if (ok && gst_pad_link(teeSrc, queueSink) == GST_PAD_LINK_OK)
			linked++;
		gst_object_unref(queueSink);
		gst_object_unref(teeSrc);
	}
	gst_element_sync_state_with_parent(sink);
	gst_element_sync_state_with_parent(mux);
	muxBuilt_ = true;
	if (!linked) {
		error = "no stream of the source fits MPEG-TS";
		return false;
	}
	return true;
}

uint64_t ChannelPipeline::bytesOut() const
{
	return bytesOut_ + (fanout_ ? fanout_->stats().bytesOut : 0);
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
	if (!fanout_)
		fanout_ = std::make_unique<TsFanout>();
	auto id = std::make_shared<TsFanout::ClientId>(0);
	auto sink = makeSoupTsSink(msg, [this, id] {
		if (fanout_ && *id)
			fanout_->removeClient(*id);
		lastActivityUs_ = g_get_monotonic_time();
	});
	*id = fanout_->addClient(std::move(sink));
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
	if (!segmenter_) {
		TsSegmenter::Options options;
		options.targetDurationS = options_.segmentDurationS;
		options.windowSize = options_.windowSize;
		segmenter_ = std::make_unique<TsSegmenter>(options);
		g_info("channel %" G_GUINT64_FORMAT ": HLS with MPEG-TS segments started",
		       static_cast<guint64>(source_.channelId));
	}
	if (segmenter_->finished() >= std::max<uint32_t>(count, 1))
		return callback(*this, {});
	hlsTsWaiters_.emplace_back(count, std::move(callback));
	if (!hlsTsTimer_)
		hlsTsTimer_ = g_timeout_add(options_.startTimeoutMs, onHlsTsTimeout, this);
}

gboolean ChannelPipeline::onHlsTsTimeout(gpointer data)
{
	auto *self = static_cast<ChannelPipeline *>(data);
	self->hlsTsTimer_ = 0;
	/* With a segment, the waiters for more get what there is. */
	if (self->segmenter_ && self->segmenter_->finished() > 0) {
		for (auto &waiter : self->hlsTsWaiters_)
			waiter.first = 1;
		self->answerHlsTs({});
	} else {
		self->answerHlsTs(
			"no MPEG-TS segment from \"" + self->source_.uri + "\" within "
			+ std::to_string(self->options_.startTimeoutMs / 1000.0).substr(0, 4)
			+ " s");
	}
	return G_SOURCE_REMOVE;
}

void ChannelPipeline::answerHlsTs(const std::string &error)
{
	const uint64_t finished = segmenter_ ? segmenter_->finished() : 0;
	std::vector<HlsTsCallback> due;
	std::erase_if(hlsTsWaiters_, [&](auto &waiter) {
		if (error.empty() && waiter.first > finished)
			return false;
		due.push_back(std::move(waiter.second));
		return true;
	});
	if (hlsTsWaiters_.empty() && hlsTsTimer_) {
		g_source_remove(hlsTsTimer_);
		hlsTsTimer_ = 0;
	}
	for (HlsTsCallback &callback : due)
		callback(*this, error);
}

} /* namespace sluice */
