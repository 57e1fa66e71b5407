/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * smartsrc: reads any channel source, classifies it and delivers its parsed streams.
 */

/**
 * SECTION:element-smartsrc
 *
 * smartsrc reads a channel source named by a URI (HLS, DASH, MPEG-TS over HTTP, a file, or a
 * synthetic test:// source), tells what it is in a "smartsrc-classified" element message
 * (also the "classification" property), and delivers its elementary streams, parsed and with
 * codec headers on every keyframe, on sometimes-pads video_%u and audio_%u.
 *
 * ```
 *  http(s)://, file://                      ┌─► video_0
 *    urisourcebin ─► parsebin ─(per stream)─┼─► audio_0
 *    (hlsdemux2 / dashdemux2 inside)        └─► ...
 *  test://PATTERN?codec=...
 *    videotestsrc ─ timeoverlay ─ encoder ─ parser ─► video_0
 *    audiotestsrc ─ encoder ─ parser ───────────────► audio_0
 * ```
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 smartsrc uri="test://smpte?codec=h264&width=1280&height=720" name=s \
 *   s.video_0 ! cmafsink name=c location=out s.audio_0 ! c.audio_0
 * ]|
 */

#include "gstsmartsrc.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "retrypolicy.h"
#include "streaminfo.h"
#include "testsource.h"
#include "testuri.h"

GST_DEBUG_CATEGORY_STATIC(smartsrc_debug);
#define GST_CAT_DEFAULT smartsrc_debug

using namespace sluice;

namespace {

constexpr GstSmartSrcVariantPolicy kDefaultVariantPolicy = GST_SMART_SRC_VARIANT_HIGHEST;

/* Property snapshot, taken under the object lock. */
struct Settings {
	std::string uri;
	std::string userAgent;
	std::shared_ptr<GstStructure> extraHeaders; /* never modified once set: replaced */
	GstSmartSrcVariantPolicy variantPolicy = kDefaultVariantPolicy;
	guint64 maxBitrate = 0;
	std::vector<std::string> backupUris;
	guint retryDelayMs = 1000;
	guint maxRetryDelayMs = 30000;
	guint retriesBeforeSwitch = 3;
	guint stallTimeoutMs = 10000;
};

/* What the plugged elements tell about the source. Guarded by State::lock. */
struct Findings {
	std::string type = "unknown"; /* test, hls, dash, mpegts, file, unknown */
	std::string container; /* mpegts, mp4, matroska, ... */
	bool adaptive = false;
};

/*
 * Streaming state. State::lock guards findings, counters and the classification; it is taken
 * from the threads that add pads and elements (streaming threads of the children) and from
 * property reads.
 */
struct State {
	std::mutex lock;
	Settings active;
	Findings findings;
	guint videoPads = 0;
	guint audioPads = 0;
	std::map<std::string, GstCaps *> caps; /* owned; first caps of each exposed pad */
	bool allPadsExposed = false;
	bool classified = false;
	GstStructure *classification = nullptr; /* owned */
	bool live = false; /* of the current source, once classified */
	GstElement *source = nullptr; /* owned ref: the element reading the bytes (souphttpsrc) */

	/*
	 * Resilience. The worker thread rebuilds the children when a source fails; the external
	 * pads stay and are retargeted, with a pad offset so running time keeps growing.
	 */
	std::vector<std::string> uris; /* primary, then backup-uris */
	std::string currentUri;
	std::unique_ptr<RetryPolicy> retry;
	std::thread worker;
	std::condition_variable wake; /* with lock: a reconnect request or stop */
	bool running = false;
	bool ending = false; /* the application sent EOS: let it through, reconnect no more */
	bool reconnectRequested = false;
	std::string reconnectReason;
	bool firstBufferPending = false; /* of the current source, on any pad */
	GstClockTime lastEnd = 0; /* running time (offset included) of the latest data out */
	gint64 offset = 0; /* pad offset of the current source */
	gint64 lastDataUs = 0; /* monotonic time of the latest buffer out; 0 = none yet */
	std::set<std::string> discont; /* pads whose next buffer opens a new source */
	/*
	 * Streams are exposed once the source and each of its parsers said no-more-pads:
	 * urisourcebin gives one pad per track of an adaptive source, each with its parsebin.
	 */
	guint parsers = 0;
	/*
	 * Per parsebin: audio/video streams in the collection it posts before exposing them (-1
	 * until posted), and pads exposed so far. parsebin 1.22 never says no-more-pads.
	 */
	struct Progress {
		int expected = -1;
		guint exposed = 0;
	};
	std::map<GstElement *, Progress> progress;
	guint selectedStreams = 0; /* adaptive sources: from the demuxer's STREAMS_SELECTED */
	bool sourceDone = false;
};

} /* namespace */

struct _GstSmartSrc {
	GstBin parent;

	Settings settings; /* guarded by GST_OBJECT_LOCK */
	State *state;
};

enum {
	PROP_0,
	PROP_URI,
	PROP_USER_AGENT,
	PROP_EXTRA_HEADERS,
	PROP_VARIANT_POLICY,
	PROP_MAX_BITRATE,
	PROP_BACKUP_URIS,
	PROP_RETRY_DELAY,
	PROP_MAX_RETRY_DELAY,
	PROP_RETRIES_BEFORE_SWITCH,
	PROP_STALL_TIMEOUT,
	PROP_CLASSIFICATION,
};

