/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * One stream's MPEG-TS outputs: continuous .ts clients and HLS v3, fed from a pipeline.
 */

#include "tsoutput.h"

#include <cstring>
#include <mutex>

#include "soupbody.h"
#include "souptssink.h"

namespace sluice {

namespace {

/*
 * Leaky, so a stuck muxer never holds the stream back; long enough for the burst of an
 * adaptive source catching up to its live edge (DASH joins several segments back), while
 * mpegtsmux waits for its other stream.
 */
constexpr guint64 kMuxQueueS = 12;

/* The parser a track needs before mpegtsmux ("" none), or null when TS cannot carry it. */
const char *muxParser(const std::string &media)
{
	if (media == "video/x-h264")
		return "h264parse";
	if (media == "video/x-h265")
		return "h265parse";
	if (media == "audio/mpeg" || media == "audio/x-ac3" || media == "audio/x-eac3"
	    || media == "video/mpeg")
		return "";
	return nullptr;
}

} /* namespace */

/*
 * Bytes from the handoff threads to the main context. Shared: a delivery still queued on the
 * context when the output goes finds owner null.
 */
struct TsOutput::Bridge {
	std::mutex lock; /* guards chunks and scheduled; taken alone */
	std::vector<std::pair<bool, GBytes *>> chunks; /* (from the raw feed, bytes) */
	bool scheduled = false;
	TsOutput *owner = nullptr; /* main thread only */
	GMainContext *context = nullptr; /* owned */
	std::weak_ptr<Bridge> self; /* for the deliveries queued on context */

