/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Is the primary back? While smartsrc plays a backup, it asks the primary now and then with a
 * pipeline of its own that only reads the first bytes:
 *
 *   souphttpsrc location=PRIMARY ! typefind ! fakesink
 *
 * The primary is back when typefind knows what it serves (an MPEG-TS stream, an HLS playlist,
 * an MPD) before the timeout. No demuxer runs here: the adaptive ones are what isolate=true
 * keeps out of the process.
 */

#include <atomic>

#include "smartsrcprivate.h"

#define GST_CAT_DEFAULT smartsrc_debug

namespace sluice::smartsrc {

bool probe_source(const ProbeSpec &spec, const std::atomic<bool> &cancel)
{
	g_autofree char *scheme = gst_uri_get_protocol(spec.uri.c_str());
	if (!scheme || (g_ascii_strcasecmp(scheme, "http") && g_ascii_strcasecmp(scheme, "https")))
		return false; /* only network sources come back by themselves */
	GstElement *pipeline = gst_pipeline_new("smartsrc-probe");
	GstElement *src = gst_element_factory_make("souphttpsrc", nullptr);
	GstElement *typefind = gst_element_factory_make("typefind", nullptr);
	GstElement *sink = gst_element_factory_make("fakesink", nullptr);
	if (!src || !typefind || !sink) {
		for (GstElement *e : {src, typefind, sink}) {
			if (e)
				gst_object_unref(gst_object_ref_sink(e));
		}
		gst_object_unref(pipeline);
		return false;
	}
	g_object_set(src, "location", spec.uri.c_str(), "timeout", 5u, "retries", 0, nullptr);
	if (!spec.userAgent.empty())
		g_object_set(src, "user-agent", spec.userAgent.c_str(), nullptr);
	if (spec.extraHeaders)
		g_object_set(src, "extra-headers", spec.extraHeaders.get(), nullptr);
	g_object_set(sink, "sync", FALSE, "async", FALSE, nullptr);
	gst_bin_add_many(GST_BIN(pipeline), src, typefind, sink, nullptr);
	gst_element_link_many(src, typefind, sink, nullptr);
	std::atomic<bool> found {false};
	g_signal_connect(typefind, "have-type",
			 G_CALLBACK(+[](GstElement *, guint, GstCaps *, std::atomic<bool> *f) {
				 *f = true;
			 }),
			 &found);

	GstBus *bus = gst_element_get_bus(pipeline);
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	const gint64 deadline = g_get_monotonic_time() + spec.timeoutMs * 1000;
	bool failed = false;
	while (!found && !failed && !cancel && g_get_monotonic_time() < deadline) {
		GstMessage *msg = gst_bus_timed_pop_filtered(
			bus, 100 * GST_MSECOND,
			static_cast<GstMessageType>(GST_MESSAGE_ERROR | GST_MESSAGE_EOS));
		if (msg) {
			failed = true;
			gst_message_unref(msg);
		}
	}
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(bus);
	gst_object_unref(pipeline);
	GST_DEBUG("probe of %s: %s", spec.uri.c_str(), found ? "up" : "down");
	return found && !cancel;
}

} /* namespace sluice::smartsrc */
