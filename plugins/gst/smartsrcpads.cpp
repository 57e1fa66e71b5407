/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * smartsrc's stream pads: each stream out through its parser, and a clear error, never a
 * silent stall, when nothing downstream takes it.
 */

#include <cstring>

#include "outputparser.h"
#include "smartsrcprivate.h"

#define GST_CAT_DEFAULT smartsrc_debug

namespace sluice::smartsrc {

/* The name a person reads in an error: "audio_0 of s". */
static std::string pad_label(GstSmartSrc *self, GstPad *pad)
{
	return std::string(GST_PAD_NAME(pad)) + " of " + GST_OBJECT_NAME(self);
}

/*
 * Posts smartsrc's one error about its pads: the first such failure is the cause, what
 * follows (the demuxer's "Internal data stream error", other pads) is its echo, and nothing
 * is reopened, since a new source would meet the same downstream.
 */
static void fail_pad(GstSmartSrc *self, gint code, const std::string &message)
{
	if (self->state->failed.exchange(true))
		return;
	gst_element_message_full(GST_ELEMENT(self), GST_MESSAGE_ERROR, GST_CORE_ERROR, code,
				 g_strdup(message.c_str()), nullptr, __FILE__, GST_FUNCTION,
				 __LINE__);
}

/* What the pad can carry: the stream (caps, or else the pad's) in every framing its parser
 * gives. */
static std::string offered(GstPad *pad, GstCaps *stream = nullptr)
{
	g_autoptr(GstCaps) caps = stream ? gst_caps_ref(stream) : gst_pad_get_current_caps(pad);
	if (!caps)
		caps = gst_pad_query_caps(pad, nullptr);
	g_autoptr(GstCaps) framings = framingsOf(caps);
	return capsForPeople(framings);
}

static void fail_refused(GstSmartSrc *self, GstPad *pad, GstCaps *caps = nullptr)
{
	g_autoptr(GstCaps) accepted = gst_pad_peer_query_caps(pad, nullptr);
	fail_pad(self, GST_CORE_ERROR_NEGOTIATION,
		 pad_label(self, pad) + " could not link: downstream accepts "
			 + capsForPeople(accepted) + "; the source offers " + offered(pad, caps)
			 + ". Put a decoder or converter between them, or link the pad to "
			   "something that takes it.");
}

/*
 * Downstream must accept a stream's caps. The ghost pad's internal pad asks it as the caps
 * arrive, and a refusal there is only a not-negotiated returned to the parser, and from it to
 * a demuxer that calls it an "Internal data stream error". This probe on the internal pad
 * asks first, so that the error names the pad and both sides, also when the refusal is behind
 * a queue.
 */
static GstPadProbeReturn on_stream_caps(GstPad *internal, GstPadProbeInfo *info, gpointer data)
{
	auto *self = static_cast<GstSmartSrc *>(data);
	GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info);
	if (GST_EVENT_TYPE(event) != GST_EVENT_CAPS)
		return GST_PAD_PROBE_OK;
	g_autoptr(GstProxyPad) ghost = gst_proxy_pad_get_internal(GST_PROXY_PAD(internal));
	if (!ghost || !gst_pad_is_linked(GST_PAD(ghost)))
		return GST_PAD_PROBE_OK;
	GstCaps *caps;
	gst_event_parse_caps(event, &caps);
	if (gst_pad_peer_query_accept_caps(GST_PAD(ghost), caps))
		return GST_PAD_PROBE_OK;
	GST_INFO_OBJECT(self, "downstream of %s refuses %" GST_PTR_FORMAT, GST_PAD_NAME(ghost),
			caps);
	fail_refused(self, GST_PAD(ghost), caps);
	return GST_PAD_PROBE_DROP;
}

/*
 * What a push on a stream pad returned, judged: a pad nobody linked (a link that failed,
 * as gst-launch's "Delayed linking failed", or one never made) and caps downstream refused
 * are errors of smartsrc's own. An adaptive demuxer would take them for one track's trouble
 * and keep pushing the others into a muxer waiting for that track.
 */
static GstFlowReturn judge_push(GstSmartSrc *self, GstPad *ghost, GstFlowReturn ret)
{
	if (ret == GST_FLOW_NOT_LINKED) {
		bool exposed;
		{
			std::lock_guard<std::mutex> locker(self->state->lock);
			exposed = self->state->allPadsExposed;
		}
		/* An application may link each pad once all are there (no-more-pads). */
		if (!exposed) {
			GST_DEBUG_OBJECT(ghost, "not linked yet: dropping a buffer");
			return GST_FLOW_OK;
		}
		fail_pad(self, GST_CORE_ERROR_PAD,
			 pad_label(self, ghost) + " is not linked: nothing downstream takes its "
				 + offered(ghost)
				 + ". Link every video_%u and audio_%u pad to an element that "
				   "accepts it (queue ! fakesink for a stream you do not want).");
	} else if (ret == GST_FLOW_NOT_NEGOTIATED) {
		fail_refused(self, ghost);
	}
	return ret;
}

/* The ghost pad whose internal pad is being pushed to, and smartsrc; nullptr once removed. */
static GstSmartSrc *owner_of(GstObject *ghost)
{
	GstObject *element = GST_OBJECT_PARENT(ghost);
	return element && GST_IS_SMART_SRC(element) ? GST_SMART_SRC(element) : nullptr;
}

/* The chain functions of a stream ghost pad's internal pad: the push, then its judgement. */
static GstFlowReturn chain_stream(GstPad *internal, GstObject *ghost, GstBuffer *buffer)
{
	GstSmartSrc *self = owner_of(ghost);
	if (self && self->state->failed) {
		gst_buffer_unref(buffer);
		return GST_FLOW_ERROR;
	}
	GstFlowReturn ret = gst_proxy_pad_chain_default(internal, ghost, buffer);
	return self ? judge_push(self, GST_PAD(ghost), ret) : ret;
}

static GstFlowReturn chain_stream_list(GstPad *internal, GstObject *ghost, GstBufferList *list)
{
	GstSmartSrc *self = owner_of(ghost);
	if (self && self->state->failed) {
		gst_buffer_list_unref(list);
		return GST_FLOW_ERROR;
	}
	GstFlowReturn ret = gst_proxy_pad_chain_list_default(internal, ghost, list);
	return self ? judge_push(self, GST_PAD(ghost), ret) : ret;
}

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
	g_autoptr(GstProxyPad) internal = gst_proxy_pad_get_internal(GST_PROXY_PAD(ghost));
	gst_pad_add_probe(GST_PAD(internal), GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_stream_caps,
			  self, nullptr);
	gst_pad_set_chain_function(GST_PAD(internal), chain_stream);
	gst_pad_set_chain_list_function(GST_PAD(internal), chain_stream_list);
	gst_pad_set_active(ghost, TRUE);
	gst_element_add_pad(GST_ELEMENT(self), ghost);
	check_exposed(self);
}

} /* namespace sluice::smartsrc */
