/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * cmafsink: cuts elementary streams into one CMAF segment set served as HLS v7 and DASH.
 */

/**
 * SECTION:element-cmafsink
 *
 * cmafsink takes parsed video and audio elementary streams on request pads and cuts each into
 * CMAF track segments (one init segment and a run of .m4s fragments per track). The same
 * segments are listed by an HLS version 7 multivariant playlist with one media playlist per
 * track, and by a DASH MPD (SegmentTemplate + SegmentTimeline), so one packaging serves both.
 *
 * ```
 *  video_0 ──► segmenter ─┐                   ┌─► location/ (temp file + rename)
 *  video_1 ──► segmenter ─┼─► segment window ─┤
 *  audio_0 ──► segmenter ─┘   (one per sink)  └─► in memory: "get-resource" action signal
 *                   │
 *                   └─► upstream force-key-unit at each segment boundary
 * ```
 *
 * Segments start on keyframes; the element asks upstream encoders for a keyframe at each
 * boundary, so GOPs line up with target-duration. An element message "cmafsink-segment-added"
 * is posted for every segment.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 -e videotestsrc is-live=true ! video/x-raw,format=I420,width=1280,height=720 !
 *   x264enc tune=zerolatency ! h264parse ! cmafsink name=s location=out target-duration=2
 *   audiotestsrc is-live=true ! avenc_aac ! aacparse ! s.audio_0
 * ]| writes out/master.m3u8, out/manifest.mpd, out/video_0.m3u8, out/video_0-init-0.mp4,
 * out/video_0-1.m4s, ... and the same for audio_0.
 */

#include "gstcmafsink.h"

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gst/audio/audio.h>
#include <gst/video/video.h>

#include "capsconfig.h"
#include "cmafoutput.h"
#include "cmaftrack.h"
#include "codecs.h"
#include "gref.h"
#include "isobmff.h"

GST_DEBUG_CATEGORY_STATIC(cmafsink_debug);
#define GST_CAT_DEFAULT cmafsink_debug

using namespace sluice;

namespace {

constexpr guint kDefaultTargetDuration = 2;
constexpr guint kDefaultWindowSize = 6;
constexpr guint kDefaultMaxFiles = 0;
constexpr GstCmafSinkPlaylistType kDefaultPlaylistType = GST_CMAF_SINK_PLAYLIST_LIVE;
/*
 * Media time = running time + this offset, the same for every track. Encoders with B-frames
 * start DTS before running time 0 (x264: two frames); the offset keeps decode times positive
 * with composition offsets >= 0. 1 s covers any reorder delay seen in practice.
 */
constexpr int64_t kMediaTimeOffset = GST_SECOND;

/* Property snapshot, taken under the object lock and copied into the state at start. */
struct Settings {
	std::string location;
	guint targetDuration = kDefaultTargetDuration;
	guint windowSize = kDefaultWindowSize;
	guint maxFiles = kDefaultMaxFiles;
	GstCmafSinkPlaylistType playlistType = kDefaultPlaylistType;
	bool sendKeyframeRequests = true;
};

/* One request pad: a CMAF track. */
struct CmafPad {
	GstPad *pad = nullptr; /* not owned: the element owns its pads */
	std::string id; /* the pad name, also the file prefix and Representation@id */

	/* Streaming thread of this pad only (and state changes while it is stopped). */
	CapsConfig config;
	bool negotiated = false;
	bool haveCodecConfig = false;
	GstSegment segment;
	TrackSegmenter segmenter;
	Fragment fragment;
	int64_t requestedBoundary = -1; /* last grid point a key unit was asked for */
	uint32_t sequence = 1; /* mfhd sequence number, equals the window's segment number */
	bool eos = false;
	bool newStream = false; /* a stream-start after data: the next keyframe opens a period */
	bool haveData = false;
	bool periodHasData = false; /* samples went into the current period */
	bool warnedLongSegment = false;
	size_t trackIndex = SIZE_MAX; /* in the output's window */
	/* Audio samples waiting for the first video keyframe to set the origin (owned). */
	std::vector<PendingSample> held;

	CmafPad() = default;
	CmafPad(const CmafPad &) = delete;
	CmafPad &operator=(const CmafPad &) = delete;
	~CmafPad()
	{
		for (PendingSample &sample : held)
			gst_buffer_unref(sample.buffer);
	}
};

/* How much audio may wait for the first video keyframe (a video track that never starts). */
constexpr int64_t kMaxHeldNs = 10 * GST_SECOND;

/*
 * Streaming state. Lock order: State::lock, then CmafOutput's locks. Streaming threads take
 * State::lock only to set the origin and at EOS, not per buffer; CmafOutput locks itself when
 * a segment closes; application threads calling "get-resource" only take the store's lock.
 */
struct State {
	std::mutex lock; /* guards pads (the vector) and finished */
	Settings active; /* written at start, read-only while streaming */
	std::vector<std::unique_ptr<CmafPad>> pads;
	bool finished = false;

	CmafOutput output;

	std::atomic<int64_t> originNs {-1}; /* running time of the grid origin */
	int64_t originWallMs = 0; /* UTC when the origin was set */
};

} /* namespace */

struct _GstCmafSink {
	GstElement parent;

	Settings settings; /* guarded by GST_OBJECT_LOCK */
	State *state;
};

