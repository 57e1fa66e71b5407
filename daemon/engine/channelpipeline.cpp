/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * One channel's GStreamer pipeline: smartsrc into cmafsink in memory, its state and counters.
 */

#include "channelpipeline.h"

#include <algorithm>
#include <cstring>

#include "tsfanout.h"

namespace sluice {

ChannelSource channelSource(const Channel &channel, const std::string &sourceUserAgent)
{
	ChannelSource source;
	source.channelId = channel.id;
	source.sourceId = channel.sourceId;
	const size_t bar = channel.streamUrl.rfind('|');
	source.uri = channel.streamUrl.substr(0, bar);
	source.userAgent = sourceUserAgent;
	if (bar != std::string::npos && source.userAgent.empty()) {
		/* Kodi: "url|User-Agent=Foo%20Bar&Referer=..." */
		g_auto(GStrv) options = g_strsplit(channel.streamUrl.c_str() + bar + 1, "&", -1);
		for (char **option = options; *option; option++) {
			if (g_ascii_strncasecmp(*option, "User-Agent=", 11) == 0) {
				g_autofree char *value
					= g_uri_unescape_string(*option + 11, nullptr);
				if (value)
					source.userAgent = value;
			}
		}
	}
	for (const std::string &backup : channel.backupUrls)
		source.backupUris.push_back(backup.substr(0, backup.rfind('|')));
	return source;
}

std::string_view toString(ChannelState state)
{
	switch (state) {
	case ChannelState::Starting:
		return "starting";
	case ChannelState::Running:
		return "running";
	case ChannelState::Failed:
		return "failed";
	}
	return "failed";
}

ChannelPipeline::ChannelPipeline(ChannelSource source, PipelineOptions options)
	: source_(std::move(source)), options_(options)
{
	startedUs_ = g_get_monotonic_time();
	lastActivityUs_ = startedUs_;
	TsOutput::Options ts {options_.segmentDurationS, options_.windowSize,
			      options_.startTimeoutMs};
	ts_ = std::make_unique<TsOutput>("channel " + std::to_string(source_.channelId), ts);
}

ChannelPipeline::~ChannelPipeline()
{
	if (state_ == ChannelState::Starting)
		settle(ChannelState::Failed, "the channel was stopped before it started");
	if (segmentWaiters_.size() || !nextSegmentWaiters_.empty()) {
		state_ = ChannelState::Failed;
		lastError_ = "the channel was stopped";
		segmentWaiters_.flush();
		for (auto &[track, waiters] : nextSegmentWaiters_)
			waiters->flush();
	}
	stop();
	/* After the pipeline stopped: no probe or streaming thread reaches them any more. */
	ts_->stop("the channel was stopped");
	branches_.clear();
	detaching_.clear();
	if (pipeline_)
		gst_object_unref(pipeline_);
}

void ChannelPipeline::start()
{
	const std::string name = "channel-" + std::to_string(source_.channelId);
	pipeline_ = gst_pipeline_new(name.c_str());
	gst_object_ref_sink(pipeline_);
	src_ = gst_element_factory_make("smartsrc", "src");
	sink_ = gst_element_factory_make("cmafsink", "cmaf");
	if (!src_ || !sink_) {
		if (src_)
			gst_object_unref(gst_object_ref_sink(src_));
		if (sink_)
			gst_object_unref(gst_object_ref_sink(sink_));
		src_ = sink_ = nullptr;
		settle(ChannelState::Failed,
		       "the sluice GStreamer elements (smartsrc, cmafsink) are not available");
		return;
	}
	g_object_set(src_, "uri", source_.uri.c_str(), nullptr);
	if (!source_.userAgent.empty())
		g_object_set(src_, "user-agent", source_.userAgent.c_str(), nullptr);
	if (!source_.backupUris.empty()) {
		GValue array = G_VALUE_INIT;
		gst_value_array_init(&array, source_.backupUris.size());
		for (const std::string &uri : source_.backupUris) {
			GValue item = G_VALUE_INIT;
			g_value_init(&item, G_TYPE_STRING);
			g_value_set_string(&item, uri.c_str());
			gst_value_array_append_and_take_value(&array, &item);
		}
		g_object_set_property(G_OBJECT(src_), "backup-uris", &array);
		g_value_unset(&array);
		/*
		 * Players are waiting: a failed source goes to its backup at once (smartsrc
		 * returns to the primary when it serves again), and a silent one after 1 s, or
		 * three of its usual gaps when it delivers a segment at a time.
		 */
		g_object_set(src_, "retries-before-switch", 1u, "stall-timeout", 1000u, nullptr);
	}
	/* HLS and DASH sources are demuxed in a child process: GStreamer 1.22's adaptive
	 * demuxers can crash when a live source vanishes, and must not take sluiced along. */
	g_object_set(src_, "isolate", TRUE, nullptr);
	/* raw: an MPEG-TS source's own packets too, for passthrough to TS clients. */
	gst_util_set_object_arg(G_OBJECT(src_), "mode", "raw");
	g_object_set(sink_, "target-duration", options_.segmentDurationS, "window-size",
		     options_.windowSize, nullptr);
	gst_bin_add_many(GST_BIN(pipeline_), src_, sink_, nullptr);
	g_signal_connect(src_, "pad-added", G_CALLBACK(onPadAdded), this);

	g_autoptr(GstBus) bus = gst_element_get_bus(pipeline_);
	busWatch_ = gst_bus_add_watch(bus, onBusMessage, this);
	startTimer_ = g_timeout_add(options_.startTimeoutMs, onStartTimeout, this);

	g_info("channel %" G_GUINT64_FORMAT ": starting %s",
	       static_cast<guint64>(source_.channelId), source_.uri.c_str());
	if (gst_element_set_state(pipeline_, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE
	    && state_ == ChannelState::Starting)
		settle(ChannelState::Failed,
		       "cannot start the pipeline for \"" + source_.uri + "\"");
}

/* From the bus watch, which may not stop its own pipeline's bus: a moment later. */
void ChannelPipeline::stopSoon()
{
	g_idle_add(
		[](gpointer element) -> gboolean {
			auto *pipeline = static_cast<GstElement *>(element);
			gst_element_set_state(pipeline, GST_STATE_NULL);
			gst_object_unref(pipeline);
			return G_SOURCE_REMOVE;
		},
		gst_object_ref(pipeline_));
	busWatch_ = 0;
}

int64_t ChannelPipeline::unwatchedUs() const
{
	/* Players ask for a playlist every segment duration: three missed, and no one is. */
	return std::max<int64_t>(6, 3 * int64_t(options_.segmentDurationS)) * G_USEC_PER_SEC;
}

void ChannelPipeline::stop()
{
	if (startTimer_) {
		g_source_remove(startTimer_);
		startTimer_ = 0;
	}
	if (busWatch_) {
		g_source_remove(busWatch_);
		busWatch_ = 0;
	}
	if (pipeline_)
		gst_element_set_state(pipeline_, GST_STATE_NULL);
}

/*
 * smartsrc's streaming or worker thread. Linking must happen here, before the pad pushes:
 * handing it to the main context would let the first buffers meet an unlinked pad.
 */
void ChannelPipeline::onPadAdded(GstElement *, GstPad *pad, gpointer data)
{
	static_cast<ChannelPipeline *>(data)->linkPad(pad);
}

void ChannelPipeline::linkPad(GstPad *pad)
{
	const char *name = GST_PAD_NAME(pad);
	if (!strcmp(name, "raw"))
		return linkRaw(pad);
	if (!g_str_has_prefix(name, "video_") && !g_str_has_prefix(name, "audio_"))
		return;

	/* A stream cmafsink cannot carry (MPEG-2 video, AC-3, ...) goes to a fakesink. */
	GstPadTemplate *templ = gst_element_get_pad_template(
		sink_, g_str_has_prefix(name, "video_") ? "video_%u" : "audio_%u");
	GstCaps *caps = gst_pad_get_current_caps(pad);
	if (!caps)
		caps = gst_pad_query_caps(pad, nullptr);
	const bool fits
		= templ && caps && gst_caps_can_intersect(caps, gst_pad_template_get_caps(templ));
	if (caps)
		gst_caps_unref(caps);

	GstElement *tee = gst_element_factory_make("tee", nullptr);
	GstElement *queue = gst_element_factory_make("queue", nullptr);
	GstElement *fake = fits ? nullptr : gst_element_factory_make("fakesink", nullptr);
	/* A live branch: buffers beyond 3 s are dropped rather than blocking the source. */
	g_object_set(queue, "max-size-buffers", 0u, "max-size-bytes", 0u, "max-size-time",
		     static_cast<guint64>(3 * GST_SECOND), "leaky", 2, nullptr);
	gst_bin_add_many(GST_BIN(pipeline_), tee, queue, nullptr);
	if (fake) {
		g_object_set(fake, "sync", FALSE, "async", FALSE, nullptr);
		gst_bin_add(GST_BIN(pipeline_), fake);
	}
	gst_element_link(tee, queue);
	GstPad *sinkPad = nullptr;
	if (fits)
		sinkPad = gst_element_request_pad(sink_, templ, name, nullptr);
	else
		sinkPad = gst_element_get_static_pad(fake, "sink");
	GstPad *queueSrc = gst_element_get_static_pad(queue, "src");
	bool linked = sinkPad && gst_pad_link(queueSrc, sinkPad) == GST_PAD_LINK_OK;
	gst_object_unref(queueSrc);
	if (sinkPad)
		gst_object_unref(sinkPad);
	if (fake)
		gst_element_sync_state_with_parent(fake);
	gst_element_sync_state_with_parent(queue);
	gst_element_sync_state_with_parent(tee);
	GstPad *teeSink = gst_element_get_static_pad(tee, "sink");
	linked = gst_pad_link(pad, teeSink) == GST_PAD_LINK_OK && linked;
	gst_object_unref(teeSink);
	if (!linked)
		g_warning("channel %" G_GUINT64_FORMAT ": cannot link %s",
			  static_cast<guint64>(source_.channelId), name);

	std::lock_guard<std::mutex> locker(lock_);
	tees_[name] = tee;
	if (fits && linked)
		tracks_.insert(name);
	else
		fakeTracks_.insert(name);
}

gboolean ChannelPipeline::onStartTimeout(gpointer data)
{
	auto *self = static_cast<ChannelPipeline *>(data);
	self->startTimer_ = 0;
	if (self->state_ == ChannelState::Starting) {
		std::string message = "no media from \"" + self->source_.uri + "\" within "
			+ std::to_string(self->options_.startTimeoutMs / 1000.0).substr(0, 4)
			+ " s";
		if (!self->lastError_.empty())
			message += ": " + self->lastError_;
		self->settle(ChannelState::Failed, message);
		self->stop();
	}
	return G_SOURCE_REMOVE;
}

gboolean ChannelPipeline::onBusMessage(GstBus *, GstMessage *message, gpointer data)
{
	auto *self = static_cast<ChannelPipeline *>(data);
	switch (GST_MESSAGE_TYPE(message)) {
	case GST_MESSAGE_ERROR: {
		g_autoptr(GError) error = nullptr;
		g_autofree char *debug = nullptr;
		gst_message_parse_error(message, &error, &debug);
		/* A branch's error takes that branch out; the channel keeps going. */
		for (auto &[name, branch] : self->branches_) {
			if (branch->owns(GST_MESSAGE_SRC(message))) {
				g_info("branch %s: %s (%s)", name.c_str(), error->message,
				       debug ? debug : "");
				branch->fail(error->message);
				self->removeBranch(std::string(name));
				return G_SOURCE_CONTINUE;
			}
		}
		for (auto &[raw, branch] : self->detaching_) {
			if (branch->owns(GST_MESSAGE_SRC(message)))
				return G_SOURCE_CONTINUE;
		}
		g_warning("channel %" G_GUINT64_FORMAT ": %s (%s)",
			  static_cast<guint64>(self->source_.channelId), error->message,
			  debug ? debug : "");
		self->settle(ChannelState::Failed, error->message);
		self->stopSoon();
		return G_SOURCE_REMOVE;
	}
	case GST_MESSAGE_WARNING: {
		g_autoptr(GError) error = nullptr;
		gst_message_parse_warning(message, &error, nullptr);
		g_info("channel %" G_GUINT64_FORMAT ": %s",
		       static_cast<guint64>(self->source_.channelId), error->message);
		/* The engine asks every source for its raw TS; that one without it has none is
		 * expected, and no reason to give a client. */
		if (g_error_matches(error, GST_STREAM_ERROR, GST_STREAM_ERROR_WRONG_TYPE))
			break;
		self->lastError_ = error->message;
		/*
		 * smartsrc reconnecting to a failed source for a channel no one watches would hold
		 * one of the source's max_streams, and hammer a dead server, until the idle
		 * timeout: it stops now, and the next viewer starts it again.
		 */
		if (GST_MESSAGE_SRC(message) == GST_OBJECT(self->src_)
		    && self->state_ == ChannelState::Running && !self->held()
		    && g_get_monotonic_time() - self->lastActivityUs_ > self->unwatchedUs()) {
			self->settle(ChannelState::Failed,
				     "the source failed while no one was watching: "
					     + self->lastError_);
			self->stopSoon();
			return G_SOURCE_REMOVE;
		}
		break;
	}
	case GST_MESSAGE_EOS:
		self->settle(ChannelState::Failed,
			     "the source \"" + self->source_.uri + "\" ended");
		break;
	case GST_MESSAGE_ELEMENT:
		self->handleElementMessage(message);
		break;
	default:
		break;
	}
	return G_SOURCE_CONTINUE;
}

void ChannelPipeline::handleElementMessage(GstMessage *message)
{
	const GstStructure *s = gst_message_get_structure(message);
	if (!s)
		return;
	if (GST_MESSAGE_SRC(message) != GST_OBJECT(sink_)
	    && !gst_structure_has_name(s, "smartsrc-classified")
	    && !gst_structure_has_name(s, "smartsrc-source-switched")) {
		for (auto &[name, branch] : branches_) {
			if (branch->owns(GST_MESSAGE_SRC(message)))
				return branch->handleElementMessage(message);
		}
		return;
	}
	if (gst_structure_has_name(s, "cmafsink-segment-added")) {
		segments_++;
		const char *track = gst_structure_get_string(s, "track");
		NewestSegment made;
		guint64 duration = 0;
		if (track) {
			trackSegments_[track]++;
			gst_structure_get_uint64(s, "number", &made.number);
			gst_structure_get_uint64(s, "media-time", &made.time);
			gst_structure_get_uint64(s, "media-duration", &duration);
			made.end = made.time + duration;
			newest_[track] = made;
		}
		maybeRunning();
		if (track) {
			const std::string key = track;
			if (auto it = nextSegmentWaiters_.find(key + "#n");
			    it != nextSegmentWaiters_.end())
				it->second->update(made.number);
			if (auto it = nextSegmentWaiters_.find(key + "#t");
			    it != nextSegmentWaiters_.end())
				it->second->update(made.time);
		}
		if (state_ == ChannelState::Running)
			segmentWaiters_.update(fewestSegments());
	} else if (gst_structure_has_name(s, "smartsrc-classified")) {
		onClassified(s);
		maybeRunning();
	} else if (gst_structure_has_name(s, "smartsrc-source-switched")) {
		if (const char *reason = gst_structure_get_string(s, "reason"))
			lastError_ = reason;
		gboolean switched = FALSE;
		const char *uri = gst_structure_get_string(s, "uri");
		if (gst_structure_get_boolean(s, "switched", &switched) && switched && uri) {
			currentUri_ = uri;
			sourceSwitches_++;
			g_message("channel %lld now reads %s (%s)",
				  static_cast<long long>(source_.channelId), uri,
				  lastError_.c_str());
		}
		ts_->sourceSwitched();
	}
}

void ChannelPipeline::onClassified(const GstStructure *s)
{
	classified_ = true;
	SourceInfo info;
	if (const char *type = gst_structure_get_string(s, "type"))
		info.type = parseSourceType(type);
	if (const char *container = gst_structure_get_string(s, "container"))
		info.container = container;
	gboolean raw = FALSE;
	rawTs_ = gst_structure_get_boolean(s, "raw", &raw) && raw;
	/* The source's own TS flows from now on: the fan-out keeps its last GOP for a fast join. */
	ts_->setRaw(rawTs_);
	if (rawTs_)
		ts_->keepGop();
	std::string streams;
	const GValue *list = gst_structure_get_value(s, "streams");
	const guint count
		= list && GST_VALUE_HOLDS_ARRAY(list) ? gst_value_array_get_size(list) : 0;
	for (guint i = 0; i < count; i++) {
		const GstStructure *stream
			= gst_value_get_structure(gst_value_array_get_value(list, i));
		const char *kind = gst_structure_get_string(stream, "kind");
		const char *codec = gst_structure_get_string(stream, "codec");
		if (!kind || !codec)
			continue;
		std::string text = codec;
		if (!strcmp(kind, "video") && info.videoCodec.empty()) {
			info.videoCodec = codec;
			int width = 0, height = 0;
			guint bitrate = 0;
			if (gst_structure_get_int(stream, "height", &height))
				info.height = height;
			if (gst_structure_get_int(stream, "width", &width) && height)
				text += " " + std::to_string(width) + "x" + std::to_string(height);
			if (gst_structure_get_uint(stream, "bitrate", &bitrate))
				info.videoBitrateKbps = bitrate / 1000;
		} else if (!strcmp(kind, "audio") && info.audioCodec.empty()) {
			info.audioCodec = codec;
		}
		streams += (streams.empty() ? "" : " + ") + text;
	}
	sourceInfo_ = info;
	streamsSummary_ = streams;
	g_info("channel %" G_GUINT64_FORMAT ": %s", static_cast<guint64>(source_.channelId),
	       summary().c_str());
}

std::string ChannelPipeline::summary() const
{
	if (!classified_)
		return "";
	std::string text(toString(sourceInfo_.type));
	if (!sourceInfo_.container.empty())
		text += " (" + sourceInfo_.container + ")";
	if (!streamsSummary_.empty())
		text += ", " + streamsSummary_;
	return text;
}

void ChannelPipeline::maybeRunning()
{
	if (state_ != ChannelState::Starting || !classified_)
		return;
	std::set<std::string> tracks;
	{
		std::lock_guard<std::mutex> locker(lock_);
		tracks = tracks_;
	}
	/* No track cmafsink carries: nothing will come; the request decides (a transcode). */
	for (const std::string &track : tracks) {
		if (!trackSegments_.count(track))
			return;
	}
	settle(ChannelState::Running, {});
}

uint64_t ChannelPipeline::fewestSegments() const
{
	std::set<std::string> tracks;
	{
		std::lock_guard<std::mutex> locker(lock_);
		tracks = tracks_;
	}
	uint64_t fewest = UINT64_MAX;
	for (const std::string &track : tracks) {
		auto it = trackSegments_.find(track);
		fewest = std::min<uint64_t>(fewest, it == trackSegments_.end() ? 0 : it->second);
	}
	return fewest;
}

void ChannelPipeline::settle(ChannelState state, std::string error)
{
	if (state_ != ChannelState::Starting && state != ChannelState::Failed)
		return;
	if (state_ == ChannelState::Failed)
		return;
	state_ = state;
	settledUs_ = g_get_monotonic_time();
	if (!error.empty())
		lastError_ = std::move(error);
	if (startTimer_) {
		g_source_remove(startTimer_);
		startTimer_ = 0;
	}
	if (state == ChannelState::Running)
		g_info("channel %" G_GUINT64_FORMAT ": running after %.2f s",
		       static_cast<guint64>(source_.channelId), (settledUs_ - startedUs_) / 1e6);
	else
		g_warning("channel %" G_GUINT64_FORMAT ": failed: %s",
			  static_cast<guint64>(source_.channelId), lastError_.c_str());
	/* Continuous clients end with the channel: their players reconnect and get a 503. */
	if (state == ChannelState::Failed) {
		ts_->stop(lastError_);
		segmentWaiters_.flush();
		for (auto &[track, waiters] : nextSegmentWaiters_)
			waiters->flush();
	}
	std::vector<SettledCallback> waiters;
	waiters.swap(waiters_);
	for (SettledCallback &callback : waiters)
		callback(*this);
}

void ChannelPipeline::whenSettled(SettledCallback callback)
{
	if (state_ == ChannelState::Starting)
		waiters_.push_back(std::move(callback));
	else
		callback(*this);
}

void ChannelPipeline::whenSegments(uint32_t count, SettledCallback callback)
{
	whenSettled([this, count, callback = std::move(callback)](ChannelPipeline &) mutable {
		if (state_ != ChannelState::Running || fewestSegments() >= count)
			return callback(*this);
		segmentWaiters_.add(count, options_.startTimeoutMs,
				    [this, callback = std::move(callback)] { callback(*this); });
	});
}

void ChannelPipeline::whenSegmentMade(const SegmentName &segment, guint waitMs,
				      SettledCallback callback)
{
	auto last = newest_.find(segment.track);
	if (state_ != ChannelState::Running || last == newest_.end()
	    || segment.number != (segment.byTime ? last->second.end : last->second.number + 1))
		return callback(*this);
	std::unique_ptr<SegmentWaiters> &waiters
		= nextSegmentWaiters_[segment.track + (segment.byTime ? "#t" : "#n")];
	if (!waiters)
		waiters = std::make_unique<SegmentWaiters>();
	waiters->add(segment.number, waitMs,
		     [this, callback = std::move(callback)] { callback(*this); });
}

void ChannelPipeline::noteSegmentRead(const std::string &clientKey, const SegmentName &segment)
{
	auto newest = newest_.find(segment.track);
	if (newest == newest_.end())
		return;
	if (segment.number == (segment.byTime ? newest->second.time : newest->second.number))
		atLiveEdge_[clientKey] = fewestSegments();
	else
		atLiveEdge_.erase(clientKey);
}

void ChannelPipeline::whenManifestChanged(const std::string &clientKey, guint waitMs,
					  SettledCallback callback)
{
	auto edge = atLiveEdge_.find(clientKey);
	if (state_ != ChannelState::Running || edge == atLiveEdge_.end()
	    || fewestSegments() > edge->second)
		return callback(*this);
	const uint64_t next = edge->second + 1;
	atLiveEdge_.erase(edge);
	segmentWaiters_.add(next, waitMs,
			    [this, callback = std::move(callback)] { callback(*this); });
}

GstBufferList *ChannelPipeline::resource(const std::string &name) const
{
	if (!sink_ || state_ == ChannelState::Failed)
		return nullptr;
	GstBufferList *list = nullptr;
	g_signal_emit_by_name(sink_, "get-resource", name.c_str(), &list);
	return list;
}

std::vector<std::string> ChannelPipeline::tracks() const
{
	std::lock_guard<std::mutex> locker(lock_);
	return {tracks_.begin(), tracks_.end()};
}

void ChannelPipeline::noteRequest(const std::string &clientKey)
{
	lastActivityUs_ = g_get_monotonic_time();
	clients_[clientKey] = lastActivityUs_;
}

size_t ChannelPipeline::activeClients(int64_t windowUs)
{
	const int64_t now = g_get_monotonic_time();
	std::erase_if(clients_, [&](const auto &entry) { return now - entry.second > windowUs; });
	std::erase_if(atLiveEdge_,
		      [this](const auto &entry) { return !clients_.count(entry.first); });
	size_t variantTsClients = 0;
	for (const auto &[name, branch] : branches_)
		variantTsClients += static_cast<TranscodeBranch &>(*branch).ts().clients();
	return clients_.size() + tsClients() + variantTsClients;
}

bool ChannelPipeline::held() const
{
	if (tsClients() > 0 || ts_->waiting() || !waiters_.empty() || segmentWaiters_.size() > 0)
		return true;
	for (const auto &[track, waiters] : nextSegmentWaiters_) {
		if (waiters->size() > 0)
			return true;
	}
	for (const auto &[name, branch] : branches_) {
		if (branch->held())
			return true;
	}
	return false;
}

std::map<std::string, GstElement *> ChannelPipeline::teesCopy() const
{
	std::lock_guard<std::mutex> locker(lock_);
	return tees_;
}

TranscodeBranch *ChannelPipeline::transcodeVariant(const Profile &profile,
						   const DeliveryDecision &decision,
						   std::string &error)
{
	if (!pipeline_ || state_ == ChannelState::Failed) {
		error = "the channel is not running";
		return nullptr;
	}
	const std::string name = TranscodeBranch::variantName(profile, decision);
	auto found = branches_.find(name);
	if (found != branches_.end() && found->second->failed())
		removeBranch(name);
	else if (found != branches_.end()) {
		found->second->touch();
		return static_cast<TranscodeBranch *>(found->second.get());
	}
	TranscodeOptions options {options_.segmentDurationS, options_.windowSize,
				  options_.startTimeoutMs};
	auto variant
		= std::make_unique<TranscodeBranch>(pipeline_, profile, decision, options,
						    "channel " + std::to_string(source_.channelId));
	if (!variant->build(teesCopy(), error)) {
		g_warning("channel %" G_GUINT64_FORMAT ": variant %s: %s",
			  static_cast<guint64>(source_.channelId), name.c_str(), error.c_str());
		TeeBranch *raw = variant.get();
		detaching_[raw] = std::move(variant);
		raw->detach([this, raw] { detaching_.erase(raw); });
		return nullptr;
	}
	g_info("channel %" G_GUINT64_FORMAT ": variant %s added (%s)",
	       static_cast<guint64>(source_.channelId), name.c_str(), variant->encoders().c_str());
	auto *out = variant.get();
	branches_[name] = std::move(variant);
	return out;
}

TeeBranch *ChannelPipeline::branch(const std::string &name)
{
	auto found = branches_.find(name);
	return found == branches_.end() ? nullptr : found->second.get();
}

void ChannelPipeline::removeBranch(const std::string &name)
{
	auto found = branches_.find(name);
	if (found == branches_.end())
		return;
	TeeBranch *raw = found->second.get();
	detaching_[raw] = std::move(found->second);
	branches_.erase(found);
	raw->detach([this, raw] {
		g_info("channel %" G_GUINT64_FORMAT ": branch %s removed",
		       static_cast<guint64>(source_.channelId), raw->name().c_str());
		detaching_.erase(raw);
	});
}

void ChannelPipeline::removeIdleBranches(int64_t idleUs)
{
	const int64_t now = g_get_monotonic_time();
	std::vector<std::string> idle;
	for (const auto &[name, branch] : branches_) {
		/* Idle from when it was last held, not from a request long answered. */
		if (branch->held())
			branch->touch();
		else if (now - branch->lastRequestUs() >= idleUs)
			idle.push_back(name);
	}
	for (const std::string &name : idle) {
		g_info("channel %" G_GUINT64_FORMAT ": branch %s idle",
		       static_cast<guint64>(source_.channelId), name.c_str());
		removeBranch(name);
	}
}

std::vector<const TranscodeBranch *> ChannelPipeline::variants() const
{
	std::vector<const TranscodeBranch *> out;
	for (const auto &[name, branch] : branches_)
		out.push_back(static_cast<const TranscodeBranch *>(branch.get()));
	return out;
}

std::vector<std::string> ChannelPipeline::branchNames() const
{
	std::vector<std::string> names;
	for (const auto &[name, branch] : branches_)
		names.push_back(name);
	return names;
}

} /* namespace sluice */
