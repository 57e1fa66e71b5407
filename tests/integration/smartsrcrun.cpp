/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Running smartsrc into fakesinks and reading back what it said.
 */

#include "smartsrcrun.h"

#include <gtest/gtest.h>

#include "playercheck.h"
#include "producer.h"

namespace sluice::test {

void linkToFakesink(GstElement *pipeline, GstPad *pad)
{
	GstElement *queue = gst_element_factory_make("queue", nullptr);
	GstElement *sink = gst_element_factory_make("fakesink", nullptr);
	g_object_set(sink, "sync", FALSE, "async", FALSE, nullptr);
	gst_bin_add_many(GST_BIN(pipeline), queue, sink, nullptr);
	gst_element_link(queue, sink);
	gst_element_sync_state_with_parent(sink);
	gst_element_sync_state_with_parent(queue);
	g_autoptr(GstPad) sinkPad = gst_element_get_static_pad(queue, "sink");
	gst_pad_link(pad, sinkPad);
}

std::string garbageBytes(size_t n)
{
	std::string bytes(n, '\0');
	guint32 x = 2463534242u; /* xorshift */
	for (char &b : bytes) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		b = static_cast<char>(x);
	}
	return bytes;
}

Classification parse(const GstStructure *s)
{
	Classification c;
	c.posted = true;
	c.type = gst_structure_get_string(s, "type");
	c.container = gst_structure_get_string(s, "container");
	gboolean live = FALSE;
	gst_structure_get_boolean(s, "live", &live);
	c.live = live;
	gboolean raw = FALSE;
	gst_structure_get_boolean(s, "raw", &raw);
	c.raw = raw;
	gst_structure_get_uint(s, "variants", &c.variants);
	gst_structure_get_uint(s, "variant-height", &c.variantHeight);
	const GValue *streams = gst_structure_get_value(s, "streams");
	for (guint i = 0; streams && i < gst_value_array_get_size(streams); i++) {
		const GstStructure *st
			= gst_value_get_structure(gst_value_array_get_value(streams, i));
		Stream stream;
		stream.kind = gst_structure_get_string(st, "kind");
		if (const char *codec = gst_structure_get_string(st, "codec"))
			stream.codec = codec;
		if (const char *codecs = gst_structure_get_string(st, "codecs"))
			stream.codecs = codecs;
		gst_structure_get_int(st, "width", &stream.width);
		gst_structure_get_int(st, "height", &stream.height);
		gst_structure_get_int(st, "rate", &stream.rate);
		gst_structure_get_int(st, "channels", &stream.channels);
		gst_structure_get_fraction(st, "framerate", &stream.fpsNum, &stream.fpsDen);
		c.streams.push_back(stream);
	}
	return c;
}

/*
 * Plays smartsrc uri=... into fakesinks until it has classified the source and a second has
 * passed (so data flows), an error, or the timeout.
 */