enum {
	PROP_0,
	PROP_LOCATION,
	PROP_TARGET_DURATION,
	PROP_WINDOW_SIZE,
	PROP_PLAYLIST_TYPE,
	PROP_MAX_FILES,
	PROP_SEND_KEYFRAME_REQUESTS,
};

enum {
	SIGNAL_GET_RESOURCE,
	LAST_SIGNAL,
};

static guint signals[LAST_SIGNAL];

#define VIDEO_CAPS                                                                                 \
	"video/x-h264, stream-format = (string) { avc, byte-stream }, "                            \
	"alignment = (string) au; "                                                                \
	"video/x-h265, stream-format = (string) { hvc1, hev1, byte-stream }, "                     \
	"alignment = (string) au; "                                                                \
	"video/x-av1, stream-format = (string) obu-stream, "                                       \
	"alignment = (string) tu; "                                                                \
	"video/x-vp9"

#define AUDIO_CAPS                                                                                 \
	"audio/mpeg, mpegversion = (int) { 2, 4 }, stream-format = (string) raw; "                 \
	"audio/x-opus"

static GstStaticPadTemplate video_template = GST_STATIC_PAD_TEMPLATE(
	"video_%u", GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS(VIDEO_CAPS));
static GstStaticPadTemplate audio_template = GST_STATIC_PAD_TEMPLATE(
	"audio_%u", GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS(AUDIO_CAPS));

G_DEFINE_TYPE(GstCmafSink, gst_cmaf_sink, GST_TYPE_ELEMENT)
GST_ELEMENT_REGISTER_DEFINE(cmafsink, "cmafsink", GST_RANK_NONE, GST_TYPE_CMAF_SINK)

GType gst_cmaf_sink_playlist_type_get_type(void)
{
	static GType type = 0;
	static const GEnumValue values[] = {
		{GST_CMAF_SINK_PLAYLIST_LIVE, "Live: sliding window, manifests updated per segment",
		 "live"},
		{GST_CMAF_SINK_PLAYLIST_VOD, "VOD: keep every segment, manifests written at EOS",
		 "vod"},
		{0, nullptr, nullptr},
	};
	if (g_once_init_enter(&type)) {
		GType t = g_enum_register_static("GstCmafSinkPlaylistType", values);
		g_once_init_leave(&type, t);
	}
	return type;
}

static CmafPad *pad_state(GstPad *pad)
{
	return static_cast<CmafPad *>(gst_pad_get_element_private(pad));
}

/* -- Output ------------------------------------------------------------------------------ */

static TrackDescription describe(const CmafPad &cp)
{
	const TrackConfig &track = cp.config.track;
	TrackDescription desc;
	desc.id = cp.id;
	desc.kind = track.kind();
	desc.codecs = codecString(track);
	desc.timescale = track.timescale;
	desc.width = track.width;
	desc.height = track.height;
	desc.frameRate = track.frameRate;
	desc.pixelAspect = track.pixelAspect;
	desc.sampleRate = track.sampleRate;
	desc.channels = track.channels;
	desc.language = track.language;
	return desc;
}

static void free_vector(gpointer data)
{
	delete static_cast<std::vector<uint8_t> *>(data);
}

/* Writes one closed fragment through the output and announces it. Streaming thread. */
static GstFlowReturn emit_fragment(GstCmafSink *self, CmafPad &cp)
{
	State *state = self->state;
	Fragment &frag = cp.fragment;
	GRef<GstBufferList> data = GRef<GstBufferList>::adopt(frag.buffers);
	frag.buffers = nullptr;

	/* The header buffer owns the vector it was written into: no second copy. */
	auto *header = new std::vector<uint8_t>();
	header->reserve(256 + frag.samples.size() * 16);
	writeFragmentHeader(cp.config.track, {cp.sequence, frag.baseMediaDecodeTime}, frag.samples,
			    *header);
	const size_t headerSize = header->size();
	gst_buffer_list_insert(data.get(), 0,
			       gst_buffer_new_wrapped_full(GST_MEMORY_FLAG_READONLY, header->data(),
							   headerSize, 0, headerSize, header,
							   free_vector));

	/* Manifests place a segment by its earliest presentation time (tfdt + first offset). */
	SegmentRecord record;
	record.startTime = frag.baseMediaDecodeTime + frag.samples.front().compositionOffset;
	record.duration = frag.duration;
	record.size = headerSize + frag.dataSize;
	record.wallClockMs
		= state->originWallMs + (frag.startPts - state->originNs.load()) / 1000000;

	PublishedSegment out;
	std::string error;
	if (!state->output.addSegment(cp.trackIndex, record, std::move(data), out, error)) {
		GST_ELEMENT_ERROR(self, RESOURCE, WRITE,
				  ("Could not write the output of %s in \"%s\".", cp.id.c_str(),
				   state->active.location.c_str()),
				  ("%s", error.c_str()));
		return GST_FLOW_ERROR;
	}
	g_assert(out.number == cp.sequence);
	cp.sequence++;

	/*
	 * A live playlist's EXT-X-TARGETDURATION never changes, and a segment can only be cut on
	 * a keyframe: a source whose keyframes are farther apart (repackaging, no encoder to ask)
	 * makes segments RFC 8216 forbids. Say so once, with what to do about it.
	 */
	if (out.overlong && !cp.warnedLongSegment) {
		cp.warnedLongSegment = true;
		GST_ELEMENT_WARNING(
			self, STREAM, FORMAT,
			("Segments of %s last up to %.1f s, longer than target-duration (%u s): "
			 "the stream's keyframes are farther apart. Set target-duration to "
			 "at least its keyframe interval, or have the encoder make keyframes "
			 "more often.",
			 cp.id.c_str(), frag.durationNs / 1e9, state->active.targetDuration),
			("HLS players may stall on a segment longer than EXT-X-TARGETDURATION"));
	}

	GST_LOG_OBJECT(
		cp.pad, "segment %s: %" G_GUINT64_FORMAT " bytes, %zu samples, %" GST_TIME_FORMAT,
		out.name.c_str(), record.size, frag.samples.size(), GST_TIME_ARGS(frag.durationNs));

	GstStructure *s = gst_structure_new(
		"cmafsink-segment-added", "track", G_TYPE_STRING, cp.id.c_str(), "name",
		G_TYPE_STRING, out.name.c_str(), "location", G_TYPE_STRING,
		out.location.empty() ? nullptr : out.location.c_str(), "number", G_TYPE_UINT64,
		out.number, "period", G_TYPE_UINT, out.period, "running-time", GST_TYPE_CLOCK_TIME,
		static_cast<GstClockTime>(frag.startPts - kMediaTimeOffset), "duration",
		GST_TYPE_CLOCK_TIME, static_cast<GstClockTime>(frag.durationNs), "size",
		G_TYPE_UINT64, record.size, "media-time", G_TYPE_UINT64, record.startTime,
		"media-duration", G_TYPE_UINT64, record.duration, nullptr);
	gst_element_post_message(GST_ELEMENT(self), gst_message_new_element(GST_OBJECT(self), s));
	return GST_FLOW_OK;
}