static GstStaticPadTemplate video_template
	= GST_STATIC_PAD_TEMPLATE("video_%u", GST_PAD_SRC, GST_PAD_SOMETIMES, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate audio_template
	= GST_STATIC_PAD_TEMPLATE("audio_%u", GST_PAD_SRC, GST_PAD_SOMETIMES, GST_STATIC_CAPS_ANY);

static void gst_smart_src_uri_handler_init(gpointer g_iface, gpointer iface_data);

G_DEFINE_TYPE_WITH_CODE(GstSmartSrc, gst_smart_src, GST_TYPE_BIN,
			G_IMPLEMENT_INTERFACE(GST_TYPE_URI_HANDLER, gst_smart_src_uri_handler_init))
GST_ELEMENT_REGISTER_DEFINE(smartsrc, "smartsrc", GST_RANK_NONE, GST_TYPE_SMART_SRC)

GType gst_smart_src_variant_policy_get_type(void)
{
	static GType type = 0;
	static const GEnumValue values[] = {
		{GST_SMART_SRC_VARIANT_HIGHEST, "The highest bitrate variant", "highest"},
		{GST_SMART_SRC_VARIANT_LOWEST, "The lowest bitrate variant", "lowest"},
		{GST_SMART_SRC_VARIANT_BEST, "The best variant under max-bitrate", "best"},
		{0, nullptr, nullptr},
	};
	if (g_once_init_enter(&type)) {
		GType t = g_enum_register_static("GstSmartSrcVariantPolicy", values);
		g_once_init_leave(&type, t);
	}
	return type;
}

/* -- Classification ------------------------------------------------------------------------ */

/*
 * A source is live when no duration can be known: live HLS/DASH, an endless HTTP stream. A
 * source whose size is known (an HTTP response with a Content-Length, a file) is not, even
 * when a demuxer reading it in push mode cannot tell its duration in time.
 */
static bool is_live(GstSmartSrc *self)
{
	GstElement *source = nullptr;
	{
		std::lock_guard<std::mutex> locker(self->state->lock);
		if (self->state->source)
			source = GST_ELEMENT(gst_object_ref(self->state->source));
	}
	if (source) {
		gint64 bytes = -1;
		bool sized
			= gst_element_query_duration(source, GST_FORMAT_BYTES, &bytes) && bytes > 0;
		gst_object_unref(source);
		if (sized)
			return false;
	}

	gint64 duration = -1;
	bool any = false;
	GstIterator *it = gst_element_iterate_src_pads(GST_ELEMENT(self));
	GValue item = G_VALUE_INIT;
	while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
		auto *pad = GST_PAD(g_value_get_object(&item));
		any = true;
		gint64 d = -1;
		if (gst_pad_query_duration(pad, GST_FORMAT_TIME, &d))
			duration = std::max(duration, d);
		g_value_reset(&item);
	}
	g_value_unset(&item);
	gst_iterator_free(it);
	return any && duration <= 0;
}

/*
 * Posts "smartsrc-classified" once every stream is exposed:
 *   uri (string), type (string: test, hls, dash, mpegts, file, unknown),
 *   container (string: mpegts, mp4, matroska, ...; empty when unknown), live (boolean),
 *   streams (GstValueArray of "stream" structures: kind, pad, codec, codecs (RFC 6381),
 *   profile, level, tier, width, height, framerate, rate, channels, bitrate, language).
 */
static void classify(GstSmartSrc *self, bool live)
{
	State *state = self->state;
	GValue streams = G_VALUE_INIT;
	gst_value_array_init(&streams, 2);

	GstIterator *it = gst_element_iterate_src_pads(GST_ELEMENT(self));
	GValue item = G_VALUE_INIT;
	while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
		auto *pad = GST_PAD(g_value_get_object(&item));
		const char *kind = g_str_has_prefix(GST_PAD_NAME(pad), "video") ? "video" : "audio";
		GstCaps *caps = nullptr;
		{
			std::lock_guard<std::mutex> locker(state->lock);
			auto found = state->caps.find(GST_PAD_NAME(pad));
			if (found != state->caps.end())
				caps = gst_caps_ref(found->second);
		}
		GValue stream = G_VALUE_INIT;
		g_value_init(&stream, GST_TYPE_STRUCTURE);
		g_value_take_boxed(&stream, describeStream(pad, caps, kind));
		if (caps)
			gst_caps_unref(caps);
		gst_value_array_append_and_take_value(&streams, &stream);
		g_value_reset(&item);
	}
	g_value_unset(&item);
	gst_iterator_free(it);

	GstStructure *result;
	{
		std::lock_guard<std::mutex> locker(state->lock);
		result = gst_structure_new("smartsrc-classified", "uri", G_TYPE_STRING,
					   state->currentUri.c_str(), "type", G_TYPE_STRING,
					   state->findings.type.c_str(), "container", G_TYPE_STRING,
					   state->findings.container.c_str(), "live",
					   G_TYPE_BOOLEAN, live, nullptr);
		gst_structure_take_value(result, "streams", &streams);
		if (state->classification)
			gst_structure_free(state->classification);
		state->classification = gst_structure_copy(result);
		state->live = live;
	}
	GST_INFO_OBJECT(self, "classified: %" GST_PTR_FORMAT, result);
	gst_element_post_message(GST_ELEMENT(self),
				 gst_message_new_element(GST_OBJECT(self), result));
	g_object_notify(G_OBJECT(self), "classification");
}

/* Classifies once every stream is exposed and has its caps: the first moment all is known. */
static void maybe_classify(GstSmartSrc *self)
{
	State *state = self->state;
	bool test;
	{
		std::lock_guard<std::mutex> locker(state->lock);
		if (state->classified || !state->allPadsExposed
		    || state->caps.size() < state->videoPads + state->audioPads)
			return;
		state->classified = true;
		test = state->findings.type == "test";
	}
	classify(self, test || is_live(self));
}

static void request_reconnect(GstSmartSrc *self, const std::string &reason);

static GstPadProbeReturn on_ghost_event(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	auto *self = static_cast<GstSmartSrc *>(data);
	GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info);
	if (GST_EVENT_TYPE(event) == GST_EVENT_EOS) {
		/* A live source that ends has dropped: the stream goes on from a reconnect. */
		bool live;
		{
			std::lock_guard<std::mutex> locker(self->state->lock);
			live = self->state->live && self->state->running && !self->state->ending;
		}
		if (!live)
			return GST_PAD_PROBE_OK;
		request_reconnect(self, "the live source ended");
		return GST_PAD_PROBE_DROP;
	}
	if (GST_EVENT_TYPE(event) != GST_EVENT_CAPS)
		return GST_PAD_PROBE_OK;
	GstCaps *caps;
	gst_event_parse_caps(event, &caps);
	bool first;
	{
		std::lock_guard<std::mutex> locker(self->state->lock);
		first = self->state->caps.emplace(GST_PAD_NAME(pad), gst_caps_ref(caps)).second;
		if (!first)
			gst_caps_unref(caps);
	}
	if (first)
		maybe_classify(self);
	return GST_PAD_PROBE_OK;
}

/* -- Children ------------------------------------------------------------------------------ */

