/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * smartsrc: surviving a source's failures (reconnect, failover, stall) with continuous time.
 */

#include <chrono>
#include <cstring>
#include <span>

#include "smartsrcprivate.h"

#define GST_CAT_DEFAULT smartsrc_debug

namespace sluice::smartsrc {

constexpr size_t kNoCut = SIZE_MAX;

/*
 * Where, in a buffer of whole TS packets from the raw pad, the backup's next random access
 * point starts; kNoCut when it holds none. The scanner learns the PAT and PMT from the
 * packets it is fed from the moment the primary is known to be back. Called with State::lock.
 */
static size_t find_random_access(State *state, GstBuffer *buffer)
{
	GstMapInfo map;
	if (!gst_buffer_map(buffer, &map, GST_MAP_READ))
		return kNoCut;
	size_t found = kNoCut;
	for (size_t at = 0; at + kTsPacketSize <= map.size; at += kTsPacketSize) {
		if (state->rawScanner.scan(std::span<const uint8_t>(map.data + at, kTsPacketSize))
			    .randomAccess) {
			found = at;
			break;
		}
	}
	gst_buffer_unmap(buffer, &map);
	return found;
}

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

	const bool rawPad = !strcmp(GST_PAD_NAME(pad), kRawPadName);
	size_t rawCutAt = kNoCut; /* the raw buffer's bytes before the backup's cut */
	bool first = false;
	gint64 offset; /* of the current source */
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
		const gint64 now = g_get_monotonic_time();
		if (!state->sourceStartUs)
			state->sourceStartUs = now;
		else if (state->lastDataUs && now - state->sourceStartUs > G_USEC_PER_SEC)
			state->maxGapUs = std::max(state->maxGapUs, now - state->lastDataUs);
		/*
		 * Back to the primary: the backup's parsed streams end before a video keyframe
		 * (without video: now), its raw bytes before a random access point, and the
		 * primary is opened once both are cut.
		 */
		if (state->primaryUp) {
			if (rawPad && !state->rawCut) {
				rawCutAt = find_random_access(state, buffer);
				state->rawCut = rawCutAt != kNoCut;
			} else if (!rawPad && !state->cutting
				   && ((g_str_has_prefix(GST_PAD_NAME(pad), "video")
					&& !GST_BUFFER_FLAG_IS_SET(buffer,
								   GST_BUFFER_FLAG_DELTA_UNIT))
				       || !state->videoPads)) {
				state->cutting = true;
			}
			if (state->cutting && (state->rawCut || !state->findings.raw)
			    && state->running && !state->reconnectRequested && !state->ending) {
				state->returnToPrimary = true;
				state->reconnectRequested = true;
				state->reconnectReason = "the primary serves again";
				state->wake.notify_all();
			}
		}
		if (rawPad ? state->rawCut && rawCutAt == kNoCut : state->cutting)
			return GST_PAD_PROBE_DROP;
		markDiscont = state->discont.erase(GST_PAD_NAME(pad)) > 0;
		state->lastDataUs = now;
		offset = state->offset;
		/* The raw pad's bytes carry no time: they still prove the source works. */
		if (state->firstBufferPending && !GST_CLOCK_TIME_IS_VALID(runningTime)
		    && state->retry)
			state->retry->onSuccess();
		/* mode=raw: parsed streams nobody links must not stop the source. */
		drop = state->active.mode == GST_SMART_SRC_MODE_RAW && !gst_pad_is_linked(pad);
	}

	if (first && newOffset)
		GST_INFO_OBJECT(self, "new source continues at %" GST_TIME_FORMAT,
				GST_TIME_ARGS(static_cast<GstClockTime>(newOffset + runningTime)));
	/*
	 * Each pad takes the source's offset on its own first buffer, in its own thread: set
	 * from another pad's thread, it would miss a buffer already on its way (timed by the
	 * old source's offset). The segment goes again, offset applied, ahead of this buffer.
	 */
	if (gst_pad_get_offset(pad) != offset) {
		GST_DEBUG_OBJECT(pad,
				 "offset %" G_GINT64_FORMAT " from running time %" GST_TIME_FORMAT,
				 offset, GST_TIME_ARGS(runningTime));
		gst_pad_set_offset(pad, offset);
		if (GstEvent *segment = gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0)) {
			const GstSegment *s;
			gst_event_parse_segment(segment, &s);
			if (s->format == GST_FORMAT_TIME)
				gst_pad_push_event(pad, segment);
			else
				gst_event_unref(segment);
		}
	}
	if (drop) {
		GST_LOG_OBJECT(pad, "not linked: dropping %" GST_PTR_FORMAT, buffer);
		return GST_PAD_PROBE_DROP;
	}
	if (rawCutAt != kNoCut) {
		if (rawCutAt == 0)
			return GST_PAD_PROBE_DROP;
		buffer = gst_buffer_make_writable(buffer);
		gst_buffer_resize(buffer, 0, static_cast<gssize>(rawCutAt));
		GST_PAD_PROBE_INFO_DATA(info) = buffer;
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

void request_rebuild(GstSmartSrc *self, const std::string &reason)
{
	std::lock_guard<std::mutex> locker(self->state->lock);
	State *state = self->state;
	if (!state->running || state->reconnectRequested || state->ending)
		return;
	GST_INFO_OBJECT(self, "reopening: %s", reason.c_str());
	state->reconnectRequested = true;
	state->rebuildOnly = true;
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
		state->sourceStartUs = state->maxGapUs = 0;
		state->sourceEpoch++;
		state->cutting = state->primaryUp = state->rawCut = false;
		state->nextProbeUs = g_get_monotonic_time()
			+ static_cast<gint64>(state->active.primaryCheckMs) * 1000;
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

/*
 * How long the current source may send nothing before it counts as stalled; 0 = never. A
 * source that delivers in bursts (a segment at a time) gets three times its longest wait, and
 * a new HLS or DASH one 10 s to show its rhythm first. Called with State::lock.
 */
static gint64 stall_limit_us(State *state, gint64 now)
{
	const gint64 configured = static_cast<gint64>(state->active.stallTimeoutMs) * 1000;
	if (!configured)
		return 0;
	gint64 limit = std::max(configured, 3 * state->maxGapUs);
	if (state->findings.adaptive && now - state->sourceStartUs < 10 * G_USEC_PER_SEC)
		limit = std::max<gint64>(limit, 10 * G_USEC_PER_SEC);
	return limit;
}

/* Asks, in its own thread, whether the primary serves again. Called with State::lock. */
static void start_probe(GstSmartSrc *self, std::unique_lock<std::mutex> &lock)
{
	State *state = self->state;
	state->probing = true;
	ProbeSpec spec {state->uris.front(), state->active.userAgent, state->active.extraHeaders};
	std::thread previous = std::move(state->probe);
	lock.unlock();
	if (previous.joinable())
		previous.join(); /* finished: probing was false */
	lock.lock();
	state->probeCancel = false;
	state->probe = std::thread([self, spec] {
		bool up = probe_source(spec, self->state->probeCancel);
		std::lock_guard<std::mutex> locker(self->state->lock);
		State *s = self->state;
		s->probing = false;
		/* Still on a backup, and not reconnecting meanwhile? */
		if (up && s->running && s->retry && s->retry->current() != 0
		    && !s->reconnectRequested && !s->ending) {
			GST_INFO_OBJECT(self, "the primary %s serves again", spec.uri.c_str());
			s->primaryUp = true;
			s->primaryUpUs = g_get_monotonic_time();
			s->rawScanner.reset();
		}
	});
}

/*
 * Waits for reconnect requests, sleeps the backoff, reconnects. Polls four times a second for
 * a stalled source and, on a backup, for the time to ask whether the primary is back.
 */
static void worker_loop(GstSmartSrc *self)
{
	State *state = self->state;
	std::unique_lock<std::mutex> lock(state->lock);
	const bool polling = state->active.stallTimeoutMs > 0 || state->active.primaryCheckMs > 0;
	const gint64 checkUs = static_cast<gint64>(state->active.primaryCheckMs) * 1000;
	for (;;) {
		auto requested = [state] {
			return !state->running || state->reconnectRequested;
		};
		if (polling)
			state->wake.wait_for(lock, std::chrono::milliseconds(250), requested);
		else
			state->wake.wait(lock, requested);
		if (!state->running)
			return;
		const gint64 now = g_get_monotonic_time();
		const bool steady
			= !state->reconnectRequested && !state->ending && state->lastDataUs;
		/*
		 * A source that keeps its connection open and sends nothing is as gone as one
		 * that failed: once data has flowed, the stall limit without a buffer reconnects.
		 */
		const gint64 stallUs = stall_limit_us(state, now);
		/* A VOD source that pauses (downstream is full, or PAUSED) has not failed:
		 * reopening it would start it over. */
		const bool vod = state->classified && !state->live;
		if (steady && stallUs && !state->failed && !vod
		    && now - state->lastDataUs > stallUs) {
			state->reconnectRequested = true;
			state->reconnectReason
				= "no data for " + std::to_string(stallUs / 1000) + " ms";
			GST_INFO_OBJECT(self, "source stalled");
		}
		/* On a backup that plays: is the primary back? */
		if (steady && checkUs && state->retry->current() != 0 && !state->probing
		    && !state->primaryUp && now >= state->nextProbeUs) {
			state->nextProbeUs = now + checkUs;
			start_probe(self, lock);
		}
		/* A return waits for a keyframe, but not for ever (a long GOP, a stuck pad). */
		if (state->primaryUp && !state->reconnectRequested
		    && now - state->primaryUpUs > 5 * G_USEC_PER_SEC) {
			state->cutting = state->rawCut = true;
			state->returnToPrimary = state->reconnectRequested = true;
			state->reconnectReason = "the primary serves again";
		}
		if (!state->reconnectRequested)
			continue;
		RetryDecision decision;
		if (state->rebuildOnly) {
			state->rebuildOnly = false;
			decision.uriIndex = state->retry->current();
		} else if (state->returnToPrimary) {
			state->returnToPrimary = false;
			state->retry->reset();
			decision.uriIndex = 0;
			decision.switched = true;
		} else {
			decision = state->retry->onFailure();
		}
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
	state->probeCancel = true;
	if (state->probe.joinable())
		state->probe.join();
	std::lock_guard<std::mutex> locker(state->lock);
	state->probing = state->primaryUp = state->cutting = state->returnToPrimary = false;
	state->rawCut = false;
}

} /* namespace sluice::smartsrc */
