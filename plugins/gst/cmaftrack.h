/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Cuts one track's samples into CMAF fragments on a time grid shared by all tracks.
 */

#pragma once

#include <cstdint>
#include <vector>

#include <gst/gst.h>

#include "media.h"

namespace sluice {

/* A sample waiting for its fragment to close. Times are nanoseconds of running time. */
struct PendingSample {
	GstBuffer *buffer = nullptr; /* owned; exactly the bytes that go into mdat */
	int64_t dts = 0;
	int64_t pts = 0;
	int64_t duration = -1; /* -1 when the buffer had none */
	bool sync = false;
};

/* A closed fragment: sample table plus the sample data, ready for writeFragmentHeader(). */
struct Fragment {
	uint64_t baseMediaDecodeTime = 0; /* track timescale */
	uint64_t duration = 0; /* track timescale */
	int64_t startPts = 0; /* ns of running time of the first sample's presentation */
	int64_t durationNs = 0;
	std::vector<SampleInfo> samples; /* reused from fragment to fragment */
	GstBufferList *buffers = nullptr; /* owned by whoever takes the fragment */
	uint64_t dataSize = 0;
};

/*
 * Segmenter of one track. Every track cuts on the same grid, origin + k * target, so that
 * audio and video segments line up when the encoder makes keyframes at the grid points (which
 * cmafsink asks it to). Video cuts only on a sync sample at or past a grid point; audio on the
 * sample nearest to it.
 *
 * Times are on the media clock the element gives (one clock for all tracks, never negative),
 * decode time = dts and composition offset = pts - dts >= 0. Negative offsets (trun v1 with
 * the decode times shifted) would save a constant, but ffmpeg's demuxer then delays the whole
 * track by the largest negative offset, so A/V sync would differ between players. Only the
 * streaming thread of the track's pad touches it.
 */
class TrackSegmenter
{
public:
	TrackSegmenter() = default;
	TrackSegmenter(const TrackSegmenter &) = delete;
	TrackSegmenter &operator=(const TrackSegmenter &) = delete;
	~TrackSegmenter() { reset(); }

	void configure(TrackKind kind, uint32_t timescale, int64_t targetNs);

	/*
	 * Adds a sample (takes ownership of its buffer). Returns true when it closed the fragment
	 * before it; the fragment is then in out and the sample starts the next one. A video
	 * track drops samples until the first sync sample: wantsKeyframe() tells.
	 */
	bool push(PendingSample sample, int64_t originNs, Fragment &out);

	/* Closes the open fragment (EOS, discontinuity). Returns false when nothing was open. */
	bool flush(Fragment &out);

	/* Drops everything pending (flush, new period). */
	void reset();

	bool empty() const { return pending_.empty(); }
	bool wantsKeyframe() const { return kind_ == TrackKind::Video && pending_.empty(); }
	/* Running time of the next cut point; -1 before the first sample. */
	int64_t nextBoundary() const { return nextBoundary_; }
	uint64_t droppedSamples() const { return dropped_; }

private:
	uint64_t toTimescale(int64_t ns) const;
	void close(int64_t endDts, Fragment &out);

	TrackKind kind_ = TrackKind::Video;
	uint32_t timescale_ = 90000;
	int64_t targetNs_ = 2 * GST_SECOND;

	std::vector<PendingSample> pending_;
	int64_t nextBoundary_ = -1;
	int64_t lastDts_ = INT64_MIN;
	int64_t lastDuration_ = -1;
	uint64_t dropped_ = 0;
};

} /* namespace sluice */
