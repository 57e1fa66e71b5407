/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * smartsrc: surviving a source's failures (reconnect, failover, stall) with continuous time.
 */

#include <chrono>

#include "smartsrcprivate.h"

#define GST_CAT_DEFAULT smartsrc_debug

namespace sluice::smartsrc {

/*
 * Keeps running time growing across sources: the first buffer of a new source sets one pad
 * offset for all pads (so A/V stay in step) that puts it right after the last data out; it
 * and the first buffer of every pad after a switch are marked DISCONT.
 */
GstPadProbeReturn on_ghost_buffer(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	auto *self = static_cast<GstSmartSrc *>(data);
	State *state = self->state;
	GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER(info);
	GstClockTime pts
		= GST_BUFFER_PTS_IS_VALID(buffer) ? GST_BUFFER_PTS(buffer) : GST_BUFFER_DTS(buffer);

	GstClockTime runningTime = GST_CLOCK_TIME_NONE;
	if (GstEvent *event = gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0)) {
		const GstSegment *segment;
		gst_event_parse_segment(event, &segment);
		if (segment->format == GST_FORMAT_TIME && GST_CLOCK_TIME_IS_VALID(pts))
			runningTime = gst_segment_to_running_time(segment, GST_FORMAT_TIME, pts);
		gst_event_unref(event);
	}

	bool first = false;
	bool markDiscont;
	bool drop;
	gint64 newOffset = 0;
	{
		std::lock_guard<std::mutex> locker(state->lock);
		if (state->firstBufferPending && GST_CLOCK_TIME_IS_VALID(runningTime)) {
			state->firstBufferPending = false;
			first = true;
			if (runningTime + state->offset < state->lastEnd)
				state->offset = state->lastEnd - runningTime;
			newOffset = state->offset;
			if (state->retry)
				state->retry->onSuccess();
		}
		if (GST_CLOCK_TIME_IS_VALID(runningTime)) {
			GstClockTime duration = GST_BUFFER_DURATION_IS_VALID(buffer)
				? GST_BUFFER_DURATION(buffer)
				: 0;
			state->lastEnd = std::max<GstClockTime>(
				state->lastEnd, runningTime + state->offset + duration);
		}
		markDiscont = state->discont.erase(GST_PAD_NAME(pad)) > 0;
		state->lastDataUs = g_get_monotonic_time();
		/* The raw pad's bytes carry no time: they still prove the source works. */
		if (state->firstBufferPending && !GST_CLOCK_TIME_IS_VALID(runningTime)
		    && state->retry)
			state->retry->onSuccess();
		/* mode=raw: parsed streams nobody links must not stop the source. */
		drop = state->active.mode == GST_SMART_SRC_MODE_RAW && !gst_pad_is_linked(pad);
	}

	if (first && newOffset) {
		GST_INFO_OBJECT(self, "new source continues at %" GST_TIME_FORMAT,
				GST_TIME_ARGS(static_cast<GstClockTime>(newOffset + runningTime)));
		GstIterator *it = gst_element_iterate_src_pads(GST_ELEMENT(self));
		GValue item = G_VALUE_INIT;
		while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
			gst_pad_set_offset(GST_PAD(g_value_get_object(&item)), newOffset);
			g_value_reset(&item);
		}
		g_value_unset(&item);
		gst_iterator_free(it);
	}
	if (drop) {
		GST_LOG_OBJECT(pad, "not linked: dropping %" GST_PTR_FORMAT, buffer);
		return GST_PAD_PROBE_DROP;
	}
	if (markDiscont) {
		buffer = gst_buffer_make_writable(buffer);
		GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_DISCONT);
		GST_PAD_PROBE_INFO_DATA(info) = buffer;
	}
	return GST_PAD_PROBE_OK;
}

/* Asks the worker to reconnect (ignored while one is pending or when stopping). */
void request_reconnect(GstSmartSrc *self, const std::string &reason)
{
	std::lock_guard<std::mutex> locker(self->state->lock);
	State *state = self->state;
	if (!state->running || state->reconnectRequested || state->ending || state->failed)
		return;
	GST_INFO_OBJECT(self, "reconnecting: %s", reason.c_str());
	state->reconnectRequested = true;
	state->reconnectReason = reason;
	state->wake.notify_all();
}

/*
 * Opens the next source the retry policy chose: the old children go, the external pads stay
 * and are retargeted as the new source exposes its streams. Worker thread.
 */
