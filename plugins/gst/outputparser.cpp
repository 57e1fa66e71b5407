/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The parser every stream smartsrc delivers goes out through, and caps told to a person.
 */

#include "outputparser.h"

#include <cstring>
#include <initializer_list>

namespace sluice {

namespace {

struct OutputParser {
	const char *factory;
	std::initializer_list<const char *> framings; /* stream-format values it gives */
};

const OutputParser *outputParserOf(const GstCaps *caps)
{
	static const OutputParser h264 {"h264parse", {"avc", "avc3", "byte-stream"}};
	static const OutputParser h265 {"h265parse", {"hvc1", "hev1", "byte-stream"}};
	static const OutputParser aac {"aacparse", {"raw", "adts"}};
	if (!caps || gst_caps_is_empty(caps) || gst_caps_is_any(caps))
		return nullptr;
	const GstStructure *s = gst_caps_get_structure(caps, 0);
	const char *name = gst_structure_get_name(s);
	if (!strcmp(name, "video/x-h264"))
		return &h264;
	if (!strcmp(name, "video/x-h265"))
		return &h265;
	int version = 0;
	if (strcmp(name, "audio/mpeg") || !gst_structure_get_int(s, "mpegversion", &version)
	    || (version != 2 && version != 4))
		return nullptr;
	/* aacparse converts between ADTS and raw only: LATM/LOAS and ADIF stay as they are,
	 * and a pad must not look as if it could give raw AAC. */
	const char *format = gst_structure_get_string(s, "stream-format");
	if (format && strcmp(format, "raw") && strcmp(format, "adts"))
		return nullptr;
	return &aac;
}

} /* namespace */

const char *outputParserFor(const GstCaps *caps)
{
	const OutputParser *parser = outputParserOf(caps);
	return parser ? parser->factory : nullptr;
}

GstCaps *framingsOf(const GstCaps *caps)
{
	const OutputParser *parser = outputParserOf(caps);
	if (!parser)
		return caps ? gst_caps_copy(caps) : gst_caps_new_empty();
	GstStructure *s = gst_structure_copy(gst_caps_get_structure(caps, 0));
	gst_structure_remove_field(s, "codec_data");
	GValue framings = G_VALUE_INIT;
	gst_value_list_init(&framings, parser->framings.size());
	for (const char *framing : parser->framings) {
		GValue item = G_VALUE_INIT;
		g_value_init(&item, G_TYPE_STRING);
		g_value_set_string(&item, framing);
		gst_value_list_append_and_take_value(&framings, &item);
	}
	gst_structure_take_value(s, "stream-format", &framings);
	return gst_caps_new_full(s, nullptr);
}

GstElement *makeOutputParser(const GstCaps *caps)
{
	const char *factory = outputParserFor(caps);
	if (!factory)
		return nullptr;
	GstElement *parser = gst_element_factory_make(factory, nullptr);
	/* Codec headers on every keyframe: a muxer or client can start at any of them. */
	if (parser && g_object_class_find_property(G_OBJECT_GET_CLASS(parser), "config-interval"))
		g_object_set(parser, "config-interval", -1, nullptr);
	return parser;
}

/* A field's value without type names: "raw", "48000", "{ raw, adts }", "[ 1, 8 ]". */
static std::string valueForPeople(const GValue *value)
{
	if (GST_VALUE_HOLDS_LIST(value)) {
		std::string text = "{ ";
		for (guint i = 0; i < gst_value_list_get_size(value); i++)
			text += (i ? ", " : "")
				+ valueForPeople(gst_value_list_get_value(value, i));
		return text + " }";
	}
	g_autofree char *shown = gst_value_serialize(value);
	return shown ? shown : "?";
}

std::string capsForPeople(const GstCaps *caps)
{
	if (!caps || gst_caps_is_empty(caps))
		return "nothing";
	if (gst_caps_is_any(caps))
		return "anything";
	constexpr guint kMaxShown = 4;
	std::string text;
	const guint size = gst_caps_get_size(caps);
	for (guint i = 0; i < size && i < kMaxShown; i++) {
		const GstStructure *s = gst_caps_get_structure(caps, i);
		if (i)
			text += "; ";
		text += gst_structure_get_name(s);
		for (const char *field : {"mpegversion", "stream-format", "alignment", "rate",
					  "channels", "width", "height"}) {
			if (const GValue *value = gst_structure_get_value(s, field))
				text += std::string(", ") + field + "=" + valueForPeople(value);
		}
	}
	if (size > kMaxShown)
		text += "; ...";
	return text;
}

} /* namespace sluice */
