/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * smartsrc: reading a source, exposing its streams and classifying it.
 */

#include <cstring>

#include "hlsparse.h"
#include "loopsource.h"
#include "mpdparse.h"
#include "smartsrcprivate.h"
#include "streaminfo.h"
#include "testsource.h"
#include "testuri.h"
#include "variantfilter.h"

#ifdef SLUICE_HAVE_MPD_PROXY
#include "mpdproxy.h"
#endif
#include "ingestbin.h"

#define GST_CAT_DEFAULT smartsrc_debug

namespace sluice::smartsrc {

static void release_raw(State *state);

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
		/* A looped file has a size and no duration, yet it never ends. */
		if (self->state->findings.endless)
			return true;
		/* An isolated source: its child knew. */
		if (self->state->findings.knownLive >= 0)
			return self->state->findings.knownLive > 0;
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
 *   raw (boolean: the original bytes go out on the raw pad), isolated (boolean: read by
 *   sluice-ingest in a child process, isolate=true),
 *   for a variant chosen from the manifest (variant-policy=best with max-height): variants
 *   (uint: how many the manifest lists), variant-bandwidth (guint64, bit/s), variant-height,
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
		if (!strcmp(GST_PAD_NAME(pad), kRawPadName)) {
			g_value_reset(&item);
			continue;
		}
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
		result = gst_structure_new(
			"smartsrc-classified", "uri", G_TYPE_STRING, state->currentUri.c_str(),
			"type", G_TYPE_STRING, state->findings.type.c_str(), "container",
			G_TYPE_STRING, state->findings.container.c_str(), "live", G_TYPE_BOOLEAN,
			live, "raw", G_TYPE_BOOLEAN, state->findings.raw, "isolated",
			G_TYPE_BOOLEAN, state->findings.isolated, nullptr);
		if (state->findings.variants)
			gst_structure_set(result, "variants", G_TYPE_UINT, state->findings.variants,
					  "variant-bandwidth", G_TYPE_UINT64,
					  state->findings.variantBandwidth, "variant-height",
					  G_TYPE_UINT, state->findings.variantHeight, nullptr);
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
	/* Only now is it known whether the raw pad's EOS is the end or a drop to reconnect. */
	std::lock_guard<std::mutex> locker(state->lock);
	release_raw(state);
}

GstPadProbeReturn on_ghost_event(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	auto *self = static_cast<GstSmartSrc *>(data);
	GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info);
	if (GST_EVENT_TYPE(event) == GST_EVENT_STREAM_START) {
		/*
		 * One stream-start per pad and source: a repeat (sticky events sent again after
		 * the ghost pad got its new target) would make downstream start a new stream, a
		 * new period, twice.
		 */
		const gchar *id = nullptr;
		gst_event_parse_stream_start(event, &id);
		std::lock_guard<std::mutex> locker(self->state->lock);
		auto &last = self->state->streamStarts[GST_PAD_NAME(pad)];
		const std::string streamId = id ? id : "";
		if (last.first == self->state->sourceEpoch && last.second == streamId) {
			GST_DEBUG_OBJECT(pad, "dropping a repeated stream-start %s",
					 streamId.c_str());
			/* HANDLED, not DROP: a dropped sticky event would stay pending and be
			 * sent again with every buffer. */
			gst_event_unref(event);
			GST_PAD_PROBE_INFO_DATA(info) = nullptr;
			return GST_PAD_PROBE_HANDLED;
		}
		last = {self->state->sourceEpoch, streamId};
		return GST_PAD_PROBE_OK;
	}
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
	if (GST_EVENT_TYPE(event) != GST_EVENT_CAPS || !strcmp(GST_PAD_NAME(pad), kRawPadName))
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

/* -- Variant choice from the manifest ------------------------------------------------------ */

/*
 * A relay reads one variant, not an adaptive set: a switch mid-stream would be a new init
 * segment downstream for no gain. smartsrc holds the manifest on its way into the demuxer,
 * chooses the variant by policy (the 1.22 demuxers only take bitrate bounds, and dashdemux2
 * always starts at the lowest), and lets only that one through: an HLS multivariant playlist
 * with one EXT-X-STREAM-INF, an MPD with one video Representation. Anything it cannot parse
 * goes through untouched, for the demuxer to judge.
 */