static GstFlowReturn flush_track(GstCmafSink *self, CmafPad &cp)
{
	if (!cp.segmenter.flush(cp.fragment))
		return GST_FLOW_OK;
	return emit_fragment(self, cp);
}

/* -- Track configuration ----------------------------------------------------------------- */

static bool same_track(const TrackConfig &a, const TrackConfig &b)
{
	return a.codec == b.codec && a.codecPrivate == b.codecPrivate && a.width == b.width
		&& a.height == b.height && a.sampleRate == b.sampleRate && a.channels == b.channels
		&& a.vp9Profile == b.vp9Profile && a.bitDepth == b.bitDepth
		&& a.chromaSubsampling == b.chromaSubsampling;
}

/* Builds the init segment and registers the track in the window. Streaming thread. */
static bool activate_track(GstCmafSink *self, CmafPad &cp)
{
	std::vector<uint8_t> init = writeInitSegment(cp.config.track);
	if (init.empty()) {
		GST_ELEMENT_ERROR(self, STREAM, FORMAT,
				  ("Cannot describe the %s stream on pad %s in an init segment.",
				   codecName(cp.config.track.codec), cp.id.c_str()),
				  ("the codec configuration is incomplete"));
		return false;
	}
	cp.haveCodecConfig = true;

	TrackDescription desc = describe(cp);
	GST_INFO_OBJECT(cp.pad, "track %s: %s, codecs=%s", cp.id.c_str(),
			codecName(cp.config.track.codec), desc.codecs.c_str());
	cp.trackIndex = self->state->output.setTrack(cp.trackIndex, desc, std::move(init));
	return true;
}

/*
 * This track reached a new stream: its last fragment closes in the old period, the next one
 * starts the new period (or joins it when another track got there first). Each track crosses
 * on its own, so the old source's last audio does not land in the new period.
 */
static GstFlowReturn start_period(GstCmafSink *self, CmafPad &cp)
{
	GstFlowReturn ret = flush_track(self, cp);
	cp.segmenter.reset();
	cp.requestedBoundary = -1;
	cp.periodHasData = false;
	self->state->output.startDiscontinuity(cp.trackIndex);
	return ret;
}

static gboolean handle_caps(GstCmafSink *self, CmafPad &cp, GstCaps *caps)
{
	CapsConfig config;
	std::string error;
	if (!capsToConfig(caps, config, error)) {
		GST_ELEMENT_ERROR(self, STREAM, FORMAT,
				  ("cmafsink cannot carry the stream on pad %s: %s.", cp.id.c_str(),
				   error.c_str()),
				  ("caps: %" GST_PTR_FORMAT, caps));
		return FALSE;
	}
	if (codecKind(config.track.codec)
	    != (g_str_has_prefix(cp.id.c_str(), "video") ? TrackKind::Video : TrackKind::Audio)) {
		GST_ELEMENT_ERROR(self, STREAM, FORMAT,
				  ("Pad %s got a %s stream; link it to a %s pad.", cp.id.c_str(),
				   codecName(config.track.codec),
				   codecKind(config.track.codec) == TrackKind::Video ? "video_%u"
										     : "audio_%u"),
				  (nullptr));
		return FALSE;
	}

	if (cp.negotiated && cp.haveCodecConfig && !config.configFromStream
	    && same_track(cp.config.track, config.track)) {
		cp.config.framing = config.framing;
		return TRUE; /* same stream, re-sent caps */
	}

	/*
	 * A new configuration opens a period, unless the period has nothing yet: a new source's
	 * caps often come twice (before and after its parser found the parameter sets), and its
	 * period's init segment is only written with its first segment.
	 */
	if (cp.negotiated && cp.haveData && cp.periodHasData) {
		GST_INFO_OBJECT(cp.pad, "stream configuration changed: new period");
		if (start_period(self, cp) != GST_FLOW_OK)
			return FALSE;
	}
	if (cp.haveData)
		cp.newStream = false; /* this is the new stream's period */

	cp.config = config;
	cp.negotiated = true;
	cp.haveCodecConfig = false;
	cp.segmenter.configure(config.track.kind(), config.track.timescale,
			       self->state->active.targetDuration * GST_SECOND);
	if (config.configFromStream)
		return TRUE; /* wait for the first keyframe's parameter sets */
	return activate_track(self, cp);
}