Classification run(const std::string &uri, unsigned timeoutSeconds,
		   const std::function<void(GstElement *)> &configure)
{
	GstElement *pipeline = gst_pipeline_new(nullptr);
	GstElement *src = gst_element_factory_make("smartsrc", nullptr);
	EXPECT_NE(src, nullptr) << "smartsrc is not built";
	if (!src)
		return {};
	g_object_set(src, "uri", uri.c_str(), nullptr);
	if (configure)
		configure(src);
	gst_bin_add(GST_BIN(pipeline), src);

	Classification result;
	g_signal_connect(
		src, "pad-added", G_CALLBACK(+[](GstElement *, GstPad *pad, GstElement *bin) {
			GstElement *sink = gst_element_factory_make("fakesink", nullptr);
			g_object_set(sink, "async", FALSE, "sync", FALSE, nullptr);
			gst_bin_add(GST_BIN(bin), sink);
			gst_element_sync_state_with_parent(sink);
			g_autoptr(GstPad) sinkpad = gst_element_get_static_pad(sink, "sink");
			gst_pad_link(pad, sinkpad);
		}),
		pipeline);
	g_signal_connect(
		src, "pad-added", G_CALLBACK(+[](GstElement *, GstPad *pad, Classification *c) {
			gst_pad_add_probe(
				pad, GST_PAD_PROBE_TYPE_BUFFER,
				[](GstPad *, GstPadProbeInfo *, gpointer data) {
					g_atomic_int_inc(reinterpret_cast<gint *>(
						&static_cast<Classification *>(data)->buffers));
					return GST_PAD_PROBE_OK;
				},
				c, nullptr);
		}),
		&result);

	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	GstBus *bus = gst_element_get_bus(pipeline);
	gint64 deadline = g_get_monotonic_time() + timeoutSeconds * G_USEC_PER_SEC;
	gint64 classifiedAt = 0;
	for (;;) {
		gint64 now = g_get_monotonic_time();
		if (now > deadline || (classifiedAt && now > classifiedAt + G_USEC_PER_SEC))
			break;
		GstMessage *msg = gst_bus_timed_pop(bus, 100 * GST_MSECOND);
		if (!msg)
			continue;
		if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
			GError *error = nullptr;
			gst_message_parse_error(msg, &error, nullptr);
			result.error = error->message;
			g_error_free(error);
			gst_message_unref(msg);
			break;
		}
		if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS) {
			gst_message_unref(msg);
			break;
		}
		const GstStructure *s = gst_message_get_structure(msg);
		if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_WARNING) {
			GError *warning = nullptr;
			gst_message_parse_warning(msg, &warning, nullptr);
			result.warnings.push_back(warning->message);
			g_error_free(warning);
		} else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ELEMENT && s
			   && gst_structure_has_name(s, "smartsrc-source-switched")) {
			result.switchedTo.push_back(gst_structure_get_string(s, "uri"));
			gboolean switched = FALSE;
			gst_structure_get_boolean(s, "switched", &switched);
			result.switchedToBackup |= switched;
		} else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ELEMENT && s
			   && gst_structure_has_name(s, "smartsrc-classified")) {
			Classification parsed = parse(s);
			parsed.buffers = result.buffers;
			parsed.warnings = std::move(result.warnings);
			parsed.switchedTo = std::move(result.switchedTo);
			parsed.switchedToBackup = result.switchedToBackup;
			result = std::move(parsed);
			classifiedAt = g_get_monotonic_time();
		}
		gst_message_unref(msg);
	}
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(bus);
	gst_object_unref(pipeline);
	return result;
}

SwitchRun playThroughSwitches(GstElement *pipeline, unsigned switches, unsigned timeoutSeconds)
{
	SwitchRun run;
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	GstBus *bus = gst_element_get_bus(pipeline);
	const gint64 deadline = g_get_monotonic_time() + timeoutSeconds * G_USEC_PER_SEC;
	while (!run.eos && run.failure.empty() && g_get_monotonic_time() < deadline) {
		GstMessage *msg = gst_bus_timed_pop(bus, 100 * GST_MSECOND);
		if (!msg)
			continue;
		const GstStructure *s = gst_message_get_structure(msg);
		if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
			GError *e = nullptr;
			gst_message_parse_error(msg, &e, nullptr);
			run.failure = e->message;
			g_error_free(e);
		} else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS) {
			run.eos = true;
		} else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ELEMENT && s
			   && gst_structure_has_name(s, "smartsrc-source-switched")
			   && ++run.switches == switches) {
			gst_element_send_event(pipeline, gst_event_new_eos());
		}
		gst_message_unref(msg);
	}
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(bus);
	return run;
}

bool ffmpegHls(const std::string &dir, const std::string &name, const char *encoder, double seconds,
	       std::string &error)
{
	std::vector<std::string> argv = {"ffmpeg",
					 "-loglevel",
					 "error",
					 "-y",
					 "-f",
					 "lavfi",
					 "-i",
					 "testsrc=size=320x240:rate=30",
					 "-f",
					 "lavfi",
					 "-i",
					 "sine=frequency=440:sample_rate=48000",
					 "-t",
					 std::to_string(seconds),
					 "-c:v",
					 encoder,
					 "-g",
					 "30",
					 "-keyint_min",
					 "30",
					 "-sc_threshold",
					 "0",
					 "-ac",
					 "1",
					 "-c:a",
					 "aac",
					 "-f",
					 "hls",
					 "-hls_time",
					 "1",
					 "-hls_playlist_type",
					 "vod",
					 "-hls_segment_filename",
					 dir + "/" + name + "_%d.ts",
					 dir + "/" + name + ".m3u8"};
	if (std::string(encoder) == "libx265")
		argv.insert(argv.end() - 1, {"-x265-params", "log-level=error"});
	ProcessResult r = runProcess(argv, 120);
	error = r.describe();
	return r.succeeded();
}

bool produce(const std::string &description, std::string &error)
{
	ProducerResult r = runProducer(description, 120);
	error = r.error;
	return r.reachedEos;
}

} /* namespace sluice::test */
