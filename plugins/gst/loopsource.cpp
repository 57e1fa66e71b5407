/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The source behind file:///...?loop=1: a short clip held in memory, played forever in real time.
 */

#include "loopsource.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

#include <fcntl.h>
#include <glib/gstdio.h>
#include <gst/app/app.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outputparser.h"

GST_DEBUG_CATEGORY_EXTERN(smartsrc_debug);
#define GST_CAT_DEFAULT smartsrc_debug

namespace sluice {

namespace {

struct CapsUnref {
	void operator()(GstCaps *caps) const { gst_caps_unref(caps); }
};

std::string lowercase(const char *text)
{
	g_autofree char *lower = g_ascii_strdown(text, -1);
	return lower;
}

} /* namespace */

bool parseFileUri(const std::string &uri, FileUri &out, std::string &error)
{
	out = FileUri();
	out.plainUri = uri;
	g_autoptr(GstUri) parsed = gst_uri_from_string(uri.c_str());
	if (!parsed || !gst_uri_query_has_key(parsed, "loop"))
		return true;

	const char *value = gst_uri_get_query_value(parsed, "loop");
	const std::string loop = value ? lowercase(value) : "";
	if (loop == "0" || loop == "false") {
		gst_uri_remove_query_key(parsed, "loop");
		g_autofree char *plain = gst_uri_to_string(parsed);
		out.plainUri = plain;
		/* An emptied query leaves its '?' behind, which filesrc would take as part of the
		 * file name. */
		if (!out.plainUri.empty() && out.plainUri.back() == '?')
			out.plainUri.pop_back();
		return true;
	}
	if (loop != "1" && loop != "true") {
		error = "Cannot open \"" + uri + "\": loop=" + (value ? value : "")
			+ " is neither 1 (or true), to play the file in a loop, nor 0 (or false)";
		return false;
	}
	g_autofree char *path = gst_uri_get_path(parsed);
	if (!path || path[0] != '/') {
		error = "Cannot open \"" + uri
			+ "\": it names no absolute path (file:///path/clip.mkv?loop=1)";
		return false;
	}
	out.loop = true;
	out.path = path;
	return true;
}

/* -- Reading the clip into memory ---------------------------------------------------------- */

namespace {

/* One parsebin output as it is read: touched only by its appsink's streaming thread. */
struct ReadStream {
	bool video = false;
	std::shared_ptr<GstCaps> caps;
	std::vector<GRef<GstBuffer>> buffers;
	bool capsChanged = false;
};

struct Reader {
	std::mutex lock; /* guards streams (the vector) and demuxer */
	std::vector<std::unique_ptr<ReadStream>> streams;
	std::string demuxer;
	guint ignored = 0; /* streams neither audio nor video (subtitles) */
};

GstFlowReturn on_read_sample(GstAppSink *sink, gpointer data)
{
	auto *stream = static_cast<ReadStream *>(data);
	g_autoptr(GstSample) sample = gst_app_sink_pull_sample(sink);
	if (!sample)
		return GST_FLOW_EOS;
	GstCaps *caps = gst_sample_get_caps(sample);
	if (!stream->caps && caps)
		stream->caps.reset(gst_caps_ref(caps), CapsUnref());
	else if (caps && stream->caps && !gst_caps_is_equal(caps, stream->caps.get()))
		stream->capsChanged = true;
	if (GstBuffer *buffer = gst_sample_get_buffer(sample))
		stream->buffers.emplace_back(buffer);
	return GST_FLOW_OK;
}

void on_read_pad_added(GstElement *parser, GstPad *pad, Reader *reader)
{
	g_autoptr(GstCaps) caps = gst_pad_get_current_caps(pad);
	if (!caps)
		caps = gst_pad_query_caps(pad, nullptr);
	const char *media = gst_structure_get_name(gst_caps_get_structure(caps, 0));
	const bool video = g_str_has_prefix(media, "video/");
	const bool audio = g_str_has_prefix(media, "audio/");

	g_autoptr(GstObject) parent = gst_object_get_parent(GST_OBJECT(parser));
	if (!parent)
		return;
	/* Streams that are not looped still run to their end, or the pipeline never ends. */
	GstElement *sink
		= gst_element_factory_make(video || audio ? "appsink" : "fakesink", nullptr);
	g_object_set(sink, "sync", FALSE, "async", FALSE, nullptr);
	if (video || audio) {
		auto stream = std::make_unique<ReadStream>();
		stream->video = video;
		GstAppSinkCallbacks callbacks = {};
		callbacks.new_sample = on_read_sample;
		gst_app_sink_set_callbacks(GST_APP_SINK(sink), &callbacks, stream.get(), nullptr);
		std::lock_guard<std::mutex> locker(reader->lock);
		reader->streams.push_back(std::move(stream));
	} else {
		GST_INFO("not looping a %s stream", media);
		std::lock_guard<std::mutex> locker(reader->lock);
		reader->ignored++;
	}
	gst_bin_add(GST_BIN(parent), sink);
	gst_element_sync_state_with_parent(sink);
	g_autoptr(GstPad) sinkPad = gst_element_get_static_pad(sink, "sink");
	if (gst_pad_link(pad, sinkPad) != GST_PAD_LINK_OK)
		GST_WARNING("cannot link %" GST_PTR_FORMAT, pad);
}

void on_read_element_added(GstBin *, GstBin *, GstElement *element, Reader *reader)
{
	GstElementFactory *factory = gst_element_get_factory(element);
	if (!factory)
		return;
	const char *klass = gst_element_factory_get_metadata(factory, GST_ELEMENT_METADATA_KLASS);
	if (!klass || !strstr(klass, "Demux"))
		return;
	std::lock_guard<std::mutex> locker(reader->lock);
	if (reader->demuxer.empty())
		reader->demuxer = GST_OBJECT_NAME(factory);
}

LoopError loopError(GQuark domain, gint code, const std::string &path, std::string why)
{
	/* GStreamer's own messages end in a full stop already. */
	if (!why.empty() && why.back() == '.')
		why.pop_back();
	return {domain, code, "Cannot loop \"" + path + "\": " + why + "."};
}

/* Is it there, readable, a file, and small enough to hold? */
bool checkFile(const std::string &path, LoopError &error)
{
	int fd = g_open(path.c_str(), O_RDONLY, 0);
	if (fd < 0) {
		int e = errno;
		error = e == ENOENT ? loopError(GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
						path, "no such file")
				    : loopError(GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ,
						path, g_strerror(e));
		return false;
	}
	GStatBuf st;
	bool statted = fstat(fd, &st) == 0;
	close(fd);
	if (!statted || !S_ISREG(st.st_mode)) {
		error = loopError(GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ, path,
				  "not a regular file");
		return false;
	}
	if (static_cast<guint64>(st.st_size) > kLoopMaxBytes) {
		g_autofree char *why = g_strdup_printf(
			"it is %.1f MiB; a looped file is held in memory and may be at most %u MiB",
			st.st_size / (1024.0 * 1024.0),
			static_cast<guint>(kLoopMaxBytes / (1024 * 1024)));
		error = loopError(GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED, path, why);
		return false;
	}
	return true;
}

/* Runs the reader to EOS; false with error on an error, the timeout or cancellation. */
bool readToEnd(GstElement *pipeline, const std::string &path,
	       const std::function<bool()> &cancelled, LoopError &error)
{
	g_autoptr(GstBus) bus = gst_element_get_bus(pipeline);
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	const gint64 deadline
		= g_get_monotonic_time() + static_cast<gint64>(kLoopLoadTimeoutMs) * 1000;
	for (;;) {
		if (cancelled && cancelled()) {
			error = loopError(GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ, path,
					  "reading it was interrupted");
			return false;
		}
		const gint64 left = deadline - g_get_monotonic_time();
		if (left <= 0) {
			error = loopError(GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ, path,
					  "reading it took more than "
						  + std::to_string(kLoopLoadTimeoutMs / 1000)
						  + " s");
			return false;
		}
		/* Short waits, so that a cancellation is seen promptly. */
		g_autoptr(GstMessage) msg = gst_bus_timed_pop_filtered(
			bus, std::min<GstClockTime>(left * GST_USECOND, 100 * GST_MSECOND),
			static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
		if (!msg)
			continue;
		if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS)
			return true;
		g_autoptr(GError) err = nullptr;
		g_autofree char *debug = nullptr;
		gst_message_parse_error(msg, &err, &debug);
		GST_INFO("reading %s: %s (%s)", path.c_str(), err->message, debug ? debug : "");
		if (g_error_matches(err, GST_STREAM_ERROR, GST_STREAM_ERROR_TYPE_NOT_FOUND))
			error = loopError(err->domain, err->code, path,
					  "it is not a media file GStreamer can read");
		else
			error = loopError(err->domain, err->code, path, err->message);
		return false;
	}
}

} /* namespace */

std::shared_ptr<const LoopClip>
loadLoopClip(const std::string &path, const std::function<bool()> &cancelled, LoopError &error)
{
	if (!checkFile(path, error))
		return nullptr;

	GstElement *source = gst_element_factory_make("filesrc", nullptr);
	GstElement *parser = gst_element_factory_make("parsebin", nullptr);
	if (!source || !parser) {
		if (source)
			gst_object_unref(source);
		if (parser)
			gst_object_unref(parser);
		error = loopError(GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN, path,
				  "filesrc or parsebin is missing");
		return nullptr;
	}
	Reader reader;
	g_autoptr(GstElement) pipeline = gst_pipeline_new("smartsrc-loop-reader");
	g_object_set(source, "location", path.c_str(), nullptr);
	g_signal_connect(parser, "pad-added", G_CALLBACK(on_read_pad_added), &reader);
	g_signal_connect(pipeline, "deep-element-added", G_CALLBACK(on_read_element_added),
			 &reader);
	gst_bin_add_many(GST_BIN(pipeline), source, parser, nullptr);
	gst_element_link(source, parser);

	const gint64 began = g_get_monotonic_time();
	const bool complete = readToEnd(pipeline, path, cancelled, error);
	/* Joins the streaming threads: what they wrote into reader is ours from here. */
	gst_element_set_state(pipeline, GST_STATE_NULL);
	if (!complete)
		return nullptr;

	auto clip = std::make_shared<LoopClip>();
	clip->path = path;
	clip->demuxer = reader.demuxer;
	std::vector<LoopTrack> tracks;
	for (std::unique_ptr<ReadStream> &read : reader.streams) {
		if (read->buffers.empty() || !read->caps) {
			GST_INFO("%s: a %s stream without data is not looped", path.c_str(),
				 read->video ? "video" : "audio");
			continue;
		}
		if (read->capsChanged)
			GST_WARNING("%s: a %s stream changes caps mid-way; its first caps are kept",
				    path.c_str(), read->video ? "video" : "audio");
		LoopTrack track;
		track.video = read->video;
		for (const GRef<GstBuffer> &b : read->buffers) {
			GstBuffer *buffer = b.get();
			LoopUnit unit;
			if (GST_BUFFER_PTS_IS_VALID(buffer))
				unit.pts = GST_BUFFER_PTS(buffer);
			if (GST_BUFFER_DTS_IS_VALID(buffer))
				unit.dts = GST_BUFFER_DTS(buffer);
			if (GST_BUFFER_DURATION_IS_VALID(buffer))
				unit.duration = GST_BUFFER_DURATION(buffer);
			unit.keyframe = !GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
			track.units.push_back(unit);
		}
		tracks.push_back(std::move(track));
		LoopClipStream stream;
		stream.video = read->video;
		stream.caps = read->caps;
		stream.buffers = std::move(read->buffers);
		clip->streams.push_back(std::move(stream));
	}
	if (clip->streams.empty()) {
		error = loopError(GST_STREAM_ERROR, GST_STREAM_ERROR_WRONG_TYPE, path,
				  reader.ignored ? "it has no audio or video stream, only "
						   "subtitles or data"
						 : "it has no audio or video stream");
		return nullptr;
	}

	std::string why;
	if (!planLoop(tracks, clip->plan, why)) {
		error = loopError(GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT, path, why);
		return nullptr;
	}
	for (size_t i = 0; i < clip->streams.size(); i++) {
		LoopClipStream &stream = clip->streams[i];
		/* What lies past the loop's end is never played. */
		stream.buffers.resize(clip->plan.units[i]);
		stream.units = std::move(tracks[i].units);
		stream.units.resize(clip->plan.units[i]);
		if (clip->plan.shortBy[i] > stream.units.back().duration)
			GST_WARNING("%s: its %s is %" GST_TIME_FORMAT " shorter than the loop: "
				    "a gap at every seam",
				    path.c_str(), stream.video ? "video" : "audio",
				    GST_TIME_ARGS(clip->plan.shortBy[i]));
	}
	GST_INFO("%s: %zu streams read in %" G_GINT64_FORMAT " ms, loop of %" GST_TIME_FORMAT
		 " (demuxer %s)",
		 path.c_str(), clip->streams.size(), (g_get_monotonic_time() - began) / 1000,
		 GST_TIME_ARGS(clip->plan.length),
		 clip->demuxer.empty() ? "none" : clip->demuxer.c_str());
	return clip;
}

/* -- Playing it ---------------------------------------------------------------------------- */

namespace {

/* What every stream of one playing bin shares. */
struct Playback {
	std::shared_ptr<const LoopClip> clip;
	std::mutex lock; /* guards started and start */
	bool started = false;
	GstClockTime start = 0;