/* -- Sample preparation ------------------------------------------------------------------- */

/*
 * Turns an input buffer into the bytes that go into mdat and, for streams that came without
 * codec_data, builds the configuration record from the first keyframe. Returns nullptr for a
 * buffer to drop.
 */
static GstBuffer *prepare_sample(GstCmafSink *self, CmafPad &cp, GstBuffer *buffer, bool sync)
{
	TrackConfig &track = cp.config.track;
	GstMapInfo map;

	if (cp.config.framing == Framing::AnnexB) {
		if (!gst_buffer_map(buffer, &map, GST_MAP_READ))
			return nullptr;
		std::span<const uint8_t> bytes(map.data, map.size);
		if (!cp.haveCodecConfig && sync) {
			auto record
				= track.codec == Codec::H264 ? buildAvcC(bytes) : buildHvcC(bytes);
			if (record) {
				track.codecPrivate = std::move(*record);
				if (auto size = videoSizeFromConfig(track); size && !track.width) {
					track.width = size->width;
					track.height = size->height;
				}
			}
		}
		auto *converted = new std::vector<uint8_t>();
		converted->reserve(map.size + 16);
		annexBToLengthPrefixed(bytes, *converted);
		gst_buffer_unmap(buffer, &map);
		GstBuffer *out = gst_buffer_new_wrapped_full(
			GST_MEMORY_FLAG_READONLY, converted->data(), converted->size(), 0,
			converted->size(), converted, free_vector);
		gst_buffer_copy_into(out, buffer, GST_BUFFER_COPY_METADATA, 0, -1);
		buffer = out;
	} else if (track.codec == Codec::AV1) {
		/* ISOBMFF carries AV1 without temporal delimiter OBUs (AV1-ISOBMFF 2.4). */
		if (!gst_buffer_map(buffer, &map, GST_MAP_READ))
			return nullptr;
		bool delimiter = map.size >= 2 && ((map.data[0] >> 3) & 0xf) == 2
			&& (map.data[0] & 0x02) && map.data[1] == 0;
		if (!cp.haveCodecConfig && sync) {
			if (auto record = buildAv1C({map.data, map.size}))
				track.codecPrivate = std::move(*record);
		}
		gst_buffer_unmap(buffer, &map);
		buffer = delimiter ? gst_buffer_copy_region(buffer, GST_BUFFER_COPY_ALL, 2, -1)
				   : gst_buffer_ref(buffer);
	} else {
		buffer = gst_buffer_ref(buffer);
	}

	if (!cp.haveCodecConfig) {
		if (!sync || track.codecPrivate.empty() || !activate_track(self, cp)) {
			GST_DEBUG_OBJECT(cp.pad,
					 "waiting for a keyframe with the codec configuration");
			gst_buffer_unref(buffer);
			return nullptr;
		}
	}
	return buffer;
}

/*
 * Keeps upstream key-unit requests a few seconds ahead on the segment grid. An encoder with
 * lookahead (x264: 40 frames) has already taken in the frame at the next boundary by the time
 * its first output reaches us; GstVideoEncoder queues requests by running time, so asking for
 * the boundaries ahead lets it place every keyframe exactly.
 */
static void request_keyframes(GstCmafSink *self, CmafPad &cp)
{
	const int64_t next = cp.segmenter.nextBoundary();
	if (next < 0 || !self->state->active.sendKeyframeRequests)
		return;
	const int64_t target = self->state->active.targetDuration * GST_SECOND;
	const int64_t horizon = next + std::max<int64_t>(2 * target, 4 * GST_SECOND);
	if (cp.requestedBoundary < next - target)
		cp.requestedBoundary = next - target;
	while (cp.requestedBoundary + target <= horizon) {
		cp.requestedBoundary += target;
		GST_DEBUG_OBJECT(cp.pad, "asking upstream for a key unit at %" GST_TIME_FORMAT,
				 GST_TIME_ARGS(cp.requestedBoundary - kMediaTimeOffset));
		gst_pad_push_event(
			cp.pad,
			gst_video_event_new_upstream_force_key_unit(
				static_cast<GstClockTime>(cp.requestedBoundary - kMediaTimeOffset),
				TRUE, 0));
	}
}

/* The grid origin: the first sample's running time (+ offset) that sets it, or the one set. */
static int64_t set_origin(GstCmafSink *self, int64_t pts)
{
	State *state = self->state;
	std::lock_guard<std::mutex> locker(state->lock);
	int64_t origin = state->originNs.load();
	if (origin < 0) {
		state->originWallMs = g_get_real_time() / 1000;
		state->originNs.store(pts);
		origin = pts;
		GST_INFO_OBJECT(self, "segment grid starts at running time %" GST_TIME_FORMAT,
				GST_TIME_ARGS(origin - kMediaTimeOffset));
	}
	return origin;
}