struct ManifestProbe {
	GstSmartSrc *self;
	bool dash;
	std::string text;
};

static std::optional<std::string> narrow_manifest(GstSmartSrc *self, GstElement *demuxer,
						  const ManifestProbe &probe)
{
	std::vector<HlsVariant> variants;
	std::string error;
	Mpd mpd;
	if (probe.dash) {
		if (!parseMpd(probe.text, mpd, error)) {
			GST_WARNING_OBJECT(self, "cannot choose a representation: %s",
					   error.c_str());
			return std::nullopt;
		}
		for (const MpdRepresentation *r : representationsOf(mpd, "video")) {
			HlsVariant v;
			v.uri = r->id;
			v.bandwidth = r->bandwidth;
			v.width = r->width;
			v.height = r->height;
			variants.push_back(v);
		}
	} else {
		HlsPlaylist playlist;
		if (!parseHlsPlaylist(probe.text, playlist, error)) {
			GST_WARNING_OBJECT(self, "cannot choose a variant: %s", error.c_str());
			return std::nullopt;
		}
		variants = std::move(playlist.variants);
	}
	if (variants.size() < 2)
		return std::nullopt; /* a media playlist, or nothing to choose from */

	State *state = self->state;
	VariantLimits limits;
	VariantPolicy policy;
	{
		std::lock_guard<std::mutex> locker(state->lock);
		limits.maxHeight = state->active.maxHeight;
		limits.maxBitrate = state->active.maxBitrate;
		policy = state->active.variantPolicy == GST_SMART_SRC_VARIANT_LOWEST
			? VariantPolicy::Lowest
			: state->active.variantPolicy == GST_SMART_SRC_VARIANT_BEST
			? VariantPolicy::Best
			: VariantPolicy::Highest;
	}
	std::optional<size_t> chosen = selectVariant(variants, policy, limits);
	if (!chosen)
		return std::nullopt;
	const HlsVariant &v = variants[*chosen];

	std::optional<std::string> narrowed;
	if (probe.dash) {
		std::vector<std::string> others;
		for (size_t i = 0; i < variants.size(); i++) {
			if (i != *chosen && variants[i].uri != v.uri)
				others.push_back(variants[i].uri);
		}
		narrowed = removeMpdRepresentations(probe.text, others);
		/* A live MPD comes back whole at each refresh: keep the demuxer's own choice
		 * bounded to the same Representation. */
		if (limits.maxHeight
		    && g_object_class_find_property(G_OBJECT_GET_CLASS(demuxer),
						    "max-video-height"))
			g_object_set(demuxer, "max-video-height", limits.maxHeight, nullptr);
	} else {
		narrowed = keepOnlyHlsVariant(probe.text, *chosen);
	}
	if (!narrowed) {
		GST_WARNING_OBJECT(self, "cannot narrow the manifest to variant %zu", *chosen);
		return std::nullopt;
	}
	GST_INFO_OBJECT(self, "variant %zu of %zu: %ux%u at %" G_GUINT64_FORMAT " bit/s", *chosen,
			variants.size(), v.width, v.height, v.bandwidth);
	std::lock_guard<std::mutex> locker(state->lock);
	state->findings.variants = variants.size();
	state->findings.variantBandwidth = v.bandwidth;
	state->findings.variantHeight = v.height;
	return narrowed;
}

/* Hands the demuxer its manifest: narrowed, or as it came. Called before it sees the EOS. */
static void deliver_manifest(GstPad *pad, GstSmartSrc *self, ManifestProbe &probe)
{
	g_autoptr(GstElement) demuxer = gst_pad_get_parent_element(pad);
	if (!demuxer)
		return;
	std::optional<std::string> narrowed = narrow_manifest(self, demuxer, probe);
	const std::string &text = narrowed ? *narrowed : probe.text;
	GstBuffer *buffer = gst_buffer_new_memdup(text.data(), text.size());
	/* The pad is inside a probe of its own EOS: its chain function takes the buffer as a
	 * push would have. */
	GstFlowReturn ret = GST_PAD_CHAINFUNC(pad)(pad, GST_OBJECT(demuxer), buffer);
	if (ret != GST_FLOW_OK)
		GST_WARNING_OBJECT(self, "the demuxer refused its manifest: %s",
				   gst_flow_get_name(ret));
	probe.text.clear();
}