static void reconnect(GstSmartSrc *self, const RetryDecision &decision, const std::string &reason)
{
	State *state = self->state;
	remove_children(self);

	std::string uri, previous;
	{
		std::lock_guard<std::mutex> locker(state->lock);
		previous = state->currentUri;
		uri = state->currentUri = state->uris[decision.uriIndex];
		reset_source_state(state);
		state->lastDataUs = 0;
		state->firstBufferPending = true;
		state->discont.clear();
		for (GList *l = GST_ELEMENT(self)->srcpads; l; l = l->next)
			state->discont.insert(GST_PAD_NAME(l->data));
		/* Failures of the children just removed are old news; new ones count. */
		state->reconnectRequested = false;
	}

	gst_element_post_message(
		GST_ELEMENT(self),
		gst_message_new_element(
			GST_OBJECT(self),
			gst_structure_new("smartsrc-source-switched", "uri", G_TYPE_STRING,
					  uri.c_str(), "previous-uri", G_TYPE_STRING,
					  previous.c_str(), "reason", G_TYPE_STRING, reason.c_str(),
					  "attempt", G_TYPE_UINT, decision.attempt, "switched",
					  G_TYPE_BOOLEAN, decision.switched, nullptr)));

	std::string error;
	if (!build_children(self, uri, error)) {
		GST_ELEMENT_WARNING(self, RESOURCE, NOT_FOUND, ("%s", error.c_str()), (nullptr));
		request_reconnect(self, error);
		return;
	}
	GList *children = g_list_copy_deep(GST_BIN_CHILDREN(self),
					   reinterpret_cast<GCopyFunc>(gst_object_ref), nullptr);
	for (GList *l = children; l; l = l->next)
		gst_element_sync_state_with_parent(GST_ELEMENT(l->data));
	g_list_free_full(children, gst_object_unref);
}

/* Waits for reconnect requests, sleeps the backoff, reconnects. */
static void worker_loop(GstSmartSrc *self)
{
	State *state = self->state;
	std::unique_lock<std::mutex> lock(state->lock);
	const gint64 stallUs = static_cast<gint64>(state->active.stallTimeoutMs) * 1000;
	for (;;) {
		/*
		 * A source that keeps its connection open and sends nothing is as gone as one
		 * that failed: once data has flowed, stall-timeout without a buffer reconnects.
		 */
		auto requested = [state] {
			return !state->running || state->reconnectRequested;
		};
		if (stallUs > 0) {
			state->wake.wait_for(lock, std::chrono::microseconds(stallUs / 4),
					     requested);
			/* A VOD source that pauses (downstream is full, or PAUSED) has not
			 * failed: reopening it would start it over. */
			const bool vod = state->classified && !state->live;
			if (state->running && !state->reconnectRequested && !state->ending
			    && !state->failed && !vod && state->lastDataUs
			    && g_get_monotonic_time() - state->lastDataUs > stallUs) {
				state->reconnectRequested = true;
				state->reconnectReason = "no data for "
					+ std::to_string(state->active.stallTimeoutMs) + " ms";
				GST_INFO_OBJECT(self, "source stalled");
			}
		} else {
			state->wake.wait(lock, requested);
		}
		if (!state->running)
			return;
		if (!state->reconnectRequested)
			continue;
		RetryDecision decision = state->retry->onFailure();
		std::string reason = state->reconnectReason;
		GST_INFO_OBJECT(self, "retry %u of %s in %u ms (%s)", decision.attempt,
				state->uris[decision.uriIndex].c_str(), decision.delayMs,
				reason.c_str());
		state->wake.wait_for(lock, std::chrono::milliseconds(decision.delayMs),
				     [state] { return !state->running; });
		if (!state->running)
			return;
		if (state->ending || state->failed) {
			/* The application ended the stream while we waited, or smartsrc failed
			 * for good: nothing to reopen. */
			state->reconnectRequested = false;
			continue;
		}
		lock.unlock();
		reconnect(self, decision, reason);
		lock.lock();
	}
}

void start_worker(GstSmartSrc *self)
{
	std::lock_guard<std::mutex> locker(self->state->lock);
	if (self->state->running)
		return;
	self->state->running = true;
	self->state->worker = std::thread(worker_loop, self);
}

void stop_worker(GstSmartSrc *self)
{
	State *state = self->state;
	{
		std::lock_guard<std::mutex> locker(state->lock);
		state->running = false;
		state->wake.notify_all();
	}
	if (state->worker.joinable())
		state->worker.join();
}

} /* namespace sluice::smartsrc */