/* Into the track's segmenter; a fragment it closes goes out. */
static GstFlowReturn push_sample(GstCmafSink *self, CmafPad &cp, PendingSample &sample,
				 int64_t origin)
{
	/* Audio that ends before the grid's first video keyframe belongs to no segment. */
	if (cp.config.track.kind() == TrackKind::Audio && !cp.haveData && origin >= 0
	    && sample.pts + std::max<int64_t>(sample.duration, 0) <= origin) {
		gst_buffer_unref(sample.buffer);
		return GST_FLOW_OK;
	}
	cp.haveData = cp.periodHasData = true;
	bool closed = cp.segmenter.push(sample, origin, cp.fragment);
	return closed ? emit_fragment(self, cp) : GST_FLOW_OK;
}

/* Audio waiting for the first video keyframe: ten seconds at most, the oldest going first. */
static void hold_audio(CmafPad &cp, PendingSample &sample)
{
	cp.held.push_back(sample);
	while (cp.held.size() > 1 && cp.held.back().pts - cp.held.front().pts > kMaxHeldNs) {
		gst_buffer_unref(cp.held.front().buffer);
		cp.held.erase(cp.held.begin());
	}
}

/* The held audio, once the origin is known. */
static GstFlowReturn release_held(GstCmafSink *self, CmafPad &cp, int64_t origin)
{
	GstFlowReturn ret = GST_FLOW_OK;
	std::vector<PendingSample> held;
	held.swap(cp.held);
	for (PendingSample &sample : held) {
		if (ret == GST_FLOW_OK)
			ret = push_sample(self, cp, sample, origin);
		else
			gst_buffer_unref(sample.buffer);
	}
	return ret;
}

static void drop_held(CmafPad &cp)
{
	for (PendingSample &sample : cp.held)
		gst_buffer_unref(sample.buffer);
	cp.held.clear();
}

/* Whether a video pad was requested (its data may not have come yet). */
static bool has_video_pad(GstCmafSink *self)
{
	bool video = false;
	GST_OBJECT_LOCK(self);
	for (GList *l = GST_ELEMENT(self)->sinkpads; l && !video; l = l->next)
		video = g_str_has_prefix(GST_PAD_NAME(l->data), "video");
	GST_OBJECT_UNLOCK(self);
	return video;
}

static GstFlowReturn gst_cmaf_sink_chain(GstPad *pad, GstObject *parent, GstBuffer *buffer)
{
	GstCmafSink *self = GST_CMAF_SINK(parent);
	State *state = self->state;
	CmafPad &cp = *pad_state(pad);
	GRef<GstBuffer> input = GRef<GstBuffer>::adopt(buffer);

	if (!cp.negotiated) {
		GST_ELEMENT_ERROR(self, CORE, NEGOTIATION,
				  ("Pad %s got data before caps.", cp.id.c_str()), (nullptr));
		return GST_FLOW_NOT_NEGOTIATED;
	}

	GstClockTime pts = GST_BUFFER_PTS(buffer);
	GstClockTime dts = GST_BUFFER_DTS(buffer);
	if (!GST_CLOCK_TIME_IS_VALID(dts))
		dts = pts;
	if (!GST_CLOCK_TIME_IS_VALID(pts))
		pts = dts;
	if (!GST_CLOCK_TIME_IS_VALID(pts)) {
		GST_ELEMENT_ERROR(self, STREAM, FORMAT,
				  ("Pad %s got a buffer without timestamps; a parser upstream "
				   "(h264parse, aacparse, ...) sets them.",
				   cp.id.c_str()),
				  (nullptr));
		return GST_FLOW_ERROR;
	}

	PendingSample sample;
	guint64 rt;
	int sign = gst_segment_to_running_time_full(&cp.segment, GST_FORMAT_TIME, pts, &rt);
	if (sign <= 0) {
		GST_DEBUG_OBJECT(pad, "dropping buffer before the segment start");
		return GST_FLOW_OK;
	}
	sample.pts = static_cast<int64_t>(rt) + kMediaTimeOffset;
	sign = gst_segment_to_running_time_full(&cp.segment, GST_FORMAT_TIME, dts, &rt);
	if (sign > 0)
		sample.dts = static_cast<int64_t>(rt) + kMediaTimeOffset;
	else if (sign < 0)
		sample.dts = std::max<int64_t>(kMediaTimeOffset - static_cast<int64_t>(rt), 0);
	else
		sample.dts = sample.pts;
	sample.dts = std::min(sample.dts, sample.pts);
	sample.duration = GST_BUFFER_DURATION_IS_VALID(buffer)
		? static_cast<int64_t>(GST_BUFFER_DURATION(buffer))
		: -1;
	sample.sync = cp.config.track.kind() == TrackKind::Audio
		|| !GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);

	/* A new stream opens its period on a keyframe: what comes before it belongs to no
	 * period (the old one's decoder configuration cannot decode it). */
	if (cp.newStream && !sample.sync && cp.haveData) {
		GST_LOG_OBJECT(pad, "new stream: dropping a sample before its first keyframe");
		return GST_FLOW_OK;
	}
	if (cp.newStream && sample.sync) {
		cp.newStream = false;
		if (cp.haveData) {
			GST_INFO_OBJECT(pad, "new stream: new period");
			if (start_period(self, cp) != GST_FLOW_OK)
				return GST_FLOW_ERROR;
		}
	}

	sample.buffer = prepare_sample(self, cp, buffer, sample.sync);
	if (!sample.buffer)
		return cp.haveCodecConfig || cp.negotiated ? GST_FLOW_OK : GST_FLOW_ERROR;

	/*
	 * Every track's segments start together, on the first video keyframe when there is
	 * video: audio that comes first (a decoder waiting for a keyframe, an encoder's latency)
	 * would otherwise open segments no video segment matches, and a player joining by
	 * playlist position would start its audio seconds ahead of its video. So audio waits
	 * (held, not blocked: one demuxer thread may feed every pad) until video sets the origin.
	 */
	const bool audio = cp.config.track.kind() == TrackKind::Audio;
	int64_t origin = state->originNs.load();
	if (audio && origin < 0 && has_video_pad(self)) {
		hold_audio(cp, sample);
		return GST_FLOW_OK;
	}
	if (origin < 0 && (!cp.segmenter.wantsKeyframe() || sample.sync))
		origin = set_origin(self, sample.pts);
	GstFlowReturn ret = release_held(self, cp, origin);
	if (ret != GST_FLOW_OK) {
		gst_buffer_unref(sample.buffer);
		return ret;
	}
	ret = push_sample(self, cp, sample, origin);
	if (cp.config.track.kind() == TrackKind::Video)
		request_keyframes(self, cp);
	return ret;
}