static GstPadProbeReturn on_manifest_data(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	auto *probe = static_cast<ManifestProbe *>(data);
	auto append = [probe](GstBuffer *buffer) {
		gsize size = gst_buffer_get_size(buffer);
		size_t at = probe->text.size();
		probe->text.resize(at + size);
		gst_buffer_extract(buffer, 0, probe->text.data() + at, size);
	};
	if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER) {
		append(GST_PAD_PROBE_INFO_BUFFER(info));
	} else if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
		GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST(info);
		for (guint i = 0; i < gst_buffer_list_length(list); i++)
			append(gst_buffer_list_get(list, i));
	} else {
		GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info);
		if (GST_EVENT_TYPE(event) == GST_EVENT_EOS) {
			deliver_manifest(pad, probe->self, *probe);
			return GST_PAD_PROBE_REMOVE;
		}
		if (GST_EVENT_TYPE(event) == GST_EVENT_FLUSH_STOP)
			probe->text.clear();
		return GST_PAD_PROBE_OK;
	}
	if (probe->text.size() > kMpdMaxBytes) {
		/* No manifest is this large: let the demuxer have it and say so. */
		deliver_manifest(pad, probe->self, *probe);
		return GST_PAD_PROBE_REMOVE;
	}
	return GST_PAD_PROBE_DROP;
}

static void watch_manifest(GstSmartSrc *self, GstElement *demuxer, bool dash)
{
	g_autoptr(GstPad) sink = gst_element_get_static_pad(demuxer, "sink");
	if (!sink || !GST_PAD_CHAINFUNC(sink))
		return;
	gst_pad_add_probe(sink,
			  static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BUFFER
						       | GST_PAD_PROBE_TYPE_BUFFER_LIST
						       | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM
						       | GST_PAD_PROBE_TYPE_EVENT_FLUSH),
			  on_manifest_data, new ManifestProbe {self, dash, {}},
			  [](gpointer data) { delete static_cast<ManifestProbe *>(data); });
}

