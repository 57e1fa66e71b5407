/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * sluice-ingest: reads one adaptive (HLS or DASH) source for smartsrc in a process of its own
 * and writes its parsed streams to stdout as framed samples (plugins/core/ingestwire.h).
 * GStreamer 1.22's adaptive demuxers can crash when a live source vanishes; here such a crash
 * costs the parent one reconnect. smartsrc (isolate=true) starts it; it is no user's tool.
 *
 *   smartsrc uri=URI --video_0--> appsink --\
 *                    --audio_0--> appsink ----> frames on fd 1
 *
 * It reads one URI once: the first failure ends it with an Error frame and exit status 1, and
 * the parent's retry policy decides what comes next. A source that ends (VOD) ends it with
 * status 0 after every stream's EndOfStream frame.
 */

#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include <gst/app/gstappsink.h>
#include <gst/gst.h>

#include "ingestwire.h"

/* Defined by GST_PLUGIN_DEFINE in plugins/gst/plugin.cpp, built with GST_PLUGIN_BUILD_STATIC. */
G_BEGIN_DECLS
GST_PLUGIN_STATIC_DECLARE(sluice);
G_END_DECLS

namespace {

using sluice::IngestFrameType;

/* Writes whole frames to stdout; the streaming threads of every stream share it. */
class FrameWriter
{
public:
	void write(IngestFrameType type, uint8_t stream,
		   std::initializer_list<std::pair<const void *, size_t>> parts)
	{
		size_t size = 0;
		for (const auto &[data, length] : parts)
			size += length;
		std::vector<uint8_t> header
			= sluice::encodeIngestHeader(type, stream, static_cast<uint32_t>(size));
		std::vector<iovec> vec;
		vec.push_back({header.data(), header.size()});
		for (const auto &[data, length] : parts)
			vec.push_back({const_cast<void *>(data), length});
		std::lock_guard<std::mutex> locker(lock_);
		size_t index = 0;
		while (index < vec.size()) {
			ssize_t written = writev(STDOUT_FILENO, vec.data() + index,
						 static_cast<int>(vec.size() - index));
			if (written < 0) {
				if (errno == EINTR)
					continue;
				/* The parent is gone or closed the pipe: nobody to read for. */
				_exit(2);
			}
			auto left = static_cast<size_t>(written);
			while (index < vec.size() && left >= vec[index].iov_len)
				left -= vec[index++].iov_len;
			if (index < vec.size()) {
				vec[index].iov_base
					= static_cast<uint8_t *>(vec[index].iov_base) + left;
				vec[index].iov_len -= left;
			}
		}
	}

