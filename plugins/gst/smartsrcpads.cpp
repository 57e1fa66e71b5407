/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * smartsrc's stream pads: each stream out through a parser of its own.
 */

#include <cstring>

#include "outputparser.h"
#include "smartsrcprivate.h"

#define GST_CAT_DEFAULT smartsrc_debug

namespace sluice::smartsrc {

/*
 * The pad a stream of parsebin goes out from: a parser of smartsrc's own, not yet
 * negotiated when the pad is exposed, so that the stream links to whatever framing
 * downstream takes and is converted to it. parsebin's own parser answers with the one format
 * it settled on (a parser's caps are fixed once set; after h264parse comes a capsfilter), and
 * an adaptive demuxer's stream arrives parsed already: HLS over MPEG-TS gives ADTS AAC, which
 * cmafsink only takes raw. Returns pad itself (a new ref) when the codec needs no parser.
 */
static GstPad *through_parser(GstSmartSrc *self, GstPad *pad, GstCaps *caps)
{
	const char *factory = outputParserFor(caps);
	if (!factory)
		return GST_PAD(gst_object_ref(pad));
	GstElement *parser = makeOutputParser(caps);
	if (!parser) {
		GST_WARNING_OBJECT(self, "%s is missing: %" GST_PTR_FORMAT " goes out as it is",
				   factory, caps);
		return GST_PAD(gst_object_ref(pad));
	}
	/* A direct child: a ghost pad can only target a pad of one. */
	gst_bin_add(GST_BIN(self), parser);
	g_autoptr(GstPad) sink = gst_element_get_static_pad(parser, "sink");
	if (gst_pad_link(pad, sink) != GST_PAD_LINK_OK) {
		GST_WARNING_OBJECT(self, "cannot put %s after %" GST_PTR_FORMAT, factory, pad);
		gst_element_set_state(parser, GST_STATE_NULL);
		gst_bin_remove(GST_BIN(self), parser);
		return GST_PAD(gst_object_ref(pad));
	}
	gst_element_sync_state_with_parent(parser);
	return gst_element_get_static_pad(parser, "src");
}

/* Ghosts a parsed stream as video_%u / audio_%u. */
void on_pad_added(GstElement *element, GstPad *pad, GstSmartSrc *self)
{
	if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC)
		return;
	g_autoptr(GstCaps) caps = gst_pad_get_current_caps(pad);
	if (!caps)
		caps = gst_pad_query_caps(pad, nullptr);
	const char *media = gst_caps_is_empty(caps) || gst_caps_is_any(caps)
		? "unknown"
		: gst_structure_get_name(gst_caps_get_structure(caps, 0));
	bool video = g_str_has_prefix(media, "video/");
	bool audio = g_str_has_prefix(media, "audio/");
	if (!video && !audio) {
		GST_INFO_OBJECT(self, "not delivering a %s stream", media);
		return;
	}

	std::string name;
	{
		std::lock_guard<std::mutex> locker(self->state->lock);
		auto found = self->state->progress.find(element);
		if (found != self->state->progress.end())
			found->second.exposed++;
		name = video ? "video_" + std::to_string(self->state->videoPads++)
			     : "audio_" + std::to_string(self->state->audioPads++);
	}
	/* test:// and looped sources end each stream in its parser already. */
	GstElementFactory *factory = gst_element_get_factory(element);
	g_autoptr(GstPad) out = factory && !strcmp(GST_OBJECT_NAME(factory), "parsebin")
		? through_parser(self, pad, caps)
		: GST_PAD(gst_object_ref(pad));

	/* After a reconnect, the n-th stream of a kind goes out where the last source's did. */
	if (GstPad *existing = gst_element_get_static_pad(GST_ELEMENT(self), name.c_str())) {
		gst_ghost_pad_set_target(GST_GHOST_PAD(existing), out);
		gst_object_unref(existing);
		check_exposed(self);
		return;
	}

	GstPadTemplate *templ = gst_element_class_get_pad_template(GST_ELEMENT_GET_CLASS(self),
								   video ? "video_%u" : "audio_%u");
	GstPad *ghost = gst_ghost_pad_new_from_template(name.c_str(), out, templ);
	gst_pad_add_probe(ghost, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_ghost_event, self,
			  nullptr);
	gst_pad_add_probe(ghost, GST_PAD_PROBE_TYPE_BUFFER, on_ghost_buffer, self, nullptr);
	gst_pad_set_active(ghost, TRUE);
	gst_element_add_pad(GST_ELEMENT(self), ghost);
	check_exposed(self);
}

} /* namespace sluice::smartsrc */
