/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * smartsrc: reading a source, exposing its streams and classifying it.
 */

#include <cstring>

#include "smartsrcprivate.h"
#include "streaminfo.h"
#include "testsource.h"
#include "testuri.h"

#define GST_CAT_DEFAULT smartsrc_debug

namespace sluice::smartsrc {

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
		/* An adaptive source's HTTP response is its playlist: its size tells nothing. */
		if (self->state->source && !self->state->findings.adaptive)
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
void on_deep_element_added(GstBin *, GstBin *, GstElement *element, GstSmartSrc *self)
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
			/*
			 * The demuxers choose the best variant under an estimated bandwidth:
			 * pretend it is endless from the start (start-bitrate) and always
			 * (connection-bitrate). min-bitrate would exclude every variant.
			 */
			for (const char *property : {"start-bitrate", "connection-bitrate"}) {
				if (g_object_class_find_property(G_OBJECT_GET_CLASS(element),
								 property))
					g_object_set(element, property, G_MAXUINT, nullptr);
			}
			break;
		case GST_SMART_SRC_VARIANT_LOWEST:
			g_object_set(element, "max-bitrate", 1u, nullptr);
			if (g_object_class_find_property(G_OBJECT_GET_CLASS(element),
							 "start-bitrate"))
				g_object_set(element, "start-bitrate", 1u, nullptr);
			break;
		case GST_SMART_SRC_VARIANT_BEST: {
			/* The highest variant under max-bitrate: start there and stay under it. */
			guint limit = s.maxBitrate
				? static_cast<guint>(std::min<guint64>(s.maxBitrate, G_MAXUINT))
				: G_MAXUINT;
			for (const char *property :
			     {"max-bitrate", "start-bitrate", "connection-bitrate"}) {
				if (g_object_class_find_property(G_OBJECT_GET_CLASS(element),
								 property))
					g_object_set(element, property, limit, nullptr);
			}
			break;
		}
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
void check_exposed(GstSmartSrc *self)
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
void update_source_done(State *state)
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
bool build_children(GstSmartSrc *self, const std::string &uri, std::string &error)
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

/* Removes the children that read a source; the external pads stay, without a target. */
void remove_children(GstSmartSrc *self)
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
void reset_source_state(State *state)
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

} /* namespace sluice::smartsrc */