/* What a plugged element says about the source; also tunes parsers and adaptive demuxers. */
static void on_deep_element_added(GstBin *, GstBin *, GstElement *element, GstSmartSrc *self)
{
	GstElementFactory *factory = gst_element_get_factory(element);
	if (!factory)
		return;
	const char *name = GST_OBJECT_NAME(factory);
	State *state = self->state;

	/* Codec headers on every keyframe: a muxer or client can start at any of them. */
	if (!strcmp(name, "h264parse") || !strcmp(name, "h265parse"))
		g_object_set(element, "config-interval", -1, nullptr);

	std::lock_guard<std::mutex> locker(state->lock);
	Findings &f = state->findings;
	if (g_str_has_prefix(name, "hlsdemux") || g_str_has_prefix(name, "dashdemux")) {
		f.type = g_str_has_prefix(name, "hls") ? "hls" : "dash";
		f.adaptive = true;
		const Settings &s = state->active;
		switch (s.variantPolicy) {
		case GST_SMART_SRC_VARIANT_HIGHEST:
			g_object_set(element, "min-bitrate", G_MAXUINT, nullptr);
			if (g_object_class_find_property(G_OBJECT_GET_CLASS(element),
							 "start-bitrate"))
				g_object_set(element, "start-bitrate", G_MAXUINT, nullptr);
			break;
		case GST_SMART_SRC_VARIANT_LOWEST:
			g_object_set(element, "max-bitrate", 1u, nullptr);
			if (g_object_class_find_property(G_OBJECT_GET_CLASS(element),
							 "start-bitrate"))
				g_object_set(element, "start-bitrate", 1u, nullptr);
			break;
		case GST_SMART_SRC_VARIANT_BEST:
			if (s.maxBitrate)
				g_object_set(element, "max-bitrate",
					     static_cast<guint>(
						     std::min<guint64>(s.maxBitrate, G_MAXUINT)),
					     nullptr);
			break;
		}
	} else if (!strcmp(name, "tsdemux")) {
		if (f.container.empty())
			f.container = "mpegts";
	} else if (!strcmp(name, "qtdemux")) {
		if (f.container.empty())
			f.container = "mp4";
	} else if (!strcmp(name, "matroskademux")) {
		if (f.container.empty())
			f.container = "matroska";
	}
}

/* HTTP details for every source element urisourcebin creates (also used by its demuxers). */
static void on_source_setup(GstElement *, GstElement *source, GstSmartSrc *self)
{
	std::lock_guard<std::mutex> locker(self->state->lock);
	if (self->state->source)
		gst_object_unref(self->state->source);
	self->state->source = GST_ELEMENT(gst_object_ref(source));
	const Settings &s = self->state->active;
	GObjectClass *klass = G_OBJECT_GET_CLASS(source);
	if (!s.userAgent.empty() && g_object_class_find_property(klass, "user-agent"))
		g_object_set(source, "user-agent", s.userAgent.c_str(), nullptr);
	if (s.extraHeaders && g_object_class_find_property(klass, "extra-headers"))
		g_object_set(source, "extra-headers", s.extraHeaders.get(), nullptr);
}

/* Ghosts a parsed stream as video_%u / audio_%u. */
static void check_exposed(GstSmartSrc *self);

/*
 * Keeps running time growing across sources: the first buffer of a new source sets one pad
 * offset for all pads (so A/V stay in step) that puts it right after the last data out; it
 * and the first buffer of every pad after a switch are marked DISCONT.
 */
static GstPadProbeReturn on_ghost_buffer(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	auto *self = static_cast<GstSmartSrc *>(data);
	State *state = self->state;
	GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER(info);
	GstClockTime pts
		= GST_BUFFER_PTS_IS_VALID(buffer) ? GST_BUFFER_PTS(buffer) : GST_BUFFER_DTS(buffer);

	GstClockTime runningTime = GST_CLOCK_TIME_NONE;
	if (GstEvent *event = gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0)) {
		const GstSegment *segment;
		gst_event_parse_segment(event, &segment);
		if (segment->format == GST_FORMAT_TIME && GST_CLOCK_TIME_IS_VALID(pts))
			runningTime = gst_segment_to_running_time(segment, GST_FORMAT_TIME, pts);
		gst_event_unref(event);
	}

	bool first = false;
	bool markDiscont;
	gint64 newOffset = 0;
	{
		std::lock_guard<std::mutex> locker(state->lock);
		if (state->firstBufferPending && GST_CLOCK_TIME_IS_VALID(runningTime)) {
			state->firstBufferPending = false;
			first = true;
			if (runningTime + state->offset < state->lastEnd)
				state->offset = state->lastEnd - runningTime;
			newOffset = state->offset;
			if (state->retry)
				state->retry->onSuccess();
		}
		if (GST_CLOCK_TIME_IS_VALID(runningTime)) {
			GstClockTime duration = GST_BUFFER_DURATION_IS_VALID(buffer)
				? GST_BUFFER_DURATION(buffer)
				: 0;
			state->lastEnd = std::max<GstClockTime>(
				state->lastEnd, runningTime + state->offset + duration);
		}
		markDiscont = state->discont.erase(GST_PAD_NAME(pad)) > 0;
		state->lastDataUs = g_get_monotonic_time();
	}

	if (first && newOffset) {
		GST_INFO_OBJECT(self, "new source continues at %" GST_TIME_FORMAT,
				GST_TIME_ARGS(static_cast<GstClockTime>(newOffset + runningTime)));
		GstIterator *it = gst_element_iterate_src_pads(GST_ELEMENT(self));
		GValue item = G_VALUE_INIT;
		while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
			gst_pad_set_offset(GST_PAD(g_value_get_object(&item)), newOffset);
			g_value_reset(&item);
		}
		g_value_unset(&item);
		gst_iterator_free(it);
	}
	if (markDiscont) {
		buffer = gst_buffer_make_writable(buffer);
		GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_DISCONT);
		GST_PAD_PROBE_INFO_DATA(info) = buffer;
	}
	return GST_PAD_PROBE_OK;
}

static void on_pad_added(GstElement *element, GstPad *pad, GstSmartSrc *self)
{
	if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC)
		return;
	g_autoptr(GstCaps) caps = gst_pad_get_current_caps(pad);
	if (!caps)
		caps = gst_pad_query_caps(pad, nullptr);
	const char *media = gst_structure_get_name(gst_caps_get_structure(caps, 0));
	bool video = g_str_has_prefix(media, "video/");
	bool audio = g_str_has_prefix(media, "audio/");
	if (!video && !audio) {
		GST_INFO_OBJECT(self, "not delivering a %s stream", media);
		return;
	}

	std::string name;
	{
		std::lock_guard<std::mutex> locker(self->state->lock);
		auto found = self->state->progress.find(element);
		if (found != self->state->progress.end())
			found->second.exposed++;
		name = video ? "video_" + std::to_string(self->state->videoPads++)
			     : "audio_" + std::to_string(self->state->audioPads++);
	}
	/* After a reconnect, the n-th stream of a kind goes out where the last source's did. */
	if (GstPad *existing = gst_element_get_static_pad(GST_ELEMENT(self), name.c_str())) {
		gst_ghost_pad_set_target(GST_GHOST_PAD(existing), pad);
		gst_object_unref(existing);
		check_exposed(self);
		return;
	}

	GstPadTemplate *templ = gst_element_class_get_pad_template(GST_ELEMENT_GET_CLASS(self),
								   video ? "video_%u" : "audio_%u");
	GstPad *ghost = gst_ghost_pad_new_from_template(name.c_str(), pad, templ);
	gst_pad_add_probe(ghost, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_ghost_event, self,
			  nullptr);
	gst_pad_add_probe(ghost, GST_PAD_PROBE_TYPE_BUFFER, on_ghost_buffer, self, nullptr);
	gst_pad_set_active(ghost, TRUE);
	gst_element_add_pad(GST_ELEMENT(self), ghost);
	check_exposed(self);
}