/* -- Events and state --------------------------------------------------------------------- */

/* Called when every pad is at EOS: the manifests end, the bus gets EOS. */
static void finish(GstCmafSink *self)
{
	State *state = self->state;
	{
		std::lock_guard<std::mutex> locker(state->lock);
		if (state->finished)
			return;
		for (auto &cp : state->pads) {
			if (!cp->eos)
				return;
		}
		state->finished = true;
		std::string error;
		if (!state->output.finish(error)) {
			GST_ELEMENT_ERROR(self, RESOURCE, WRITE,
					  ("Could not write the final manifests in \"%s\".",
					   state->active.location.c_str()),
					  ("%s", error.c_str()));
			return;
		}
	}
	GST_INFO_OBJECT(self, "all streams ended, manifests final");
	gst_element_post_message(GST_ELEMENT(self), gst_message_new_eos(GST_OBJECT(self)));
}

static gboolean gst_cmaf_sink_event(GstPad *pad, GstObject *parent, GstEvent *event)
{
	GstCmafSink *self = GST_CMAF_SINK(parent);
	CmafPad &cp = *pad_state(pad);
	gboolean ret = TRUE;

	switch (GST_EVENT_TYPE(event)) {
	case GST_EVENT_CAPS: {
		GstCaps *caps;
		gst_event_parse_caps(event, &caps);
		ret = handle_caps(self, cp, caps);
		break;
	}
	case GST_EVENT_SEGMENT:
		gst_event_copy_segment(event, &cp.segment);
		if (cp.segment.format != GST_FORMAT_TIME) {
			GST_ELEMENT_ERROR(
				self, STREAM, FORMAT,
				("Pad %s got a segment in %s format; cmafsink needs time.",
				 cp.id.c_str(), gst_format_get_name(cp.segment.format)),
				(nullptr));
			ret = FALSE;
		}
		break;
	case GST_EVENT_STREAM_START:
		cp.newStream = cp.haveData;
		cp.eos = false;
		break;
	case GST_EVENT_FLUSH_STOP:
		drop_held(cp);
		cp.segmenter.reset();
		cp.requestedBoundary = -1;
		gst_segment_init(&cp.segment, GST_FORMAT_TIME);
		break;
	case GST_EVENT_EOS:
		/* Audio that waited for a video track which never started gets a grid of its own.
		 */
		if (!cp.held.empty()) {
			int64_t origin = self->state->originNs.load();
			if (origin < 0)
				origin = set_origin(self, cp.held.front().pts);
			if (release_held(self, cp, origin) != GST_FLOW_OK)
				ret = FALSE;
		}
		if (flush_track(self, cp) != GST_FLOW_OK)
			ret = FALSE;
		cp.eos = true;
		if (cp.segmenter.droppedSamples())
			GST_INFO_OBJECT(pad,
					"dropped %" G_GUINT64_FORMAT
					" samples before the first keyframe",
					cp.segmenter.droppedSamples());
		finish(self);
		break;
	default:
		break;
	}

	/* A sink consumes serialized events; nothing downstream wants them. */
	gst_event_unref(event);
	return ret;
}

static GstPad *gst_cmaf_sink_request_new_pad(GstElement *element, GstPadTemplate *templ,
					     const gchar *name, const GstCaps *)
{
	GstCmafSink *self = GST_CMAF_SINK(element);
	const char *prefix = templ->name_template;
	bool video = g_str_has_prefix(prefix, "video");

	std::string padName;
	if (name) {
		padName = name;
	} else {
		/* First free index for this template. */
		for (guint i = 0;; i++) {
			padName = std::string(video ? "video_" : "audio_") + std::to_string(i);
			g_autoptr(GstPad) existing
				= gst_element_get_static_pad(element, padName.c_str());
			if (!existing)
				break;
		}
	}

	GstPad *pad = gst_pad_new_from_template(templ, padName.c_str());
	auto cp = std::make_unique<CmafPad>();
	cp->pad = pad;
	cp->id = padName;
	gst_segment_init(&cp->segment, GST_FORMAT_TIME);
	gst_pad_set_element_private(pad, cp.get());
	gst_pad_set_chain_function(pad, gst_cmaf_sink_chain);
	gst_pad_set_event_function(pad, gst_cmaf_sink_event);
	GST_PAD_SET_PROXY_ALLOCATION(pad);

	{
		std::lock_guard<std::mutex> locker(self->state->lock);
		self->state->pads.push_back(std::move(cp));
	}
	if (!gst_element_add_pad(element, pad)) {
		std::lock_guard<std::mutex> locker(self->state->lock);
		self->state->pads.pop_back();
		return nullptr;
	}
	return pad;
}