/* The container a demuxer reads ("tsdemux" -> "mpegts"), or nullptr for other elements. */
static const char *container_of(const char *factory)
{
	if (!strcmp(factory, "tsdemux"))
		return "mpegts";
	if (!strcmp(factory, "qtdemux"))
		return "mp4";
	if (!strcmp(factory, "matroskademux"))
		return "matroska";
	return nullptr;
}

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

	bool adaptive = g_str_has_prefix(name, "hlsdemux") || g_str_has_prefix(name, "dashdemux");
	if (adaptive) {
		/* Found out only now (a URL that does not say .m3u8 or .mpd): read it isolated. */
		std::string uri;
		bool isolate;
		{
			std::lock_guard<std::mutex> locker(state->lock);
			uri = state->currentUri;
			isolate = state->active.isolate && !ingest_helper(self).empty();
			if (isolate)
				state->adaptiveUris.insert(uri);
		}
		if (isolate) {
			request_rebuild(
				self, "\"" + uri + "\" is adaptive: reading it in a child process");
			return;
		}
	}

	std::lock_guard<std::mutex> locker(state->lock);
	Findings &f = state->findings;
	if (adaptive) {
		f.type = g_str_has_prefix(name, "hls") ? "hls" : "dash";
		f.adaptive = true;
		const Settings &s = state->active;
		watch_manifest(self, element, f.type == "dash");
		/* The same choice as bitrate bounds: what a refreshed live manifest, which
		 * comes back whole, is held to. */
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
	} else if (const char *container = container_of(name)) {
		if (f.container.empty())
			f.container = container;
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

/* What the raw branch may hold while the parsed streams are being found: a first GOP. */
constexpr guint kRawHoldBytes = 32 * 1024 * 1024;

/* Lets the raw bytes flow. Called with State::lock. */
static void release_raw(State *state)
{
	if (!state->rawHeld)
		return;
	gst_pad_remove_probe(state->rawHeld, state->rawHoldId);
	gst_object_unref(state->rawHeld);
	state->rawHeld = nullptr;
	state->rawHoldId = 0;
}

/* mode=raw: an MPEG-TS source's bytes also go out, in whole packets, on the raw pad. */
static void on_have_type(GstElement *typefind, guint, GstCaps *caps, GstSmartSrc *self)
{
	State *state = self->state;
	const char *media = gst_structure_get_name(gst_caps_get_structure(caps, 0));
	if (strcmp(media, "video/mpegts") != 0) {
		std::string uri;
		{
			std::lock_guard<std::mutex> locker(state->lock);
			uri = state->currentUri;
		}
		GST_ELEMENT_WARNING(self, STREAM, WRONG_TYPE,
				    ("mode=raw needs an MPEG-TS source; \"%s\" is %s: only its "
				     "parsed streams are delivered.",
				     uri.c_str(), media),
				    (nullptr));
		return;
	}

	/* tsparse passes packets unchanged, resyncs on the sync byte and never lets out a
	 * partial packet: nothing half of an old source is spliced into a new one. */
	auto *tee = static_cast<GstElement *>(g_object_get_data(G_OBJECT(typefind), "tee"));
	g_autoptr(GstObject) parent = gst_object_get_parent(GST_OBJECT(typefind));
	if (!parent)
		return; /* removed meanwhile */
	GstBin *bin = GST_BIN(parent);
	GstElement *queue = gst_element_factory_make("queue", nullptr);
	GstElement *packets = gst_element_factory_make("tsparse", nullptr);
	if (!queue || !packets) {
		GST_ELEMENT_WARNING(self, CORE, MISSING_PLUGIN,
				    ("mode=raw needs tsparse (gst-plugins-bad); only the parsed "
				     "streams are delivered."),
				    (nullptr));
		if (queue)
			gst_object_unref(queue);
		if (packets)
			gst_object_unref(packets);
		return;
	}
	gst_bin_add_many(bin, queue, packets, nullptr);
	gst_element_link(queue, packets);
	gst_element_sync_state_with_parent(packets);
	gst_element_sync_state_with_parent(queue);
	g_autoptr(GstPad) branch = gst_element_request_pad_simple(tee, "src_%u");
	g_autoptr(GstPad) queueSink = gst_element_get_static_pad(queue, "sink");
	gst_pad_link(branch, queueSink);

	g_object_set(queue, "max-size-buffers", 0u, "max-size-time", G_GUINT64_CONSTANT(0),
		     "max-size-bytes", kRawHoldBytes, nullptr);
	g_autoptr(GstPad) out = gst_element_get_static_pad(packets, "src");
	{
		std::lock_guard<std::mutex> locker(state->lock);
		if (!state->classified) {
			state->rawHeld = GST_PAD(gst_object_ref(out));
			state->rawHoldId = gst_pad_add_probe(
				out, GST_PAD_PROBE_TYPE_BLOCK_DOWNSTREAM,
				[](GstPad *, GstPadProbeInfo *, gpointer) {
					return GST_PAD_PROBE_OK;
				},
				nullptr, nullptr);
		}
	}
	if (GstPad *existing = gst_element_get_static_pad(GST_ELEMENT(self), kRawPadName)) {
		gst_ghost_pad_set_target(GST_GHOST_PAD(existing), out);
		gst_object_unref(existing);
	} else {
		GstPadTemplate *templ = gst_element_class_get_pad_template(
			GST_ELEMENT_GET_CLASS(self), kRawPadName);
		GstPad *ghost = gst_ghost_pad_new_from_template(kRawPadName, out, templ);
		gst_pad_add_probe(ghost, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_ghost_event, self,
				  nullptr);
		gst_pad_add_probe(ghost, GST_PAD_PROBE_TYPE_BUFFER, on_ghost_buffer, self, nullptr);
		gst_pad_set_active(ghost, TRUE);
		gst_element_add_pad(GST_ELEMENT(self), ghost);
	}
	std::lock_guard<std::mutex> locker(state->lock);
	state->findings.raw = true;
}

/*
 * Puts typefind ! tee in front of the parsebin so that, once the bytes are known to be
 * MPEG-TS, a second branch can carry them out unparsed. Returns the pad to link the source
 * to.
 */
static GstPad *add_raw_splitter(GstBin *bin, GstElement *parser, GstSmartSrc *self)
{
	GstElement *typefind = gst_element_factory_make("typefind", nullptr);
	GstElement *tee = gst_element_factory_make("tee", nullptr);
	GstElement *queue = gst_element_factory_make("queue", nullptr);
	g_object_set_data(G_OBJECT(typefind), "tee", tee);
	g_signal_connect(typefind, "have-type", G_CALLBACK(on_have_type), self);
	gst_bin_add_many(bin, typefind, tee, queue, nullptr);
	gst_element_link_many(typefind, tee, queue, parser, nullptr);
	for (GstElement *e : {queue, tee, typefind})
		gst_element_sync_state_with_parent(e);
	return gst_element_get_static_pad(typefind, "sink");
}

static void on_source_pad_added(GstElement *source, GstPad *pad, GstSmartSrc *self)
{
	GstBin *bin = GST_BIN(gst_object_get_parent(GST_OBJECT(source)));
	if (!bin)
		return; /* removed meanwhile: a reconnect or a shutdown took the source away */
	g_autoptr(GstObject) binRef = GST_OBJECT(bin);
	GstElement *parser = gst_element_factory_make("parsebin", nullptr);
	g_signal_connect(parser, "pad-added", G_CALLBACK(on_pad_added), self);
	bool raw, adaptive;
	std::string uri;
	{
		std::lock_guard<std::mutex> locker(self->state->lock);
		self->state->parsers++;
		/* An adaptive demuxer's pads carry one elementary track each, while the
		 * collection a parsebin posts then repeats the demuxer's whole set. */
		self->state->progress[parser].expected = self->state->findings.adaptive ? 1 : -1;
		update_source_done(self->state);
		raw = self->state->active.mode == GST_SMART_SRC_MODE_RAW;
		adaptive = self->state->findings.adaptive;
		uri = self->state->currentUri;
	}
	/* A direct child: a ghost pad can only target a pad of one. */
	gst_bin_add(bin, parser);
	gst_element_sync_state_with_parent(parser);
	g_autoptr(GstPad) sink = nullptr;
	if (raw && !adaptive) {
		sink = add_raw_splitter(bin, parser, self);
	} else {
		if (raw && adaptive)
			GST_ELEMENT_WARNING(self, STREAM, WRONG_TYPE,
					    ("mode=raw needs an MPEG-TS source; \"%s\" is an "
					     "adaptive stream: only its parsed streams are "
					     "delivered.",
					     uri.c_str()),
					    (nullptr));
		sink = gst_element_get_static_pad(parser, "sink");
	}
	if (gst_pad_link(pad, sink) != GST_PAD_LINK_OK)
		GST_WARNING_OBJECT(self, "could not link %" GST_PTR_FORMAT, pad);
}

void forget_mpd_proxy(GstSmartSrc *self)
{
	std::string url;
	{
		std::lock_guard<std::mutex> locker(self->state->lock);
		url.swap(self->state->proxyUrl);
	}
#ifdef SLUICE_HAVE_MPD_PROXY
	if (!url.empty())
		MpdProxy::instance().remove(url);
#endif
}

/*
 * Where urisourcebin reads uri from: a DASH MPD over HTTP (a path ending in .mpd) goes
 * through the loopback MpdProxy, since dashdemux2 re-reads a live MPD from the URL it got and
 * cannot follow most live SegmentTimelines as they come (see anchorLiveMpd).
 */
static std::string mpd_proxy_uri(GstSmartSrc *self, const std::string &uri, bool http)
{
	forget_mpd_proxy(self);
	std::string_view path(uri);
	path = path.substr(0, path.find_first_of("?#"));
	if (!http || path.size() < 4
	    || g_ascii_strcasecmp(std::string(path.substr(path.size() - 4)).c_str(), ".mpd"))
		return uri;
#ifdef SLUICE_HAVE_MPD_PROXY
	std::string userAgent;
	GstStructure *headers = nullptr;
	{
		std::lock_guard<std::mutex> locker(self->state->lock);
		userAgent = self->state->active.userAgent;
		if (self->state->active.extraHeaders)
			headers = gst_structure_copy(self->state->active.extraHeaders.get());
	}
	if (userAgent.empty()) {
		/* What souphttpsrc would have sent. */
		guint major, minor, micro, nano;
		gst_version(&major, &minor, &micro, &nano);
		userAgent = "GStreamer souphttpsrc " + std::to_string(major) + "."
			+ std::to_string(minor) + "." + std::to_string(micro);
	}
	std::string proxied = MpdProxy::instance().add(uri, userAgent, headers);
	if (headers)
		gst_structure_free(headers);
	if (proxied.empty())
		return uri;
	GST_INFO_OBJECT(self, "reading the MPD of %s through %s", uri.c_str(), proxied.c_str());
	std::lock_guard<std::mutex> locker(self->state->lock);
	self->state->proxyUrl = proxied;
	return proxied;
#else
	(void)self;
	return uri;
#endif
}

/*
 * A file:///...?loop=1 source: the clip is read into memory here, on the calling thread (the
 * state change, or the worker on a reconnect, which a stop interrupts). nullptr with error
 * when it cannot loop.
 */
static GstElement *build_loop_child(GstSmartSrc *self, const std::string &path, BuildError &error)
{
	State *state = self->state;
	forget_mpd_proxy(self); /* of the previous source, if it was one */
	bool wasRunning;
	{
		std::lock_guard<std::mutex> locker(state->lock);
		wasRunning = state->running;
	}
	LoopError loadError;
	std::shared_ptr<const LoopClip> clip = loadLoopClip(
		path,
		[state, wasRunning] {
			std::lock_guard<std::mutex> locker(state->lock);
			return wasRunning && !state->running;
		},
		loadError);
	if (!clip) {
		error = {loadError.message, loadError.domain, loadError.code};
		return nullptr;
	}
	GstElement *child = buildLoopSource(clip);
	if (!child) {
		error = {"Cannot loop \"" + path + "\": appsrc, clocksync or a parser is missing.",
			 GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN};
		return nullptr;
	}
	const char *container = container_of(clip->demuxer.c_str());
	std::lock_guard<std::mutex> locker(state->lock);
	state->findings = Findings {"file", container ? container : "", false};
	state->findings.endless = true;
	return child;
}

/*
 * The sluice-ingest to run for isolate=true, or empty when there is none (then adaptive
 * sources are read in this process, as without isolate). Called with State::lock.
 */
std::string ingest_helper(GstSmartSrc *self)
{
	State *state = self->state;
	std::string helper = state->active.ingestHelper.empty() ? defaultIngestHelper()
								: state->active.ingestHelper;
	if (g_path_is_absolute(helper.c_str())) {
		if (g_file_test(helper.c_str(), G_FILE_TEST_IS_EXECUTABLE))
			return helper;
	} else if (g_autofree char *found = g_find_program_in_path(helper.c_str())) {
		return found;
	}
	if (!state->helperMissingLogged) {
		state->helperMissingLogged = true;
		GST_WARNING_OBJECT(self,
				   "isolate=true, but %s cannot be run: adaptive sources "
				   "are read in this process",
				   helper.c_str());
	}
	return {};
}

/* Does uri name an HLS playlist or a DASH MPD, by its path or by what was found earlier? */
static bool looks_adaptive(State *state, const std::string &uri)
{
	if (state->adaptiveUris.count(uri))
		return true;
	std::string_view path(uri);
	path = path.substr(0, path.find_first_of("?#"));
	for (std::string_view suffix : {".m3u8", ".mpd"}) {
		if (path.size() > suffix.size()
		    && !g_ascii_strcasecmp(
			    std::string(path.substr(path.size() - suffix.size())).c_str(),
			    std::string(suffix).c_str()))
			return true;
	}
	return false;
}

/* What an isolated source's child found, as this process would have found it. */
static void take_child_findings(GstSmartSrc *self, const GstStructure *classification)
{
	std::lock_guard<std::mutex> locker(self->state->lock);
	Findings &f = self->state->findings;
	if (const char *type = gst_structure_get_string(classification, "type"))
		f.type = type;
	if (const char *container = gst_structure_get_string(classification, "container"))
		f.container = container;
	f.adaptive = f.type == "hls" || f.type == "dash";
	f.isolated = true;
	gboolean live = FALSE;
	if (gst_structure_get_boolean(classification, "live", &live))
		f.knownLive = live ? 1 : 0;
	gst_structure_get_uint(classification, "variants", &f.variants);
	gst_structure_get_uint64(classification, "variant-bandwidth", &f.variantBandwidth);
	gst_structure_get_uint(classification, "variant-height", &f.variantHeight);
}

/* An HLS or DASH source read by sluice-ingest; nullptr when it is to be read here. */
static GstElement *build_isolated_child(GstSmartSrc *self, const std::string &uri)
{
	State *state = self->state;
	IngestSpec spec;
	{
		std::lock_guard<std::mutex> locker(state->lock);
		const Settings &s = state->active;
		if (!s.isolate || !looks_adaptive(state, uri))
			return nullptr;
		spec.helper = ingest_helper(self);
		if (spec.helper.empty())
			return nullptr;
		spec.uri = uri;
		spec.userAgent = s.userAgent;
		if (s.extraHeaders) {
			g_autofree char *text = gst_structure_to_string(s.extraHeaders.get());
			spec.extraHeaders = text;
		}
		g_autoptr(GEnumClass) policies
			= G_ENUM_CLASS(g_type_class_ref(GST_TYPE_SMART_SRC_VARIANT_POLICY));
		if (GEnumValue *value = g_enum_get_value(policies, s.variantPolicy))
			spec.variantPolicy = value->value_nick;
		spec.maxBitrate = s.maxBitrate;
		spec.maxHeight = s.maxHeight;
		state->findings = Findings {"unknown", "", true};
	}
	forget_mpd_proxy(self); /* of the previous source; the child has its own */
	GstElement *bin = ingestBinNew(std::move(spec), [self](const GstStructure *found) {
		take_child_findings(self, found);
	});
	g_signal_connect(bin, "pad-added", G_CALLBACK(on_pad_added), self);
	g_signal_connect(bin, "no-more-pads", G_CALLBACK(on_no_more_pads), self);
	return bin;
}

/*
 * Adds the children that read uri; false with a message naming the URI when it cannot be
 * read at all (a malformed URI, a test:// URI with a bad field, a file that cannot loop).
 */
bool build_children(GstSmartSrc *self, const std::string &uri, BuildError &error)
{
	State *state = self->state;
	GstElement *child = nullptr;
	if (g_str_has_prefix(uri.c_str(), "test://")) {
		TestSourceSpec spec;
		std::string why;
		if (!parseTestUri(uri, spec, why) || !(child = buildTestSource(spec, why))) {
			error.message = "Cannot open \"" + uri + "\": " + why + ".";
			return false;
		}
		std::lock_guard<std::mutex> locker(state->lock);
		state->findings = Findings {"test", "", false};
	} else {
		if (!gst_uri_is_valid(uri.c_str())) {
			error.message = "\"" + uri + "\" is not a URI.";
			return false;
		}
		g_autofree char *scheme = gst_uri_get_protocol(uri.c_str());
		bool http = !g_ascii_strcasecmp(scheme, "http")
			|| !g_ascii_strcasecmp(scheme, "https");
		std::string readUri = uri;
		if (!g_ascii_strcasecmp(scheme, "file")) {
			FileUri file;
			if (!parseFileUri(uri, file, error.message)) {
				error.message += ".";
				return false;
			}
			if (file.loop && !(child = build_loop_child(self, file.path, error)))
				return false;
			readUri = file.plainUri;
		}
		if (!child && http && (child = build_isolated_child(self, readUri))) {
			/* Its pads come later, from the child's streams. */
			gst_bin_add(GST_BIN(self), child);
			return true;
		}
		if (!child) {
			{
				std::lock_guard<std::mutex> locker(state->lock);
				state->findings = Findings {http ? "mpegts" : "file", "", false};
			}
			GstElement *source = gst_element_factory_make("urisourcebin", nullptr);
			g_object_set(source, "uri", mpd_proxy_uri(self, readUri, http).c_str(),
				     nullptr);
			g_signal_connect(source, "source-setup", G_CALLBACK(on_source_setup), self);
			g_signal_connect(source, "pad-added", G_CALLBACK(on_source_pad_added),
					 self);
			g_signal_connect(source, "no-more-pads", G_CALLBACK(on_source_no_more_pads),
					 self);
			gst_bin_add(GST_BIN(self), source);
			return true;
		}
	}

	gst_bin_add(GST_BIN(self), child);

	/* A test or loop source's pads all exist already. */
	std::vector<GstPad *> pads;
	for (GList *l = GST_ELEMENT(child)->srcpads; l; l = l->next)
		pads.push_back(GST_PAD(l->data));
	for (GstPad *pad : pads)
		on_pad_added(child, pad, self);
	on_no_more_pads(child, self);
	return true;
}

bool build_children(GstSmartSrc *self, const std::string &uri, std::string &error)
{
	BuildError detailed;
	bool built = build_children(self, uri, detailed);
	error = std::move(detailed.message);
	return built;
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
	release_raw(state);
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
