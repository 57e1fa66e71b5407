/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The parser every stream smartsrc delivers goes out through.
 */

#include "outputparser.h"

#include <cstring>

namespace sluice {

namespace {

struct OutputParser {
	const char *factory;
};

const OutputParser *outputParserOf(const GstCaps *caps)
{
	static const OutputParser h264 {"h264parse"};
	static const OutputParser h265 {"h265parse"};
	static const OutputParser aac {"aacparse"};
	if (!caps || gst_caps_is_empty(caps) || gst_caps_is_any(caps))
		return nullptr;
	const GstStructure *s = gst_caps_get_structure(caps, 0);
	const char *name = gst_structure_get_name(s);
	if (!strcmp(name, "video/x-h264"))
		return &h264;
	if (!strcmp(name, "video/x-h265"))
		return &h265;
	int version = 0;
	if (!strcmp(name, "audio/mpeg") && gst_structure_get_int(s, "mpegversion", &version)
	    && (version == 2 || version == 4))
		return &aac;
	return nullptr;
}

} /* namespace */

const char *outputParserFor(const GstCaps *caps)
{
	const OutputParser *parser = outputParserOf(caps);
	return parser ? parser->factory : nullptr;
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

} /* namespace sluice */