	void error(GQuark domain, int code, const std::string &message)
	{
		std::vector<uint8_t> payload
			= sluice::encodeIngestError({g_quark_to_string(domain), code, message});
		write(IngestFrameType::Error, 0, {{payload.data(), payload.size()}});
	}

private:
	std::mutex lock_; /* one frame at a time on stdout */
};

/* One stream going out: what was last sent for it, so caps and segments go only on change. */
struct Stream {
	uint8_t index = 0;
	GstCaps *caps = nullptr; /* owned; the last caps sent */
	GstSegment segment;
	bool segmentSent = false;
};

struct Ingest {
	FrameWriter out;
	GMainLoop *loop = nullptr;
	GstElement *pipeline = nullptr;
	std::mutex lock; /* guards streams and nextIndex (pad-added runs on streaming threads) */
	std::vector<Stream *> streams;
	uint8_t nextIndex = 0;
	int status = 0;
	GError *lastWarning = nullptr; /* smartsrc's own warning before a reconnect */
};

Ingest ingest;

GstFlowReturn on_new_sample(GstAppSink *sink, gpointer data)
{
	auto *stream = static_cast<Stream *>(data);
	g_autoptr(GstSample) sample = gst_app_sink_pull_sample(sink);
	if (!sample)
		return GST_FLOW_EOS;
	GstCaps *caps = gst_sample_get_caps(sample);
	if (caps && (!stream->caps || !gst_caps_is_equal(caps, stream->caps))) {
		gst_caps_replace(&stream->caps, caps);
		g_autofree char *text = gst_caps_to_string(caps);
		ingest.out.write(IngestFrameType::Caps, stream->index, {{text, strlen(text)}});
	}
	const GstSegment *segment = gst_sample_get_segment(sample);
	if (segment && segment->format == GST_FORMAT_TIME
	    && (!stream->segmentSent || !gst_segment_is_equal(segment, &stream->segment))) {
		gst_segment_copy_into(segment, &stream->segment);
		stream->segmentSent = true;
		std::vector<uint8_t> payload = sluice::encodeIngestSegment(
			{segment->rate, segment->applied_rate,
			 static_cast<uint32_t>(segment->flags), segment->base, segment->offset,
			 segment->start, segment->stop, segment->time, segment->position,
			 segment->duration});
		ingest.out.write(IngestFrameType::Segment, stream->index,
				 {{payload.data(), payload.size()}});
	}
	GstBuffer *buffer = gst_sample_get_buffer(sample);
	if (!buffer)
		return GST_FLOW_OK;
	std::vector<uint8_t> header = sluice::encodeIngestSampleHeader(
		{GST_BUFFER_PTS(buffer), GST_BUFFER_DTS(buffer), GST_BUFFER_DURATION(buffer),
		 static_cast<uint32_t>(GST_BUFFER_FLAGS(buffer))});
	GstMapInfo map;
	if (!gst_buffer_map(buffer, &map, GST_MAP_READ))
		return GST_FLOW_ERROR;
	ingest.out.write(IngestFrameType::Sample, stream->index,
			 {{header.data(), header.size()}, {map.data, map.size}});
	gst_buffer_unmap(buffer, &map);
	return GST_FLOW_OK;
}

void on_eos(GstAppSink *, gpointer data)
{
	auto *stream = static_cast<Stream *>(data);
	ingest.out.write(IngestFrameType::EndOfStream, stream->index, {});
}

void on_pad_added(GstElement *, GstPad *pad, gpointer)
{
	Stream *stream;
	{
		std::lock_guard<std::mutex> locker(ingest.lock);
		if (ingest.nextIndex >= sluice::kMaxIngestStreams) {
			g_printerr("sluice-ingest: more than %u streams; %s is not read\n",
				   sluice::kMaxIngestStreams, GST_PAD_NAME(pad));
			return;
		}
		stream = new Stream();
		stream->index = ingest.nextIndex++;
		gst_segment_init(&stream->segment, GST_FORMAT_UNDEFINED);
		ingest.streams.push_back(stream);
	}
	GstElement *sink = gst_element_factory_make("appsink", nullptr);
	/* As fast as the parent reads: it paces, and a full pipe holds the source back. */
	g_object_set(sink, "sync", FALSE, "async", FALSE, "wait-on-eos", FALSE, nullptr);
	GstAppSinkCallbacks callbacks = {};
	callbacks.eos = on_eos;
	callbacks.new_sample = on_new_sample;
	gst_app_sink_set_callbacks(GST_APP_SINK(sink), &callbacks, stream, nullptr);
	gst_bin_add(GST_BIN(ingest.pipeline), sink);
	gst_element_sync_state_with_parent(sink);
	g_autoptr(GstPad) sinkPad = gst_element_get_static_pad(sink, "sink");
	if (gst_pad_link(pad, sinkPad) != GST_PAD_LINK_OK)
		g_printerr("sluice-ingest: could not link %s\n", GST_PAD_NAME(pad));
}

void fail(GQuark domain, int code, const std::string &message)
{
	ingest.out.error(domain, code, message);
	ingest.status = 1;
	g_main_loop_quit(ingest.loop);
}

gboolean on_bus(GstBus *, GstMessage *msg, gpointer)
{
	switch (GST_MESSAGE_TYPE(msg)) {
	case GST_MESSAGE_ERROR: {
		g_autoptr(GError) error = nullptr;
		g_autofree char *debug = nullptr;
		gst_message_parse_error(msg, &error, &debug);
		fail(error->domain, error->code, error->message);
		break;
	}
	case GST_MESSAGE_WARNING: {
		/* smartsrc turns a failing source into a warning and a reconnect: keep it,
		 * the reconnect that follows is where this process ends. */
		g_autofree char *debug = nullptr;
		g_clear_error(&ingest.lastWarning);
		gst_message_parse_warning(msg, &ingest.lastWarning, &debug);
		break;
	}
	case GST_MESSAGE_ELEMENT: {
		const GstStructure *s = gst_message_get_structure(msg);
		if (gst_structure_has_name(s, "smartsrc-classified")) {
			g_autofree char *text = gst_structure_to_string(s);
			ingest.out.write(IngestFrameType::Findings, 0, {{text, strlen(text)}});
		} else if (gst_structure_has_name(s, "smartsrc-source-switched")) {
			if (ingest.lastWarning) {
				fail(ingest.lastWarning->domain, ingest.lastWarning->code,
				     ingest.lastWarning->message);
			} else {
				const char *reason = gst_structure_get_string(s, "reason");
				fail(GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
				     reason ? reason : "the source failed");
			}
		}
		break;
	}
	case GST_MESSAGE_EOS:
		g_main_loop_quit(ingest.loop);
		break;
	default:
		break;
	}
	return G_SOURCE_CONTINUE;
}

} /* namespace */

