/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Running a producing pipeline (sources, encoders, cmafsink) in the test process to EOS.
 */

#include "producer.h"

#include <gst/gst.h>

namespace sluice::test {

namespace {

void ensureInit()
{
	static bool initialised = [] {
		gst_init(nullptr, nullptr);
		return true;
	}();
	(void)initialised;
}

/* Integer fields whatever integer type the element chose for them. */
uint64_t numberField(const GstStructure *s, const char *name)
{
	const GValue *v = gst_structure_get_value(s, name);
	if (!v)
		return 0;
	switch (G_VALUE_TYPE(v)) {
	case G_TYPE_UINT64:
		return g_value_get_uint64(v);
	case G_TYPE_INT64:
		return static_cast<uint64_t>(g_value_get_int64(v));
	case G_TYPE_UINT:
		return g_value_get_uint(v);
	case G_TYPE_INT:
		return static_cast<uint64_t>(g_value_get_int(v));
	case G_TYPE_ULONG:
		return g_value_get_ulong(v);
	default:
		return 0;
	}
}

std::string stringField(const GstStructure *s, const char *name)
{
	const char *v = gst_structure_get_string(s, name);
	return v ? v : "";
}

} /* namespace */

std::vector<SegmentAdded> ProducerResult::segmentsOf(const std::string &track) const
{
	std::vector<SegmentAdded> result;
	for (const auto &s : segments) {
		if (s.track == track)
			result.push_back(s);
	}
	return result;
}

bool haveElement(const char *factory)
{
	ensureInit();
	g_autoptr(GstElementFactory) f = gst_element_factory_find(factory);
	return f != nullptr;
}

ProducerResult runProducer(const std::string &description, unsigned timeoutSeconds,
			   const std::function<void(const SegmentAdded &)> &onSegment)
{
	ensureInit();
	ProducerResult result;

	g_autoptr(GError) parseError = nullptr;
	g_autoptr(GstElement) pipeline = gst_parse_launch(description.c_str(), &parseError);
	if (!pipeline || parseError) {
		result.error = std::string("cannot build pipeline: ")
			+ (parseError ? parseError->message : "?") + "\n  " + description;
		return result;
	}

	g_autoptr(GstBus) bus = gst_element_get_bus(pipeline);
	gint64 begin = g_get_monotonic_time();
	gint64 deadline = begin + gint64(timeoutSeconds) * G_USEC_PER_SEC;

	if (gst_element_set_state(pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
		result.error = "pipeline refused to go to PLAYING";

	while (result.error.empty() && !result.reachedEos) {
		if (g_get_monotonic_time() > deadline) {
			result.error = "no EOS within " + std::to_string(timeoutSeconds) + " s";
			break;
		}
		g_autoptr(GstMessage) msg = gst_bus_timed_pop_filtered(
			bus, 100 * GST_MSECOND,
			static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR
						    | GST_MESSAGE_WARNING | GST_MESSAGE_ELEMENT));
		if (!msg)
			continue;

		switch (GST_MESSAGE_TYPE(msg)) {
		case GST_MESSAGE_EOS:
			result.reachedEos = true;
			break;
		case GST_MESSAGE_ERROR:
		case GST_MESSAGE_WARNING: {
			g_autoptr(GError) err = nullptr;
			g_autofree char *debug = nullptr;
			if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR)
				gst_message_parse_error(msg, &err, &debug);
			else
				gst_message_parse_warning(msg, &err, &debug);
			std::string text = std::string(GST_OBJECT_NAME(GST_MESSAGE_SRC(msg))) + ": "
				+ err->message + " (" + (debug ? debug : "") + ")";
			if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR)
				result.error = text;
			else
				result.warnings.push_back(text);
			break;
		}
		case GST_MESSAGE_ELEMENT: {
			const GstStructure *s = gst_message_get_structure(msg);
			if (!s || !gst_structure_has_name(s, "cmafsink-segment-added"))
				break;
			SegmentAdded seg;
			seg.track = stringField(s, "track");
			seg.name = stringField(s, "name");
			seg.location = stringField(s, "location");
			seg.number = numberField(s, "number");
			seg.period = numberField(s, "period");
			seg.start = numberField(s, "start");
			seg.duration = numberField(s, "duration");
			seg.size = numberField(s, "size");
			result.segments.push_back(seg);
			if (onSegment)
				onSegment(seg);
			break;
		}
		default:
			break;
		}
	}

	gst_element_set_state(pipeline, GST_STATE_NULL);
	result.wallSeconds = (g_get_monotonic_time() - begin) / 1e6;
	return result;
}

} /* namespace sluice::test */