static void on_no_more_pads(GstElement *, GstSmartSrc *self)
{
	{
		std::lock_guard<std::mutex> locker(self->state->lock);
		self->state->allPadsExposed = true;
	}
	gst_element_no_more_pads(GST_ELEMENT(self));
	maybe_classify(self);
}

/* All streams are exposed once the source and every parser are done. */
static void check_exposed(GstSmartSrc *self)
{
	{
		std::lock_guard<std::mutex> locker(self->state->lock);
		State *state = self->state;
		if (!state->sourceDone || state->allPadsExposed)
			return;
		for (const auto &[parser, p] : state->progress) {
			if (p.expected < 0 || p.exposed < static_cast<guint>(p.expected))
				return;
		}
	}
	on_no_more_pads(nullptr, self);
}

static void on_source_no_more_pads(GstElement *, GstSmartSrc *self)
{
	{
		std::lock_guard<std::mutex> locker(self->state->lock);
		self->state->sourceDone = true;
	}
	check_exposed(self);
}

/*
 * Each pad of urisourcebin gets a parsebin. A plain source has exactly one pad; an adaptive
 * one has one per selected track, and urisourcebin 1.22 never says no-more-pads for it: the
 * demuxer's STREAMS_SELECTED message tells how many to expect. Called with State::lock.
 */
static void update_source_done(State *state)
{
	if (!state->findings.adaptive)
		state->sourceDone = state->parsers >= 1;
	else if (state->selectedStreams)
		state->sourceDone = state->parsers >= state->selectedStreams;
}

static void on_source_pad_added(GstElement *source, GstPad *pad, GstSmartSrc *self)
{
	GstElement *parser = gst_element_factory_make("parsebin", nullptr);
	g_signal_connect(parser, "pad-added", G_CALLBACK(on_pad_added), self);
	{
		std::lock_guard<std::mutex> locker(self->state->lock);
		self->state->parsers++;
		/* An adaptive demuxer's pads carry one elementary track each, while the
		 * collection a parsebin posts then repeats the demuxer's whole set. */
		self->state->progress[parser].expected = self->state->findings.adaptive ? 1 : -1;
		update_source_done(self->state);
	}
	/* A direct child: a ghost pad can only target a pad of one. */
	gst_bin_add(GST_BIN(GST_OBJECT_PARENT(source)), parser);
	gst_element_sync_state_with_parent(parser);
	g_autoptr(GstPad) sink = gst_element_get_static_pad(parser, "sink");
	if (gst_pad_link(pad, sink) != GST_PAD_LINK_OK)
		GST_WARNING_OBJECT(self, "could not link %" GST_PTR_FORMAT, pad);
}

/* Builds the children for the URI; false with a user message when the URI can't be read. */
/*
 * Adds the children that read uri; false with a message naming the URI when it cannot be
 * read at all (a malformed URI, a test:// URI with a bad field).
 */
static bool build_children(GstSmartSrc *self, const std::string &uri, std::string &error)
{
	State *state = self->state;
	GstElement *child = nullptr;
	if (g_str_has_prefix(uri.c_str(), "test://")) {
		TestSourceSpec spec;
		if (!parseTestUri(uri, spec, error) || !(child = buildTestSource(spec, error))) {
			error = "Cannot open \"" + uri + "\": " + error + ".";
			return false;
		}
		std::lock_guard<std::mutex> locker(state->lock);
		state->findings = Findings {"test", "", false};
	} else {
		if (!gst_uri_is_valid(uri.c_str())) {
			error = "\"" + uri + "\" is not a URI.";
			return false;
		}
		g_autofree char *scheme = gst_uri_get_protocol(uri.c_str());
		bool http = !g_ascii_strcasecmp(scheme, "http")
			|| !g_ascii_strcasecmp(scheme, "https");
		{
			std::lock_guard<std::mutex> locker(state->lock);
			state->findings = Findings {http ? "mpegts" : "file", "", false};
		}
		GstElement *source = gst_element_factory_make("urisourcebin", nullptr);
		g_object_set(source, "uri", uri.c_str(), nullptr);
		g_signal_connect(source, "source-setup", G_CALLBACK(on_source_setup), self);
		g_signal_connect(source, "pad-added", G_CALLBACK(on_source_pad_added), self);
		g_signal_connect(source, "no-more-pads", G_CALLBACK(on_source_no_more_pads), self);
		gst_bin_add(GST_BIN(self), source);
		return true;
	}

	gst_bin_add(GST_BIN(self), child);

	/* A test source's pads all exist already. */
	std::vector<GstPad *> pads;
	for (GList *l = GST_ELEMENT(child)->srcpads; l; l = l->next)
		pads.push_back(GST_PAD(l->data));
	for (GstPad *pad : pads)
		on_pad_added(child, pad, self);
	on_no_more_pads(child, self);
	return true;
}

static void worker_loop(GstSmartSrc *self);

/* Snapshot of the settings, the URI list and the retry policy; the first source's children. */
static bool build(GstSmartSrc *self)
{
	State *state = self->state;
	GST_OBJECT_LOCK(self);
	state->active = self->settings;
	GST_OBJECT_UNLOCK(self);
	const Settings &s = state->active;

	if (s.uri.empty()) {
		GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND, ("No source URI was given."),
				  ("set the uri property"));
		return false;
	}
	{
		std::lock_guard<std::mutex> locker(state->lock);
		state->uris = {s.uri};
		state->uris.insert(state->uris.end(), s.backupUris.begin(), s.backupUris.end());
		state->currentUri = s.uri;
		RetryConfig config;
		config.initialDelayMs = s.retryDelayMs;
		config.maxDelayMs = std::max(s.maxRetryDelayMs, s.retryDelayMs);
		config.failuresBeforeSwitch = s.retriesBeforeSwitch;
		state->retry = std::make_unique<RetryPolicy>(config, state->uris.size());
		state->lastEnd = 0;
		state->offset = 0;
		state->live = false;
		state->ending = false;
		state->firstBufferPending = true;
		state->reconnectRequested = false;
	}

	std::string error;
	if (!build_children(self, s.uri, error)) {
		GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND, ("%s", error.c_str()), (nullptr));
		return false;
	}
	return true;
}