static void gst_cmaf_sink_release_pad(GstElement *element, GstPad *pad)
{
	GstCmafSink *self = GST_CMAF_SINK(element);
	CmafPad *cp = pad_state(pad);
	gst_element_remove_pad(element, pad);

	std::lock_guard<std::mutex> locker(self->state->lock);
	auto &pads = self->state->pads;
	std::erase_if(pads, [cp](const std::unique_ptr<CmafPad> &p) { return p.get() == cp; });
}

static bool start(GstCmafSink *self)
{
	State *state = self->state;
	GST_OBJECT_LOCK(self);
	state->active = self->settings;
	GST_OBJECT_UNLOCK(self);

	const Settings &s = state->active;
	OutputConfig config;
	config.location = s.location;
	config.window.mode
		= s.playlistType == GST_CMAF_SINK_PLAYLIST_VOD ? WindowMode::Vod : WindowMode::Live;
	config.window.targetDurationMs = s.targetDuration * 1000;
	config.window.windowSize = s.windowSize;
	config.maxFiles = s.maxFiles;

	std::string error;
	if (!state->output.start(config, error)) {
		GST_ELEMENT_ERROR(
			self, RESOURCE, OPEN_WRITE,
			("Could not write to the output directory \"%s\".", s.location.c_str()),
			("%s", error.c_str()));
		return false;
	}

	std::lock_guard<std::mutex> locker(state->lock);
	state->finished = false;
	state->originNs.store(-1);
	for (auto &cp : state->pads) {
		drop_held(*cp);
		cp->segmenter.reset();
		cp->negotiated = false;
		cp->haveCodecConfig = false;
		cp->haveData = false;
		cp->newStream = false;
		cp->warnedLongSegment = false;
		cp->eos = false;
		cp->sequence = 1;
		cp->requestedBoundary = -1;
		cp->trackIndex = SIZE_MAX;
		gst_segment_init(&cp->segment, GST_FORMAT_TIME);
	}
	return true;
}

static void stop(GstCmafSink *self)
{
	std::lock_guard<std::mutex> locker(self->state->lock);
	for (auto &cp : self->state->pads) {
		drop_held(*cp);
		cp->segmenter.reset();
	}
}

static GstStateChangeReturn gst_cmaf_sink_change_state(GstElement *element,
						       GstStateChange transition)
{
	GstCmafSink *self = GST_CMAF_SINK(element);

	if (transition == GST_STATE_CHANGE_READY_TO_PAUSED && !start(self))
		return GST_STATE_CHANGE_FAILURE;

	GstStateChangeReturn ret
		= GST_ELEMENT_CLASS(gst_cmaf_sink_parent_class)->change_state(element, transition);

	if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
		stop(self);
	return ret;
}

/* -- GObject ------------------------------------------------------------------------------- */

static GstBufferList *gst_cmaf_sink_get_resource(GstCmafSink *self, const gchar *name)
{
	if (!name)
		return nullptr;
	return self->state->output.resource(name).release();
}