	/*
	 * The first stream to ask fixes the start for all: the running time now, so a source
	 * rebuilt after a reconnect starts now and clocksync lets it through at once.
	 */
	GstClockTime startFor(GstElement *element)
	{
		std::lock_guard<std::mutex> locker(lock);
		if (!started) {
			started = true;
			g_autoptr(GstClock) clock = gst_element_get_clock(element);
			const GstClockTime base = gst_element_get_base_time(element);
			if (clock) {
				const GstClockTime now = gst_clock_get_time(clock);
				start = now > base ? now - base : 0;
			}
			GST_DEBUG_OBJECT(element, "loop starts at %" GST_TIME_FORMAT,
					 GST_TIME_ARGS(start));
		}
		return start;
	}
};

/* One stream's position. Only its appsrc's streaming thread touches it. */
struct Feeder {
	std::shared_ptr<Playback> playback;
	size_t stream = 0;
	size_t next = 0; /* unit pushed next */
	guint64 loop = 0;
	bool first = true;
};

/*
 * appsrc asks for data when its queue is empty: one buffer per call, so nothing runs ahead of
 * clocksync (which paces the stream) and a state change finds nothing to wait for.
 */
void on_need_data(GstAppSrc *src, guint, gpointer data)
{
	auto *feeder = static_cast<Feeder *>(data);
	const LoopClip &clip = *feeder->playback->clip;
	const LoopClipStream &stream = clip.streams[feeder->stream];
	const GstClockTime start = feeder->playback->startFor(GST_ELEMENT(src));
	const LoopUnit &unit = stream.units[feeder->next];

	/* Shares the memory; only the metadata is new. */
	GstBuffer *buffer = gst_buffer_copy(stream.buffers[feeder->next].get());
	GST_BUFFER_PTS(buffer) = loopTime(clip.plan, start, unit.pts, feeder->loop);
	GST_BUFFER_DTS(buffer) = unit.dts == kLoopNoTime
		? GST_CLOCK_TIME_NONE
		: loopTime(clip.plan, start, unit.dts, feeder->loop);
	GST_BUFFER_DURATION(buffer) = unit.duration;
	GST_BUFFER_OFFSET(buffer) = GST_BUFFER_OFFSET_NONE;
	GST_BUFFER_OFFSET_END(buffer) = GST_BUFFER_OFFSET_NONE;
	/* One endless stream: only its very first buffer is a discontinuity. */
	if (feeder->first)
		GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_DISCONT);
	else
		GST_BUFFER_FLAG_UNSET(buffer, GST_BUFFER_FLAG_DISCONT);
	GST_BUFFER_FLAG_UNSET(buffer, GST_BUFFER_FLAG_RESYNC);
	feeder->first = false;
	if (++feeder->next == stream.buffers.size()) {
		feeder->next = 0;
		feeder->loop++;
		GST_LOG_OBJECT(src, "loop %" G_GUINT64_FORMAT, feeder->loop);
	}
	gst_app_src_push_buffer(src, buffer);
}

} /* namespace */