/* Removes the children that read a source; the external pads stay, without a target. */
static void remove_children(GstSmartSrc *self)
{
	GstIterator *it = gst_element_iterate_src_pads(GST_ELEMENT(self));
	GValue item = G_VALUE_INIT;
	while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
		gst_ghost_pad_set_target(GST_GHOST_PAD(g_value_get_object(&item)), nullptr);
		g_value_reset(&item);
	}
	g_value_unset(&item);
	gst_iterator_free(it);

	GList *children = g_list_copy_deep(GST_BIN_CHILDREN(self),
					   reinterpret_cast<GCopyFunc>(gst_object_ref), nullptr);
	for (GList *l = children; l; l = l->next) {
		gst_element_set_state(GST_ELEMENT(l->data), GST_STATE_NULL);
		gst_bin_remove(GST_BIN(self), GST_ELEMENT(l->data));
	}
	g_list_free_full(children, gst_object_unref);

	/*
	 * GstBin drops its SOURCE flag with its last source child; smartsrc stays a source
	 * between sources, or an EOS sent to the pipeline would miss it.
	 */
	GST_OBJECT_FLAG_SET(self, GST_ELEMENT_FLAG_SOURCE);
}

/* What a new source starts from. Called with State::lock. */
static void reset_source_state(State *state)
{
	if (state->source) {
		gst_object_unref(state->source);
		state->source = nullptr;
	}
	state->parsers = state->selectedStreams = 0;
	state->progress.clear();
	state->sourceDone = false;
	state->videoPads = state->audioPads = 0;
	for (auto &[name, caps] : state->caps)
		gst_caps_unref(caps);
	state->caps.clear();
	state->allPadsExposed = state->classified = false;
	state->live = false;
}

/* Asks the worker to reconnect (ignored while one is pending or when stopping). */
static void request_reconnect(GstSmartSrc *self, const std::string &reason)
{
	std::lock_guard<std::mutex> locker(self->state->lock);
	State *state = self->state;
	if (!state->running || state->reconnectRequested || state->ending)
		return;
	GST_INFO_OBJECT(self, "reconnecting: %s", reason.c_str());
	state->reconnectRequested = true;
	state->reconnectReason = reason;
	state->wake.notify_all();
}

/*
 * Opens the next source the retry policy chose: the old children go, the external pads stay
 * and are retargeted as the new source exposes its streams. Worker thread.
 */
static void reconnect(GstSmartSrc *self, const RetryDecision &decision, const std::string &reason)
{
	State *state = self->state;
	remove_children(self);

	std::string uri, previous;
	{
		std::lock_guard<std::mutex> locker(state->lock);
		previous = state->currentUri;
		uri = state->currentUri = state->uris[decision.uriIndex];
		reset_source_state(state);
		state->lastDataUs = 0;
		state->firstBufferPending = true;
		state->discont.clear();
		for (GList *l = GST_ELEMENT(self)->srcpads; l; l = l->next)
			state->discont.insert(GST_PAD_NAME(l->data));
		/* Failures of the children just removed are old news; new ones count. */
		state->reconnectRequested = false;
	}

	gst_element_post_message(
		GST_ELEMENT(self),
		gst_message_new_element(
			GST_OBJECT(self),
			gst_structure_new("smartsrc-source-switched", "uri", G_TYPE_STRING,
					  uri.c_str(), "previous-uri", G_TYPE_STRING,
					  previous.c_str(), "reason", G_TYPE_STRING, reason.c_str(),
					  "attempt", G_TYPE_UINT, decision.attempt, "switched",
					  G_TYPE_BOOLEAN, decision.switched, nullptr)));

	std::string error;
	if (!build_children(self, uri, error)) {
		GST_ELEMENT_WARNING(self, RESOURCE, NOT_FOUND, ("%s", error.c_str()), (nullptr));
		request_reconnect(self, error);
		return;
	}
	GList *children = g_list_copy_deep(GST_BIN_CHILDREN(self),
					   reinterpret_cast<GCopyFunc>(gst_object_ref), nullptr);
	for (GList *l = children; l; l = l->next)
		gst_element_sync_state_with_parent(GST_ELEMENT(l->data));
	g_list_free_full(children, gst_object_unref);
}

/* Waits for reconnect requests, sleeps the backoff, reconnects. */
static void worker_loop(GstSmartSrc *self)
{
	State *state = self->state;
	std::unique_lock<std::mutex> lock(state->lock);
	const gint64 stallUs = static_cast<gint64>(state->active.stallTimeoutMs) * 1000;
	for (;;) {
		/*
		 * A source that keeps its connection open and sends nothing is as gone as one
		 * that failed: once data has flowed, stall-timeout without a buffer reconnects.
		 */
		auto requested = [state] {
			return !state->running || state->reconnectRequested;
		};
		if (stallUs > 0) {
			state->wake.wait_for(lock, std::chrono::microseconds(stallUs / 4),
					     requested);
			if (state->running && !state->reconnectRequested && !state->ending
			    && state->lastDataUs
			    && g_get_monotonic_time() - state->lastDataUs > stallUs) {
				state->reconnectRequested = true;
				state->reconnectReason = "no data for "
					+ std::to_string(state->active.stallTimeoutMs) + " ms";
				GST_INFO_OBJECT(self, "source stalled");
			}
		} else {
			state->wake.wait(lock, requested);
		}
		if (!state->running)
			return;
		if (!state->reconnectRequested)
			continue;
		RetryDecision decision = state->retry->onFailure();
		std::string reason = state->reconnectReason;
		GST_INFO_OBJECT(self, "retry %u of %s in %u ms (%s)", decision.attempt,
				state->uris[decision.uriIndex].c_str(), decision.delayMs,
				reason.c_str());
		state->wake.wait_for(lock, std::chrono::milliseconds(decision.delayMs),
				     [state] { return !state->running; });
		if (!state->running)
			return;
		if (state->ending) {
			/* The application ended the stream while we waited: nothing to reopen. */
			state->reconnectRequested = false;
			continue;
		}
		lock.unlock();
		reconnect(self, decision, reason);
		lock.lock();
	}
}

