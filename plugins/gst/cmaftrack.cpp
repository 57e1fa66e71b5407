/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Cuts one track's samples into CMAF fragments on a time grid shared by all tracks.
 */

#include "cmaftrack.h"

#include <algorithm>

namespace sluice {

namespace {

/* Tolerance around a grid point: half a sample, so the sample nearest to it starts the cut. */
int64_t tolerance(const PendingSample &s)
{
	return s.duration > 0 ? s.duration / 2 : 5 * GST_MSECOND;
}

} /* namespace */

void TrackSegmenter::configure(TrackKind kind, uint32_t timescale, int64_t targetNs)
{
	kind_ = kind;
	timescale_ = timescale;
	targetNs_ = targetNs;
	pending_.reserve(512);
}

uint64_t TrackSegmenter::toTimescale(int64_t ns) const
{
	return gst_util_uint64_scale_round(static_cast<uint64_t>(std::max<int64_t>(ns, 0)),
					   timescale_, GST_SECOND);
}

bool TrackSegmenter::push(PendingSample sample, int64_t originNs, Fragment &out)
{
	if (pending_.empty() && kind_ == TrackKind::Video && !sample.sync) {
		/* A segment never starts without a keyframe. */
		gst_buffer_unref(sample.buffer);
		dropped_++;
		return false;
	}

	/* Decode times must grow strictly; a source that goes backwards is held at +1 tick. */
	int64_t minStep = GST_SECOND / timescale_ + 1;
	if (lastDts_ != INT64_MIN && sample.dts < lastDts_ + minStep)
		sample.dts = lastDts_ + minStep;
	lastDts_ = sample.dts;
	if (sample.duration > 0)
		lastDuration_ = sample.duration;

	bool closed = false;
	if (!pending_.empty() && (kind_ == TrackKind::Audio || sample.sync)
	    && sample.pts + tolerance(sample) >= nextBoundary_) {
		close(sample.dts, out);
		closed = true;
	}

	if (pending_.empty()) {
		int64_t at = sample.pts + tolerance(sample) - originNs;
		int64_t k = at >= 0 ? at / targetNs_ + 1 : 1;
		nextBoundary_ = originNs + k * targetNs_;
	}
	pending_.push_back(sample);
	return closed;
}

bool TrackSegmenter::flush(Fragment &out)
{
	if (pending_.empty())
		return false;

	const PendingSample &last = pending_.back();
	int64_t duration = last.duration > 0 ? last.duration : lastDuration_;
	if (duration <= 0 && pending_.size() > 1)
		duration = (last.dts - pending_.front().dts)
			/ static_cast<int64_t>(pending_.size() - 1);
	if (duration <= 0)
		duration = 20 * GST_MSECOND;
	close(last.dts + duration, out);
	return true;
}

void TrackSegmenter::close(int64_t endDts, Fragment &out)
{
	const size_t n = pending_.size();
	out.samples.clear();
	out.samples.reserve(n);
	out.buffers = gst_buffer_list_new_sized(n + 1);
	out.dataSize = 0;

	uint64_t decodeTime = toTimescale(pending_[0].dts);
	out.baseMediaDecodeTime = decodeTime;
	out.startPts = pending_[0].pts;

	for (size_t i = 0; i < n; i++) {
		PendingSample &s = pending_[i];
		int64_t nextDts = i + 1 < n ? pending_[i + 1].dts : endDts;
		uint64_t nextDecodeTime = toTimescale(nextDts);
		uint32_t size = gst_buffer_get_size(s.buffer);

		SampleInfo info;
		info.size = size;
		info.duration = static_cast<uint32_t>(nextDecodeTime - decodeTime);
		info.compositionOffset
			= static_cast<int32_t>(static_cast<int64_t>(toTimescale(s.pts))
					       - static_cast<int64_t>(decodeTime));
		info.sync = kind_ == TrackKind::Audio || s.sync;
		out.samples.push_back(info);
		out.dataSize += size;

		gst_buffer_list_add(out.buffers, s.buffer); /* transfers the reference */
		s.buffer = nullptr;
		decodeTime = nextDecodeTime;
	}

	out.duration = decodeTime - out.baseMediaDecodeTime;
	out.durationNs = static_cast<int64_t>(
		gst_util_uint64_scale_round(out.duration, GST_SECOND, timescale_));
	pending_.clear();
}

void TrackSegmenter::reset()
{
	for (PendingSample &s : pending_) {
		if (s.buffer)
			gst_buffer_unref(s.buffer);
	}
	pending_.clear();
	nextBoundary_ = -1;
	lastDts_ = INT64_MIN;
	lastDuration_ = -1;
}

} /* namespace sluice */