GstElement *buildLoopSource(std::shared_ptr<const LoopClip> clip)
{
	GstElement *bin = gst_bin_new(nullptr);
	auto playback = std::make_shared<Playback>();
	playback->clip = clip;
	guint videos = 0, audios = 0;
	for (size_t i = 0; i < clip->streams.size(); i++) {
		const LoopClipStream &stream = clip->streams[i];
		GstElement *src = gst_element_factory_make("appsrc", nullptr);
		/* appsrc 1.22 answers caps queries only once data flows: the capsfilter tells
		 * smartsrc what the pad carries as soon as it is exposed. */
		GstElement *filter = gst_element_factory_make("capsfilter", nullptr);
		GstElement *sync = gst_element_factory_make("clocksync", nullptr);
		/* Parameter sets on every keyframe, as the test source has, so that a client can
		 * join at any; and the framing downstream asks for (a TS clip's ADTS AAC goes out
		 * raw to cmafsink). */
		const char *parserName = outputParserFor(stream.caps.get());
		GstElement *parser = makeOutputParser(stream.caps.get());
		if (!src || !filter || !sync || (parserName && !parser)) {
			for (GstElement *e : {src, filter, sync, parser}) {
				if (e)
					gst_object_unref(e);
			}
			gst_object_unref(bin);
			return nullptr;
		}
		g_object_set(src, "caps", stream.caps.get(), "format", GST_FORMAT_TIME, "is-live",
			     TRUE, "stream-type", GST_APP_STREAM_TYPE_STREAM, nullptr);
		g_object_set(filter, "caps", stream.caps.get(), nullptr);
		gst_bin_add_many(GST_BIN(bin), src, filter, sync, nullptr);
		if (parser) {
			gst_bin_add(GST_BIN(bin), parser);
			gst_element_link_many(src, filter, parser, sync, nullptr);
		} else {
			gst_element_link_many(src, filter, sync, nullptr);
		}

		auto *feeder = new Feeder;
		feeder->playback = playback;
		feeder->stream = i;
		GstAppSrcCallbacks callbacks = {};
		callbacks.need_data = on_need_data;
		gst_app_src_set_callbacks(GST_APP_SRC(src), &callbacks, feeder, [](gpointer data) {
			delete static_cast<Feeder *>(data);
		});

		const std::string name = stream.video ? "video_" + std::to_string(videos++)
						      : "audio_" + std::to_string(audios++);
		g_autoptr(GstPad) out = gst_element_get_static_pad(sync, "src");
		gst_element_add_pad(bin, gst_ghost_pad_new(name.c_str(), out));
	}
	return bin;
}

} /* namespace sluice */