static void start_worker(GstSmartSrc *self)
{
	std::lock_guard<std::mutex> locker(self->state->lock);
	if (self->state->running)
		return;
	self->state->running = true;
	self->state->worker = std::thread(worker_loop, self);
}

static void stop_worker(GstSmartSrc *self)
{
	State *state = self->state;
	{
		std::lock_guard<std::mutex> locker(state->lock);
		state->running = false;
		state->wake.notify_all();
	}
	if (state->worker.joinable())
		state->worker.join();
}

static void teardown(GstSmartSrc *self)
{
	stop_worker(self);
	GstIterator *it = gst_element_iterate_src_pads(GST_ELEMENT(self));
	GValue item = G_VALUE_INIT;
	std::vector<GstPad *> pads;
	while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
		pads.push_back(GST_PAD(g_value_dup_object(&item)));
		g_value_reset(&item);
	}
	g_value_unset(&item);
	gst_iterator_free(it);
	for (GstPad *pad : pads) {
		gst_element_remove_pad(GST_ELEMENT(self), pad);
		gst_object_unref(pad);
	}

	GList *children = g_list_copy_deep(GST_BIN_CHILDREN(self),
					   reinterpret_cast<GCopyFunc>(gst_object_ref), nullptr);
	for (GList *l = children; l; l = l->next) {
		gst_element_set_state(GST_ELEMENT(l->data), GST_STATE_NULL);
		gst_bin_remove(GST_BIN(self), GST_ELEMENT(l->data));
	}
	g_list_free_full(children, gst_object_unref);

	std::lock_guard<std::mutex> locker(self->state->lock);
	reset_source_state(self->state);
	self->state->discont.clear();
	self->state->retry.reset();
}

static GstStateChangeReturn gst_smart_src_change_state(GstElement *element,
						       GstStateChange transition)
{
	auto *self = GST_SMART_SRC(element);
	if (transition == GST_STATE_CHANGE_NULL_TO_READY && !build(self))
		return GST_STATE_CHANGE_FAILURE;
	if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
		start_worker(self);
	if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
		stop_worker(self);

	GstStateChangeReturn ret
		= GST_ELEMENT_CLASS(gst_smart_src_parent_class)->change_state(element, transition);

	if (transition == GST_STATE_CHANGE_READY_TO_NULL
	    || (transition == GST_STATE_CHANGE_NULL_TO_READY && ret == GST_STATE_CHANGE_FAILURE))
		teardown(self);
	return ret;
}

/*
 * An error inside (souphttpsrc's "File not found", a demuxer's "no streams") becomes
 * smartsrc's own, naming the source and keeping the cause, so a user reading a channel
 * error learns which URI failed and why. The original details stay in the debug text.
 */
static GstMessage *own_error(GstSmartSrc *self, GstMessage *msg)
{
	g_autoptr(GError) error = nullptr;
	g_autofree char *debug = nullptr;
	gst_message_parse_error(msg, &error, &debug);
	std::string uri;
	{
		std::lock_guard<std::mutex> locker(self->state->lock);
		uri = self->state->active.uri;
	}
	g_autofree char *path = gst_object_get_path_string(GST_MESSAGE_SRC(msg));
	GError *own = g_error_new(error->domain, error->code, "Cannot read \"%s\": %s", uri.c_str(),
				  error->message);
	g_autofree char *details = g_strdup_printf("%s: %s", path, debug ? debug : "");
	GstMessage *result = gst_message_new_error(GST_OBJECT(self), own, details);
	g_error_free(own);
	return result;
}

/*
 * EOS from the application ends the stream on every pad at once, whatever the source is
 * doing: between two sources, or after a source whose own end was taken for a drop, no child
 * is left to send it. Children still pushing get EOS back and stop.
 */
static gboolean gst_smart_src_send_event(GstElement *element, GstEvent *event)
{
	auto *self = GST_SMART_SRC(element);
	if (GST_EVENT_TYPE(event) != GST_EVENT_EOS)
		return GST_ELEMENT_CLASS(gst_smart_src_parent_class)->send_event(element, event);

	{
		std::lock_guard<std::mutex> locker(self->state->lock);
		self->state->ending = true;
		self->state->wake.notify_all();
	}
	std::vector<GstPad *> pads;
	GST_OBJECT_LOCK(self);
	for (GList *l = element->srcpads; l; l = l->next)
		pads.push_back(GST_PAD(gst_object_ref(l->data)));
	GST_OBJECT_UNLOCK(self);
	for (GstPad *pad : pads) {
		gst_pad_push_event(pad, gst_event_ref(event));
		gst_object_unref(pad);
	}
	gst_event_unref(event);
	return TRUE;
}

static void gst_smart_src_handle_message(GstBin *bin, GstMessage *msg)
{
	auto *self = GST_SMART_SRC(bin);
	if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR
	    && GST_MESSAGE_SRC(msg) != GST_OBJECT(self)) {
		GstMessage *own = own_error(self, msg);
		gst_message_unref(msg);
		msg = own;

		/*
		 * IPTV sources fail and come back (a 404 for a minute, a dropped connection):
		 * warn and reconnect. Only a source that can never work (refused credentials,
		 * nothing playable) with no backup to turn to is an error.
		 */
		g_autoptr(GError) error = nullptr;
		g_autofree char *debug = nullptr;
		gst_message_parse_error(msg, &error, &debug);
		bool permanent = g_error_matches(error, GST_RESOURCE_ERROR,
						 GST_RESOURCE_ERROR_NOT_AUTHORIZED)
			|| (error->domain == GST_STREAM_ERROR
			    && (error->code == GST_STREAM_ERROR_TYPE_NOT_FOUND
				|| error->code == GST_STREAM_ERROR_WRONG_TYPE
				|| error->code == GST_STREAM_ERROR_CODEC_NOT_FOUND));
		bool retry, echo;
		{
			std::lock_guard<std::mutex> locker(self->state->lock);
			retry = self->state->running
				&& (!permanent || self->state->uris.size() > 1);
			/* A failing source errs more than once (404, then typefind finding
			 * nothing): while its reconnect is pending, the rest is its echo. And
			 * once the application ended the stream, a source cut short is no news. */
			echo = (self->state->running && self->state->reconnectRequested)
				|| self->state->ending;
		}
		if (echo) {
			GST_DEBUG_OBJECT(self, "already reconnecting: %s", error->message);
			gst_message_unref(msg);
			return;
		}
		if (retry) {
			GstMessage *warning
				= gst_message_new_warning(GST_OBJECT(self), error, debug);
			gst_message_unref(msg);
			GST_BIN_CLASS(gst_smart_src_parent_class)->handle_message(bin, warning);
			request_reconnect(self, error->message);
			return;
		}
	}
	if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_STREAM_COLLECTION) {
		GstStreamCollection *collection = nullptr;
		gst_message_parse_stream_collection(msg, &collection);
		int av = 0;
		for (guint i = 0; i < gst_stream_collection_get_size(collection); i++) {
			GstStreamType type = gst_stream_get_stream_type(
				gst_stream_collection_get_stream(collection, i));
			if (type & (GST_STREAM_TYPE_AUDIO | GST_STREAM_TYPE_VIDEO))
				av++;
		}
		gst_object_unref(collection);
		bool known;
		{
			std::lock_guard<std::mutex> locker(self->state->lock);
			auto found = self->state->progress.find(GST_ELEMENT(GST_MESSAGE_SRC(msg)));
			known = found != self->state->progress.end();
			if (known && found->second.expected < 0)
				found->second.expected = av;
		}
		if (known)
			check_exposed(self);
	}
	if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_STREAMS_SELECTED) {
		{
			std::lock_guard<std::mutex> locker(self->state->lock);
			self->state->selectedStreams = gst_message_streams_selected_get_size(msg);
			update_source_done(self->state);
		}
		check_exposed(self);
	}
	GST_BIN_CLASS(gst_smart_src_parent_class)->handle_message(bin, msg);
}