static void gst_cmaf_sink_set_property(GObject *object, guint prop_id, const GValue *value,
				       GParamSpec *pspec)
{
	GstCmafSink *self = GST_CMAF_SINK(object);
	GST_OBJECT_LOCK(self);
	Settings &s = self->settings;
	switch (prop_id) {
	case PROP_LOCATION: {
		const char *location = g_value_get_string(value);
		s.location = location ? location : "";
		break;
	}
	case PROP_TARGET_DURATION:
		s.targetDuration = g_value_get_uint(value);
		break;
	case PROP_WINDOW_SIZE:
		s.windowSize = g_value_get_uint(value);
		break;
	case PROP_PLAYLIST_TYPE:
		s.playlistType = static_cast<GstCmafSinkPlaylistType>(g_value_get_enum(value));
		break;
	case PROP_MAX_FILES:
		s.maxFiles = g_value_get_uint(value);
		break;
	case PROP_SEND_KEYFRAME_REQUESTS:
		s.sendKeyframeRequests = g_value_get_boolean(value);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
	GST_OBJECT_UNLOCK(self);
}

static void gst_cmaf_sink_get_property(GObject *object, guint prop_id, GValue *value,
				       GParamSpec *pspec)
{
	GstCmafSink *self = GST_CMAF_SINK(object);
	GST_OBJECT_LOCK(self);
	const Settings &s = self->settings;
	switch (prop_id) {
	case PROP_LOCATION:
		g_value_set_string(value, s.location.empty() ? nullptr : s.location.c_str());
		break;
	case PROP_TARGET_DURATION:
		g_value_set_uint(value, s.targetDuration);
		break;
	case PROP_WINDOW_SIZE:
		g_value_set_uint(value, s.windowSize);
		break;
	case PROP_PLAYLIST_TYPE:
		g_value_set_enum(value, s.playlistType);
		break;
	case PROP_MAX_FILES:
		g_value_set_uint(value, s.maxFiles);
		break;
	case PROP_SEND_KEYFRAME_REQUESTS:
		g_value_set_boolean(value, s.sendKeyframeRequests);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
	GST_OBJECT_UNLOCK(self);
}

static void gst_cmaf_sink_finalize(GObject *object)
{
	GstCmafSink *self = GST_CMAF_SINK(object);
	delete self->state;
	self->settings.~Settings();
	G_OBJECT_CLASS(gst_cmaf_sink_parent_class)->finalize(object);
}

static void gst_cmaf_sink_init(GstCmafSink *self)
{
	new (&self->settings) Settings();
	self->state = new State();
	GST_OBJECT_FLAG_SET(self, GST_ELEMENT_FLAG_SINK);
}

static void gst_cmaf_sink_class_init(GstCmafSinkClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	GstElementClass *element_class = GST_ELEMENT_CLASS(klass);
	const auto flags = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
						    | GST_PARAM_MUTABLE_READY);

	object_class->set_property = gst_cmaf_sink_set_property;
	object_class->get_property = gst_cmaf_sink_get_property;
	object_class->finalize = gst_cmaf_sink_finalize;

	g_object_class_install_property(
		object_class, PROP_LOCATION,
		g_param_spec_string("location", "Location",
				    "Directory the segments and manifests are written to, created "
				    "if missing (files appear atomically: temp file, then rename). "
				    "Unset = in memory only, read through the get-resource signal",
				    nullptr, flags));
	g_object_class_install_property(
		object_class, PROP_TARGET_DURATION,
		g_param_spec_uint("target-duration", "Target duration",
				  "Segment duration in seconds; segments are cut on the first "
				  "keyframe at or after each multiple of it",
				  1, 3600, kDefaultTargetDuration, flags));
	g_object_class_install_property(
		object_class, PROP_WINDOW_SIZE,
		g_param_spec_uint("window-size", "Window size",
				  "Segments per track listed in a live playlist/MPD "
				  "(0 = keep all, an event-style playlist)",
				  0, G_MAXUINT, kDefaultWindowSize, flags));
	g_object_class_install_property(
		object_class, PROP_PLAYLIST_TYPE,
		g_param_spec_enum("playlist-type", "Playlist type",
				  "live: sliding window, manifests rewritten per segment; vod: "
				  "every segment kept, final manifests written at EOS",
				  GST_TYPE_CMAF_SINK_PLAYLIST_TYPE, kDefaultPlaylistType, flags));
	g_object_class_install_property(
		object_class, PROP_MAX_FILES,
		g_param_spec_uint("max-files", "Max files",
				  "Live mode: media segments per track kept on disk, never fewer "
				  "than window-size + 1 (0 = twice window-size, so a segment "
				  "outlives its playlist entry as RFC 8216 asks)",
				  0, G_MAXUINT, kDefaultMaxFiles, flags));
	g_object_class_install_property(
		object_class, PROP_SEND_KEYFRAME_REQUESTS,
		g_param_spec_boolean("send-keyframe-requests", "Send keyframe requests",
				     "Ask upstream encoders for a key unit at every segment "
				     "boundary so GOPs line up with target-duration",
				     TRUE, flags));

	/**
	 * GstCmafSink::get-resource:
	 * @sink: the cmafsink
	 * @name: a file name such as "master.m3u8", "manifest.mpd", "video_0-init-0.mp4" or
	 *        "video_0-12.m4s". A live sink in memory also holds
	 *        "manifest-from-period-start.mpd": the MPD whose SegmentTimelines begin with
	 *        their Period (evicted segments summarised), which GStreamer 1.22's dashdemux2
	 *        needs to find the live edge, and which asks it to start 30 s further behind
	 *        the edge (it plays only once it holds 30 s), listing and keeping that much.
	 *
	 * Returns: (transfer full) (nullable): the resource's bytes as a buffer list (to be
	 * concatenated; sample data is shared with the pipeline, not copied), or %NULL when no
	 * such resource is held in memory.
	 */
	signals[SIGNAL_GET_RESOURCE] = g_signal_new_class_handler(
		"get-resource", G_TYPE_FROM_CLASS(klass),
		static_cast<GSignalFlags>(G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION),
		G_CALLBACK(gst_cmaf_sink_get_resource), nullptr, nullptr, nullptr,
		GST_TYPE_BUFFER_LIST, 1, G_TYPE_STRING);

	element_class->request_new_pad = gst_cmaf_sink_request_new_pad;
	element_class->release_pad = gst_cmaf_sink_release_pad;
	element_class->change_state = gst_cmaf_sink_change_state;

	gst_element_class_add_static_pad_template(element_class, &video_template);
	gst_element_class_add_static_pad_template(element_class, &audio_template);
	gst_element_class_set_static_metadata(
		element_class, "CMAF sink (HLS v7 + DASH)", "Sink/Muxer/Adaptive",
		"Cuts H.264/H.265/AV1/VP9 video and AAC/Opus audio into one set of CMAF "
		"segments listed by an HLS v7 playlist and a DASH MPD. Example: "
		"gst-launch-1.0 -e videotestsrc is-live=true ! x264enc tune=zerolatency ! "
		"h264parse ! cmafsink name=s location=out audiotestsrc is-live=true ! "
		"avenc_aac ! aacparse ! s.audio_0",
		"Sluice authors");

	gst_type_mark_as_plugin_api(GST_TYPE_CMAF_SINK_PLAYLIST_TYPE, GstPluginAPIFlags(0));
	GST_DEBUG_CATEGORY_INIT(cmafsink_debug, "cmafsink", 0, "CMAF HLS/DASH sink");
}