	~Bridge()
	{
		for (auto &[raw, bytes] : chunks)
			g_bytes_unref(bytes);
		g_main_context_unref(context);
	}
	/* A streaming thread: queue bytes, and a delivery when none is queued. */
	void push(bool raw, GBytes *bytes)
	{
		bool schedule;
		{
			std::lock_guard<std::mutex> locker(lock);
			chunks.emplace_back(raw, bytes);
			schedule = !scheduled;
			scheduled = true;
		}
		if (!schedule)
			return;
		auto *ref = new std::shared_ptr<Bridge>(self.lock());
		g_main_context_invoke_full(
			context, G_PRIORITY_DEFAULT, TsOutput::drain, ref,
			[](gpointer p) { delete static_cast<std::shared_ptr<Bridge> *>(p); });
	}
};

TsOutput::TsOutput(std::string label, Options options)
	: label_(std::move(label)), options_(options), bridge_(std::make_shared<Bridge>())
{
	bridge_->owner = this;
	bridge_->context = g_main_context_ref_thread_default();
	bridge_->self = bridge_;
}

TsOutput::~TsOutput()
{
	stop("the stream was stopped");
	bridge_->owner = nullptr;
}

GstElement *TsOutput::makeSink(bool raw)
{
	GstElement *sink = gst_element_factory_make("fakesink", raw ? "ts-raw" : "ts-mux");
	g_object_set(sink, "sync", FALSE, "async", FALSE, "signal-handoffs", TRUE, nullptr);
	/* Which feed a sink is rides on the object, so one handler serves both. */
	g_object_set_data(G_OBJECT(sink), "sluice-ts-raw", GINT_TO_POINTER(raw ? 1 : 0));
	g_signal_connect(sink, "handoff", G_CALLBACK(onHandoff), bridge_.get());
	return sink;
}

void TsOutput::setRaw(bool raw)
{
	raw_ = raw;
}

/* A fakesink streaming thread. The bridge outlives the sinks (they stop before it goes). */
void TsOutput::onHandoff(GstElement *sink, GstBuffer *buffer, GstPad *, gpointer data)
{
	GBytes *bytes = bufferBytes(buffer);
	if (!bytes)
		return;
	const bool raw = g_object_get_data(G_OBJECT(sink), "sluice-ts-raw") != nullptr;
	static_cast<Bridge *>(data)->push(raw, bytes);
}

/* Main thread: whatever the fakesinks produced goes to the clients. */
gboolean TsOutput::drain(gpointer data)
{
	auto &bridge = *static_cast<std::shared_ptr<Bridge> *>(data);
	if (!bridge)
		return G_SOURCE_REMOVE;
	std::vector<std::pair<bool, GBytes *>> chunks;
	{
		std::lock_guard<std::mutex> locker(bridge->lock);
		chunks.swap(bridge->chunks);
		bridge->scheduled = false;
	}
	TsOutput *owner = bridge->owner;
	for (auto &[raw, bytes] : chunks) {
		if (owner)
			owner->deliver(raw, bytes);
		g_bytes_unref(bytes);
	}
	if (owner && owner->segmenter_ && owner->segmenter_->finished() > 0
	    && !owner->hlsWaiters_.empty())
		owner->answerHls({});
	return G_SOURCE_REMOVE;
}

void TsOutput::deliver(bool raw, GBytes *bytes)
{
	if (raw != raw_)
		return;
	if (fanout_)
		fanout_->push(bytes);
	if (segmenter_)
		segmenter_->push(bytes);
}

bool TsOutput::buildMux(GstBin *bin, const std::vector<MuxTrack> &tracks, std::string &error)
{
	if (muxBuilt_)
		return true;
	GstElement *mux = gst_element_factory_make("mpegtsmux", "ts-muxer");
	if (!mux) {
		error = "mpegtsmux (gst-plugins-bad) is not installed";
		return false;
	}
	g_object_set(mux, "alignment", 7, nullptr);
	GstElement *sink = makeSink(false);
	gst_bin_add_many(bin, mux, sink, nullptr);
	gst_element_link(mux, sink);
	int linked = 0;
	for (const MuxTrack &track : tracks) {
		const char *parserName = muxParser(track.media);
		if (!parserName)
			continue; /* VP9, AV1, Opus: not in this TS */
		GstElement *queue = gst_element_factory_make("queue", nullptr);
		g_object_set(queue, "max-size-buffers", 0u, "max-size-bytes", 0u, "max-size-time",
			     static_cast<guint64>(kMuxQueueS * GST_SECOND), "leaky", 2, nullptr);
		/* H.264/H.265 go out as byte-stream with headers on every keyframe (cmafsink
		 * takes them as avc/hvc1); AAC as it is (mpegtsmux writes ADTS). */
		GstElement *parser
			= *parserName ? gst_element_factory_make(parserName, nullptr) : nullptr;
		gst_bin_add(bin, queue);
		GstElement *last = queue;
		if (parser) {
			g_object_set(parser, "config-interval", -1, nullptr);
			gst_bin_add(bin, parser);
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
		GstPad *teeSrc = gst_element_request_pad_simple(track.tee, "src_%u");
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
		error = "no stream fits MPEG-TS";
		return false;
	}
	g_info("%s: MPEG-TS mux started", label_.c_str());
	return true;
}

void TsOutput::keepGop()
{
	if (!fanout_)
		fanout_ = std::make_unique<TsFanout>();
}

void TsOutput::addClient(SoupServerMessage *msg, std::function<void()> onGone)
{
	keepGop();
	auto id = std::make_shared<TsFanout::ClientId>(0);
	auto sink = makeSoupTsSink(msg, [this, id, onGone = std::move(onGone)] {
		if (fanout_ && *id)
			fanout_->removeClient(*id);
		if (onGone)
			onGone();
	});
	*id = fanout_->addClient(std::move(sink));
}

void TsOutput::whenHlsReady(uint32_t count, HlsCallback callback)
{
	if (!segmenter_) {
		TsSegmenter::Options options;
		options.targetDurationS = options_.segmentDurationS;
		options.windowSize = options_.windowSize;
		segmenter_ = std::make_unique<TsSegmenter>(options);
		g_info("%s: HLS with MPEG-TS segments started", label_.c_str());
	}
	if (segmenter_->finished() >= std::max<uint32_t>(count, 1))
		return callback({});
	hlsWaiters_.emplace_back(count, std::move(callback));
	if (!hlsTimer_)
		hlsTimer_ = g_timeout_add(options_.startTimeoutMs, onHlsTimeout, this);
}

gboolean TsOutput::onHlsTimeout(gpointer data)
{
	auto *self = static_cast<TsOutput *>(data);
	self->hlsTimer_ = 0;
	/* With a segment, the waiters for more get what there is. */
	if (self->segmenter_ && self->segmenter_->finished() > 0) {
		for (auto &waiter : self->hlsWaiters_)
			waiter.first = 1;
		self->answerHls({});
	} else {
		self->answerHls(
			"no MPEG-TS segment from " + self->label_ + " within "
			+ std::to_string(self->options_.startTimeoutMs / 1000.0).substr(0, 4)
			+ " s");
	}
	return G_SOURCE_REMOVE;
}

void TsOutput::answerHls(const std::string &error)
{
	const uint64_t finished = segmenter_ ? segmenter_->finished() : 0;
	std::vector<HlsCallback> due;
	std::erase_if(hlsWaiters_, [&](auto &waiter) {
		if (error.empty() && waiter.first > finished)
			return false;
		due.push_back(std::move(waiter.second));
		return true;
	});
	if (hlsWaiters_.empty() && hlsTimer_) {
		g_source_remove(hlsTimer_);
		hlsTimer_ = 0;
	}
	for (HlsCallback &callback : due)
		callback(error);
}

void TsOutput::sourceSwitched()
{
	/*
	 * HLS-TS players see the switch as #EXT-X-DISCONTINUITY. Bytes of the old source still
	 * queued on the bridge may open the next segment: the demuxer plays through the tables
	 * and clock that change inside it.
	 */
	if (segmenter_)
		segmenter_->reset();
}

void TsOutput::stop(const std::string &reason)
{
	/* Continuous clients end with the stream: their players reconnect. */
	fanout_.reset();
	answerHls(reason);
}

} /* namespace sluice */