/* -- URI handler and GObject --------------------------------------------------------------- */

static GstURIType gst_smart_src_uri_get_type(GType)
{
	return GST_URI_SRC;
}

static const gchar *const *gst_smart_src_uri_get_protocols(GType)
{
	static const gchar *protocols[] = {"test", nullptr};
	return protocols;
}

static gchar *gst_smart_src_uri_get_uri(GstURIHandler *handler)
{
	auto *self = GST_SMART_SRC(handler);
	GST_OBJECT_LOCK(self);
	gchar *uri = self->settings.uri.empty() ? nullptr : g_strdup(self->settings.uri.c_str());
	GST_OBJECT_UNLOCK(self);
	return uri;
}

static gboolean gst_smart_src_uri_set_uri(GstURIHandler *handler, const gchar *uri, GError **error)
{
	auto *self = GST_SMART_SRC(handler);
	if (GST_STATE(self) != GST_STATE_NULL) {
		g_set_error(error, GST_URI_ERROR, GST_URI_ERROR_BAD_STATE,
			    "the URI can only be changed in the NULL state");
		return FALSE;
	}
	GST_OBJECT_LOCK(self);
	self->settings.uri = uri ? uri : "";
	GST_OBJECT_UNLOCK(self);
	return TRUE;
}

static void gst_smart_src_uri_handler_init(gpointer g_iface, gpointer)
{
	auto *iface = static_cast<GstURIHandlerInterface *>(g_iface);
	iface->get_type = gst_smart_src_uri_get_type;
	iface->get_protocols = gst_smart_src_uri_get_protocols;
	iface->get_uri = gst_smart_src_uri_get_uri;
	iface->set_uri = gst_smart_src_uri_set_uri;
}

