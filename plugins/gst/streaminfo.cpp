/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * What smartsrc says about one delivered stream, from its caps and tags.
 */

#include "streaminfo.h"

#include <cstring>
#include <initializer_list>

#include <gst/pbutils/pbutils.h>

namespace sluice {

/* Short codec names for the classification, from parsed caps. */
const char *codecFromCaps(const GstStructure *s)
{
	const char *name = gst_structure_get_name(s);
	static const struct {
		const char *media;
		const char *codec;
	} table[] = {
		{"video/x-h264", "h264"},
		{"video/x-h265", "h265"},
		{"video/x-av1", "av1"},
		{"video/x-vp9", "vp9"},
		{"video/x-vp8", "vp8"},
		{"video/mpeg", "mpeg2video"},
		{"audio/x-opus", "opus"},
		{"audio/x-ac3", "ac3"},
		{"audio/x-eac3", "eac3"},
		{"audio/x-flac", "flac"},
		{"audio/x-raw", "pcm"},
		{"audio/x-vorbis", "vorbis"},
		{"application/x-teletext", "teletext"},
	};
	if (!strcmp(name, "audio/mpeg")) {
		int version = 0;
		gst_structure_get_int(s, "mpegversion", &version);
		return version == 1 ? "mp3" : "aac";
	}
	for (const auto &entry : table) {
		if (!strcmp(name, entry.media))
			return entry.codec;
	}
	return "unknown";
}

/* One "stream" structure of the classification, from a delivered pad's caps and tags. */
GstStructure *describeStream(GstPad *pad, GstCaps *caps, const char *kind)
{
	GstStructure *stream = gst_structure_new("stream", "kind", G_TYPE_STRING, kind, "pad",
						 G_TYPE_STRING, GST_PAD_NAME(pad), nullptr);
	if (!caps || gst_caps_is_empty(caps))
		return stream;

	const GstStructure *s = gst_caps_get_structure(caps, 0);
	gst_structure_set(stream, "codec", G_TYPE_STRING, codecFromCaps(s), nullptr);
	if (g_autofree char *mime = gst_codec_utils_caps_get_mime_codec(caps))
		gst_structure_set(stream, "codecs", G_TYPE_STRING, mime, nullptr);
	for (const char *field : {"profile", "level", "tier"}) {
		if (const char *value = gst_structure_get_string(s, field))
			gst_structure_set(stream, field, G_TYPE_STRING, value, nullptr);
	}
	int value = 0, num = 0, den = 0;
	for (const char *field : {"width", "height", "rate", "channels"}) {
		if (gst_structure_get_int(s, field, &value))
			gst_structure_set(stream, field, G_TYPE_INT, value, nullptr);
	}
	if (gst_structure_get_fraction(s, "framerate", &num, &den) && num > 0)
		gst_structure_set(stream, "framerate", GST_TYPE_FRACTION, num, den, nullptr);

	/* Bitrate and language come as tags, when the source carries them. */
	if (GstEvent *event = gst_pad_get_sticky_event(pad, GST_EVENT_TAG, 0)) {
		GstTagList *tags = nullptr;
		gst_event_parse_tag(event, &tags);
		guint bitrate = 0;
		if (gst_tag_list_get_uint(tags, GST_TAG_BITRATE, &bitrate)
		    || gst_tag_list_get_uint(tags, GST_TAG_NOMINAL_BITRATE, &bitrate))
			gst_structure_set(stream, "bitrate", G_TYPE_UINT, bitrate, nullptr);
		g_autofree char *language = nullptr;
		if (gst_tag_list_get_string(tags, GST_TAG_LANGUAGE_CODE, &language))
			gst_structure_set(stream, "language", G_TYPE_STRING, language, nullptr);
		gst_event_unref(event);
	}
	return stream;
}

} /* namespace sluice */
