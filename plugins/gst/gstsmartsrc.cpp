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
 *  http(s)://, file://                                 ┌─► video_0
 *    urisourcebin ─► parsebin ─(per stream)─► parser ─┼─► audio_0
 *    (hlsdemux2 / dashdemux2 inside)                   └─► ...
 *  mode=raw, an MPEG-TS source
 *    urisourcebin ─► typefind ─► tee ─► queue ─► parsebin ─► parser ─► video_0, audio_0, ...
 *                                   └─► queue ─► tsparse ─► raw (whole 188-byte packets)
 *  test://PATTERN?codec=...
 *    videotestsrc ─ timeoverlay ─ encoder ─ parser ─► video_0
 *    audiotestsrc ─ encoder ─ parser ───────────────► audio_0
 *  file:///path/clip.mkv?loop=1 (read once into memory: filesrc ─ parsebin ─ appsinks)
 *    appsrc ─ capsfilter ─ [h264parse|h265parse] ─ clocksync ─► video_0
 *    appsrc ─ capsfilter ─ [aacparse] ──────────── clocksync ─► audio_0
 * ```
 *
 * Each H.264, H.265 and AAC stream leaves through a parser of smartsrc's own (parser above:
 * h264parse, h265parse, aacparse), so it links to whatever framing downstream takes (ADTS or
 * raw AAC, byte-stream or avc) whatever the source's container: an HLS source over MPEG-TS
 * gives ADTS AAC, which cmafsink takes raw.
 *
 * smartsrc never leaves a pipeline waiting on a stream: a video_%u or audio_%u pad that
 * nobody linked (a link that failed, as gst-launch's "Delayed linking failed") once all pads
 * are exposed, or whose caps downstream refuses, is an error naming the pad, what downstream
 * accepts and what the source offers. Link a stream you do not want to queue ! fakesink;
 * with mode=raw, parsed streams nobody links are dropped instead.
 *
 * A file:// URI with loop=1 (or loop=true) is a live channel made of a short clip: the file
 * (at most 64 MiB) is read into memory once and played over and over, paced by the pipeline
 * clock, with no decoding or encoding. Timestamps start at the running time the source starts
 * and continue across loops (loop n is shifted by n times the video's span; audio past it is
 * cut), so downstream sees one endless stream. The clip must start on a keyframe.
 *
 * For a multivariant HLS or multi-representation DASH source, variant-policy picks one
 * variant: the highest, the lowest, or the best under max-height and max-bitrate (read from
 * the manifest the demuxer fetches; no second request).
 *
 * A DASH MPD over HTTP (a URL path ending in .mpd) is read through a loopback server in the
 * process that hands dashdemux2 each fetch of it with its SegmentTimelines anchored at their
 * Period's start and an absolute BaseURL: GStreamer 1.22's dashdemux2 cannot otherwise follow
 * a live timeline whose window has slid. Segments still come straight from the source.
 *
 * A failing live source (an error, its end, no data for stall-timeout), or one failing before
 * it is known to be live, is reopened with exponential backoff; after retries-before-switch
 * failures in a row the next of backup-uris takes over. Downstream sees DISCONT buffers,
 * running time that keeps growing, and a "smartsrc-source-switched" message (uri, reason,
 * backup). A VOD source (a file, an HLS or DASH presentation with an end) is read once: its
 * end is EOS, and a failure once it is playing is an error, since reopening it would start
 * it over.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 smartsrc uri="test://smpte?codec=h264&width=1280&height=720" name=s \
 *   s.video_0 ! cmafsink name=c location=out s.audio_0 ! c.audio_0
 * gst-launch-1.0 smartsrc uri=http://example.com/live.ts \
 *   backup-uris='<"http://backup.example.com/live.ts">' name=s \
 *   s.video_0 ! queue ! cmafsink name=c location=/tmp/live s.audio_0 ! queue ! c.audio_0
 * gst-launch-1.0 smartsrc uri=http://example.com/live.ts mode=raw ! filesink location=copy.ts
 * gst-launch-1.0 smartsrc uri="file:///srv/clips/demo.mkv?loop=1" name=s \
 *   s.video_0 ! queue ! fakesink s.audio_0 ! queue ! fakesink
 * ]|
 */

#include "gstsmartsrc.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gio/gio.h>

#include "smartsrcprivate.h"

GST_DEBUG_CATEGORY(smartsrc_debug);
#define GST_CAT_DEFAULT smartsrc_debug

using namespace sluice;
using namespace sluice::smartsrc;

enum {
	PROP_0,
	PROP_URI,
	PROP_USER_AGENT,
	PROP_EXTRA_HEADERS,
	PROP_VARIANT_POLICY,
	PROP_MAX_BITRATE,
	PROP_MAX_HEIGHT,
	PROP_MODE,
	PROP_BACKUP_URIS,
	PROP_RETRY_DELAY,
	PROP_MAX_RETRY_DELAY,
	PROP_RETRIES_BEFORE_SWITCH,
	PROP_STALL_TIMEOUT,
	PROP_CLASSIFICATION,
	PROP_ISOLATE,
	PROP_PRIMARY_CHECK_INTERVAL,
	PROP_INGEST_HELPER,
};

static GstStaticPadTemplate video_template
	= GST_STATIC_PAD_TEMPLATE("video_%u", GST_PAD_SRC, GST_PAD_SOMETIMES, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate audio_template
	= GST_STATIC_PAD_TEMPLATE("audio_%u", GST_PAD_SRC, GST_PAD_SOMETIMES, GST_STATIC_CAPS_ANY);
static GstStaticPadTemplate raw_template = GST_STATIC_PAD_TEMPLATE(
	"raw", GST_PAD_SRC, GST_PAD_SOMETIMES,
	GST_STATIC_CAPS("video/mpegts, systemstream = (boolean) true, packetsize = (int) 188"));

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
		{GST_SMART_SRC_VARIANT_BEST, "The best variant under max-height and max-bitrate",
		 "best"},
		{0, nullptr, nullptr},
	};
	if (g_once_init_enter(&type)) {
		GType t = g_enum_register_static("GstSmartSrcVariantPolicy", values);
		g_once_init_leave(&type, t);
	}
	return type;
}

/* Snapshot of the settings, the URI list and the retry policy; the first source's children. */
GType gst_smart_src_mode_get_type(void)
{
	static GType type = 0;
	static const GEnumValue values[] = {
		{GST_SMART_SRC_MODE_PARSED, "Parsed elementary streams on video_%u and audio_%u",
		 "parsed"},
		{GST_SMART_SRC_MODE_RAW,
		 "Also the original bytes of an MPEG-TS source, whole packets, on the raw pad; "
		 "parsed streams whose pad is not linked are dropped",
		 "raw"},
		{0, nullptr, nullptr},
	};
	if (g_once_init_enter(&type)) {
		GType t = g_enum_register_static("GstSmartSrcMode", values);
		g_once_init_leave(&type, t);
	}
	return type;
}

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
		state->failed = false;
		state->firstBufferPending = true;
		state->reconnectRequested = false;
		state->rebuildOnly = false;
		state->sourceStartUs = state->maxGapUs = 0;
		state->cutting = state->primaryUp = state->returnToPrimary = state->rawCut = false;
	}

	BuildError error;
	if (!build_children(self, s.uri, error)) {
		/* GST_ELEMENT_ERROR with the domain and code the failure chose. */
		gst_element_message_full(GST_ELEMENT(self), GST_MESSAGE_ERROR, error.domain,
					 error.code, g_strdup(error.message.c_str()), nullptr,
					 __FILE__, GST_FUNCTION, __LINE__);
		return false;
	}
	return true;
}

static void teardown(GstSmartSrc *self)
{
	stop_worker(self);
	remove_children(self);

	std::vector<GstPad *> pads;
	GST_OBJECT_LOCK(self);
	for (GList *l = GST_ELEMENT(self)->srcpads; l; l = l->next)
		pads.push_back(GST_PAD(gst_object_ref(l->data)));
	GST_OBJECT_UNLOCK(self);
	for (GstPad *pad : pads) {
		gst_element_remove_pad(GST_ELEMENT(self), pad);
		gst_object_unref(pad);
	}

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
/*
 * Why an http(s) source cannot be reached when all GStreamer said was "Internal data stream
 * error" (souphttpsrc 1.22 posts no cause for a refused or unresolvable connection): a short
 * connection attempt of its own names it. Empty when the host answers (the failure was
 * elsewhere) or the URI is not HTTP.
 */
static std::string connection_problem(const std::string &uri)
{
	g_autoptr(GUri) parsed = g_uri_parse(uri.c_str(), G_URI_FLAGS_NONE, nullptr);
	if (!parsed || !g_uri_get_host(parsed))
		return {};
	const char *scheme = g_uri_get_scheme(parsed);
	const bool https = !g_ascii_strcasecmp(scheme, "https");
	if (!https && g_ascii_strcasecmp(scheme, "http"))
		return {};
	const int port = g_uri_get_port(parsed) > 0 ? g_uri_get_port(parsed) : https ? 443 : 80;
	g_autoptr(GSocketClient) client = g_socket_client_new();
	g_socket_client_set_timeout(client, 3);
	g_autoptr(GError) error = nullptr;
	g_autoptr(GSocketConnection) connection = g_socket_client_connect_to_host(
		client, g_uri_get_host(parsed), static_cast<guint16>(port), nullptr, &error);
	if (connection)
		return {};
	/* "Could not connect to HOST: Connection refused", "Error resolving “HOST”: ..." */
	return std::string(error->message) + " (port " + std::to_string(port) + ")";
}

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
	std::string cause = error->message;
	if (g_error_matches(error, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED)) {
		std::string problem = connection_problem(uri);
		if (!problem.empty())
			cause = problem;
	}
	g_autofree char *path = gst_object_get_path_string(GST_MESSAGE_SRC(msg));
	GError *own = g_error_new(error->domain, error->code, "Cannot read \"%s\": %s", uri.c_str(),
				  cause.c_str());
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
			State *state = self->state;
			/* A VOD source is read once: reopened, it would start again from its
			 * beginning. Only a live one (or one not known yet) is retried. */
			const bool vod = state->classified && !state->live;
			retry = state->running && (!permanent || state->uris.size() > 1) && !vod;
			/* A failing source errs more than once (404, then typefind finding
			 * nothing): while its reconnect is pending, the rest is its echo. Once
			 * the application ended the stream, a source cut short is no news; once
			 * smartsrc failed a pad, the demuxer's flow error only repeats it. */
			echo = (state->running && state->reconnectRequested) || state->ending
				|| state->failed;
		}
		if (echo) {
			GST_DEBUG_OBJECT(self, "echo of an earlier failure: %s", error->message);
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
	case PROP_MAX_HEIGHT:
		s.maxHeight = g_value_get_uint(value);
		break;
	case PROP_MODE:
		s.mode = static_cast<GstSmartSrcMode>(g_value_get_enum(value));
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
	case PROP_ISOLATE:
		s.isolate = g_value_get_boolean(value);
		break;
	case PROP_PRIMARY_CHECK_INTERVAL:
		s.primaryCheckMs = g_value_get_uint(value);
		break;
	case PROP_INGEST_HELPER: {
		const char *helper = g_value_get_string(value);
		s.ingestHelper = helper ? helper : "";
		break;
	}
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
	case PROP_MAX_HEIGHT:
		g_value_set_uint(value, s.maxHeight);
		break;
	case PROP_MODE:
		g_value_set_enum(value, s.mode);
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
	case PROP_ISOLATE:
		g_value_set_boolean(value, s.isolate);
		break;
	case PROP_PRIMARY_CHECK_INTERVAL:
		g_value_set_uint(value, s.primaryCheckMs);
		break;
	case PROP_INGEST_HELPER:
		g_value_set_string(value,
				   s.ingestHelper.empty() ? nullptr : s.ingestHelper.c_str());
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
	if (self->state->rawHeld)
		gst_object_unref(self->state->rawHeld);
	forget_mpd_proxy(self);
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
				    "The source: http(s):// (HLS, DASH, MPEG-TS), file://, "
				    "file:///PATH?loop=1 (a clip of at most 64 MiB held in memory "
				    "and played forever as a live stream, paced by the clock), or "
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
		object_class, PROP_MAX_HEIGHT,
		g_param_spec_uint("max-height", "Max height",
				  "variant-policy=best: the highest variant at or under this "
				  "height in pixels (0 = no limit); read from the manifest",
				  0, G_MAXUINT16, 0, flags));
	g_object_class_install_property(object_class, PROP_MODE,
					g_param_spec_enum("mode", "Mode", "What to deliver",
							  GST_TYPE_SMART_SRC_MODE,
							  GST_SMART_SRC_MODE_PARSED, flags));
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
			"Milliseconds without data, once data has flowed, after which a live "
			"source counts as failed and is reopened (0 = never). It is at least three "
			"times the longest wait between the source's buffers (an HLS or DASH "
			"source delivers a segment at a time), and 10 s in an HLS or DASH "
			"source's first 10 s",
			0, 600000, 10000, flags));
	g_object_class_install_property(
		object_class, PROP_PRIMARY_CHECK_INTERVAL,
		g_param_spec_uint(
			"primary-check-interval", "Primary check interval",
			"Milliseconds between checks, while a backup plays, of whether the primary "
			"serves again; once it does, smartsrc returns to it at the backup's next "
			"video keyframe (0 = stay on the backup)",
			0, 3600000, 10000, flags));
	g_object_class_install_property(
		object_class, PROP_ISOLATE,
		g_param_spec_boolean(
			"isolate", "Isolate",
			"Read HLS and DASH sources in a child process (sluice-ingest), so that a "
			"crash of GStreamer's adaptive demuxers costs a reconnect, not the "
			"application",
			FALSE, flags));
	g_object_class_install_property(
		object_class, PROP_INGEST_HELPER,
		g_param_spec_string(
			"ingest-helper", "Ingest helper",
			"Path of sluice-ingest for isolate=true (NULL: $SLUICE_INGEST_HELPER, "
			"else the installed one)",
			nullptr, flags));
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
	gst_element_class_add_static_pad_template(element_class, &raw_template);
	gst_element_class_set_static_metadata(
		element_class, "Smart channel source", "Source/Network/Adaptive",
		"Reads an HLS, DASH, MPEG-TS, file or test:// source, classifies it "
		"(smartsrc-classified message) and delivers its parsed video and audio. "
		"file:///PATH?loop=1 plays a short clip forever as a live channel, in real "
		"time, with timestamps that continue across loops. "
		"Example: gst-launch-1.0 smartsrc uri=\"test://smpte?codec=h264\" name=s "
		"s.video_0 ! cmafsink name=c location=out s.audio_0 ! c.audio_0",
		"Sluice authors");

	gst_type_mark_as_plugin_api(GST_TYPE_SMART_SRC_VARIANT_POLICY, GstPluginAPIFlags(0));
	gst_type_mark_as_plugin_api(GST_TYPE_SMART_SRC_MODE, GstPluginAPIFlags(0));
	GST_DEBUG_CATEGORY_INIT(smartsrc_debug, "smartsrc", 0, "Smart channel source");
}