static void gst_smart_src_set_property(GObject *object, guint prop_id, const GValue *value,
				       GParamSpec *pspec)
{
	auto *self = GST_SMART_SRC(object);
	GST_OBJECT_LOCK(self);
	Settings &s = self->settings;
	switch (prop_id) {
	case PROP_URI: {
		const char *uri = g_value_get_string(value);
		s.uri = uri ? uri : "";
		break;
	}
	case PROP_USER_AGENT: {
		const char *agent = g_value_get_string(value);
		s.userAgent = agent ? agent : "";
		break;
	}
	case PROP_EXTRA_HEADERS: {
		const GstStructure *headers = gst_value_get_structure(value);
		s.extraHeaders.reset(headers ? gst_structure_copy(headers) : nullptr,
				     gst_structure_free);
		break;
	}
	case PROP_VARIANT_POLICY:
		s.variantPolicy = static_cast<GstSmartSrcVariantPolicy>(g_value_get_enum(value));
		break;
	case PROP_MAX_BITRATE:
		s.maxBitrate = g_value_get_uint64(value);
		break;
	case PROP_BACKUP_URIS:
		s.backupUris.clear();
		for (guint i = 0; i < gst_value_array_get_size(value); i++) {
			const GValue *uri = gst_value_array_get_value(value, i);
			if (G_VALUE_HOLDS_STRING(uri) && g_value_get_string(uri))
				s.backupUris.emplace_back(g_value_get_string(uri));
		}
		break;
	case PROP_RETRY_DELAY:
		s.retryDelayMs = g_value_get_uint(value);
		break;
	case PROP_MAX_RETRY_DELAY:
		s.maxRetryDelayMs = g_value_get_uint(value);
		break;
	case PROP_RETRIES_BEFORE_SWITCH:
		s.retriesBeforeSwitch = g_value_get_uint(value);
		break;
	case PROP_STALL_TIMEOUT:
		s.stallTimeoutMs = g_value_get_uint(value);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
	GST_OBJECT_UNLOCK(self);
}

static void gst_smart_src_get_property(GObject *object, guint prop_id, GValue *value,
				       GParamSpec *pspec)
{
	auto *self = GST_SMART_SRC(object);
	if (prop_id == PROP_CLASSIFICATION) {
		std::lock_guard<std::mutex> locker(self->state->lock);
		gst_value_set_structure(value, self->state->classification);
		return;
	}
	GST_OBJECT_LOCK(self);
	const Settings &s = self->settings;
	switch (prop_id) {
	case PROP_URI:
		g_value_set_string(value, s.uri.empty() ? nullptr : s.uri.c_str());
		break;
	case PROP_USER_AGENT:
		g_value_set_string(value, s.userAgent.empty() ? nullptr : s.userAgent.c_str());
		break;
	case PROP_EXTRA_HEADERS:
		gst_value_set_structure(value, s.extraHeaders.get());
		break;
	case PROP_VARIANT_POLICY:
		g_value_set_enum(value, s.variantPolicy);
		break;
	case PROP_MAX_BITRATE:
		g_value_set_uint64(value, s.maxBitrate);
		break;
	case PROP_BACKUP_URIS:
		for (const std::string &uri : s.backupUris) {
			GValue item = G_VALUE_INIT;
			g_value_init(&item, G_TYPE_STRING);
			g_value_set_string(&item, uri.c_str());
			gst_value_array_append_and_take_value(value, &item);
		}
		break;
	case PROP_RETRY_DELAY:
		g_value_set_uint(value, s.retryDelayMs);
		break;
	case PROP_MAX_RETRY_DELAY:
		g_value_set_uint(value, s.maxRetryDelayMs);
		break;
	case PROP_RETRIES_BEFORE_SWITCH:
		g_value_set_uint(value, s.retriesBeforeSwitch);
		break;
	case PROP_STALL_TIMEOUT:
		g_value_set_uint(value, s.stallTimeoutMs);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
	GST_OBJECT_UNLOCK(self);
}

static void gst_smart_src_finalize(GObject *object)
{
	auto *self = GST_SMART_SRC(object);
	if (self->state->classification)
		gst_structure_free(self->state->classification);
	for (auto &[name, caps] : self->state->caps)
		gst_caps_unref(caps);
	if (self->state->source)
		gst_object_unref(self->state->source);
	delete self->state;
	self->settings.~Settings();
	G_OBJECT_CLASS(gst_smart_src_parent_class)->finalize(object);
}

static void gst_smart_src_init(GstSmartSrc *self)
{
	new (&self->settings) Settings();
	self->state = new State();
	GST_OBJECT_FLAG_SET(self, GST_ELEMENT_FLAG_SOURCE);
	g_signal_connect(self, "deep-element-added", G_CALLBACK(on_deep_element_added), self);
}

static void gst_smart_src_class_init(GstSmartSrcClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
	const auto flags = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
						    | GST_PARAM_MUTABLE_READY);

	object_class->set_property = gst_smart_src_set_property;
	object_class->get_property = gst_smart_src_get_property;
	object_class->finalize = gst_smart_src_finalize;

	g_object_class_install_property(
		object_class, PROP_URI,
		g_param_spec_string("uri", "URI",
				    "The source: http(s):// (HLS, DASH, MPEG-TS), file://, or "
				    "test://PATTERN?codec=h264|h265|vp9|av1|none&audio=aac|opus|"
				    "none&width=W&height=H&fps=N[/D]&bitrate=KBPS",
				    nullptr, flags));
	g_object_class_install_property(
		object_class, PROP_USER_AGENT,
		g_param_spec_string("user-agent", "User-Agent",
				    "User-Agent of every HTTP request (unset = GStreamer's)",
				    nullptr, flags));
	g_object_class_install_property(
		object_class, PROP_EXTRA_HEADERS,
		g_param_spec_boxed(
			"extra-headers", "Extra headers",
			"HTTP headers added to the source's requests, e.g. "
			"extra-headers=\"headers,Referer=http://example.com/,X-Token=abc\"",
			GST_TYPE_STRUCTURE, flags));
	g_object_class_install_property(
		object_class, PROP_VARIANT_POLICY,
		g_param_spec_enum("variant-policy", "Variant policy",
				  "Which variant of a multivariant HLS or multi-representation "
				  "DASH source to read",
				  GST_TYPE_SMART_SRC_VARIANT_POLICY, kDefaultVariantPolicy, flags));
	g_object_class_install_property(
		object_class, PROP_MAX_BITRATE,
		g_param_spec_uint64("max-bitrate", "Max bitrate",
				    "variant-policy=best: the highest variant at or under this "
				    "bitrate in bit/s (0 = no limit)",
				    0, G_MAXUINT64, 0, flags));
	g_object_class_install_property(
		object_class, PROP_BACKUP_URIS,
		gst_param_spec_array(
			"backup-uris", "Backup URIs",
			"Sources to switch to, in turn, after retries-before-switch "
			"failures of the current one; after the last comes the primary. "
			"From gst-launch: backup-uris='<\"http://a/\", \"http://b/\">'",
			g_param_spec_string("uri", "URI", "A backup source", nullptr,
					    static_cast<GParamFlags>(G_PARAM_READWRITE
								     | G_PARAM_STATIC_STRINGS)),
			flags));
	g_object_class_install_property(
		object_class, PROP_RETRY_DELAY,
		g_param_spec_uint("retry-delay", "Retry delay",
				  "Milliseconds before the first reconnect after a failure; it "
				  "doubles with each failure in a row",
				  0, 600000, 1000, flags));
	g_object_class_install_property(
		object_class, PROP_MAX_RETRY_DELAY,
		g_param_spec_uint("max-retry-delay", "Max retry delay",
				  "Milliseconds the doubling reconnect delay stops at", 0, 3600000,
				  30000, flags));
	g_object_class_install_property(
		object_class, PROP_RETRIES_BEFORE_SWITCH,
		g_param_spec_uint("retries-before-switch", "Retries before switch",
				  "Failures in a row of one source before the next of backup-uris "
				  "(0 = never switch)",
				  0, 1000, 3, flags));
	g_object_class_install_property(
		object_class, PROP_STALL_TIMEOUT,
		g_param_spec_uint(
			"stall-timeout", "Stall timeout",
			"Milliseconds without data, once data has flowed, after which the "
			"source counts as failed and is reopened (0 = never)",
			0, 600000, 10000, flags));
	g_object_class_install_property(
		object_class, PROP_CLASSIFICATION,
		g_param_spec_boxed(
			"classification", "Classification",
			"What the source is, as posted in the smartsrc-classified "
			"message (NULL until known)",
			GST_TYPE_STRUCTURE,
			static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));

	element_class->change_state = gst_smart_src_change_state;
	element_class->send_event = gst_smart_src_send_event;
	GST_BIN_CLASS(klass)->handle_message = gst_smart_src_handle_message;
	gst_element_class_add_static_pad_template(element_class, &video_template);
	gst_element_class_add_static_pad_template(element_class, &audio_template);
	gst_element_class_set_static_metadata(
		element_class, "Smart channel source", "Source/Network/Adaptive",
		"Reads an HLS, DASH, MPEG-TS, file or test:// source, classifies it "
		"(smartsrc-classified message) and delivers its parsed video and audio. "
		"Example: gst-launch-1.0 smartsrc uri=\"test://smpte?codec=h264\" name=s "
		"s.video_0 ! cmafsink name=c location=out s.audio_0 ! c.audio_0",
		"Sluice authors");

	gst_type_mark_as_plugin_api(GST_TYPE_SMART_SRC_VARIANT_POLICY, GstPluginAPIFlags(0));
	GST_DEBUG_CATEGORY_INIT(smartsrc_debug, "smartsrc", 0, "Smart channel source");
}