int main(int argc, char **argv)
{
	const char *uri = nullptr, *userAgent = nullptr, *headers = nullptr, *policy = nullptr;
	gint64 maxBitrate = 0;
	int maxHeight = 0;
	const GOptionEntry entries[] = {
		{"uri", 0, 0, G_OPTION_ARG_STRING, &uri, "The source to read", "URI"},
		{"user-agent", 0, 0, G_OPTION_ARG_STRING, &userAgent, "HTTP User-Agent", "UA"},
		{"extra-headers", 0, 0, G_OPTION_ARG_STRING, &headers,
		 "HTTP headers, as a GstStructure", "STRUCTURE"},
		{"variant-policy", 0, 0, G_OPTION_ARG_STRING, &policy,
		 "smartsrc's variant-policy (highest, lowest, best)", "POLICY"},
		{"max-bitrate", 0, 0, G_OPTION_ARG_INT64, &maxBitrate, "bit/s, 0 = none", "N"},
		{"max-height", 0, 0, G_OPTION_ARG_INT, &maxHeight, "lines, 0 = none", "N"},
		{nullptr},
	};
	GOptionContext *context = g_option_context_new("- read one source for smartsrc");
	g_option_context_add_main_entries(context, entries, nullptr);
	g_option_context_add_group(context, gst_init_get_option_group());
	GError *error = nullptr;
	if (!g_option_context_parse(context, &argc, &argv, &error) || !uri) {
		g_printerr("sluice-ingest: %s\n", error ? error->message : "--uri is required");
		return 64;
	}
	g_option_context_free(context);
	if (isatty(STDOUT_FILENO)) {
		g_printerr("sluice-ingest: writes binary frames for smartsrc; not to a terminal\n");
		return 64;
	}
	GST_PLUGIN_STATIC_REGISTER(sluice);

	ingest.loop = g_main_loop_new(nullptr, FALSE);
	ingest.pipeline = gst_pipeline_new("ingest");
	GstElement *src = gst_element_factory_make("smartsrc", "src");
	g_object_set(src, "uri", uri, "retry-delay", 0u, nullptr);
	if (userAgent)
		g_object_set(src, "user-agent", userAgent, nullptr);
	if (headers) {
		if (GstStructure *s = gst_structure_from_string(headers, nullptr)) {
			g_object_set(src, "extra-headers", s, nullptr);
			gst_structure_free(s);
		}
	}
	if (policy)
		gst_util_set_object_arg(G_OBJECT(src), "variant-policy", policy);
	g_object_set(src, "max-bitrate", static_cast<guint64>(std::max<gint64>(maxBitrate, 0)),
		     "max-height", static_cast<guint>(std::max(maxHeight, 0)), nullptr);
	g_signal_connect(src, "pad-added", G_CALLBACK(on_pad_added), nullptr);
	gst_bin_add(GST_BIN(ingest.pipeline), src);

	GstBus *bus = gst_pipeline_get_bus(GST_PIPELINE(ingest.pipeline));
	gst_bus_add_watch(bus, on_bus, nullptr);
	gst_object_unref(bus);
	if (gst_element_set_state(ingest.pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
		fail(GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE, "could not start reading");
	else
		g_main_loop_run(ingest.loop);
	/* No teardown: the demuxer's own is what can crash, and the process ends here anyway. */
	_exit(ingest.status);
}
