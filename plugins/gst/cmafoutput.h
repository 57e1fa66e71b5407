/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The output side of cmafsink: segment window, manifests, memory and disk retention.
 */

#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gst/gst.h>

#include "cmafstore.h"
#include "gref.h"
#include "segmentwindow.h"

namespace sluice {

struct OutputConfig {
	std::string location; /* directory; empty = in memory only */
	WindowConfig window;
	uint32_t maxFiles = 0; /* live: segments per track on disk; 0 = two windows */
};

/* What became of one segment. */
struct PublishedSegment {
	std::string name;
	std::string location; /* full path; empty when in memory only */
	uint64_t number = 0;
	uint32_t period = 0;
	/* Live: it rounds to more than EXT-X-TARGETDURATION (keyframes too far apart). */
	bool overlong = false;
};

/*
 * Takes finished segments and keeps everything a player reads consistent: the segment window,
 * the playlists and MPD rendered from it, the init segment of each period, the in-memory
 * resources and their files, and what retention drops. Errors come back as messages naming
 * the file; the element turns them into element errors.
 *
 * Thread-safe: streaming threads of all tracks call in when a segment closes; readers of
 * resource() only take the store's own lock. Lock order: lock_, then the store's lock.
 */
class CmafOutput
{
public:
	/* Resets everything for a new run; creates the directory. error names the path. */
	bool start(const OutputConfig &config, std::string &error);

	/*
	 * Registers a track (index SIZE_MAX) or describes it anew (new caps); returns its index.
	 * init is its CMAF header, published with the track's next segment.
	 */
	size_t setTrack(size_t index, const TrackDescription &description,
			std::vector<uint8_t> init);

	/*
	 * A track reached a new stream: its next segment starts a new period (new init,
	 * discontinuity) or joins the one another track started (SegmentWindow); SIZE_MAX (a
	 * track not in the window yet): every track's next segment does.
	 */
	void startDiscontinuity(size_t track);

	/* data: the segment's bytes (header buffer first, then the samples' buffers). */
	bool addSegment(size_t track, const SegmentRecord &record, GRef<GstBufferList> data,
			PublishedSegment &out, std::string &error);

	/* End of stream: the manifests get their final form. */
	bool finish(std::string &error);

	/* A resource by file name ("master.m3u8", "video_0-3.m4s"); empty when not held. */
	GRef<GstBufferList> resource(const std::string &name) const { return store_.get(name); }

private:
	struct Track {
		std::vector<uint8_t> init;
		uint32_t initPeriod = UINT32_MAX; /* period whose init is published */
		std::deque<std::string> onDisk; /* media segments written, oldest first */
		std::deque<std::string> inMemory;
	};

	bool publish(const std::string &name, GRef<GstBufferList> data, std::string &error);
	/* The playlist of track changed (SIZE_MAX: of every track), the master playlist, the MPD.
	 */
	bool publishManifests(size_t changed, std::string &error);
	size_t keepOnDisk() const;
	size_t keepInMemory() const;
	bool aliasesInMemory() const;
	double deepDelay() const;
	uint32_t deepWindowSize() const;

	std::mutex lock_; /* guards everything below except store_ */
	OutputConfig config_;
	std::unique_ptr<SegmentWindow> window_;
	/*
	 * Live in memory: the same segments over a longer window, for the MPD GStreamer's
	 * dashdemux2 gets (kMpdFromPeriodStartName), which starts it far enough behind the live
	 * edge to find the media it waits for before it plays. Fed exactly as window_ is, so
	 * numbers and periods agree.
	 */
	std::unique_ptr<SegmentWindow> deepWindow_;
	std::vector<Track> tracks_;

	ResourceStore store_;
};

} /* namespace sluice */
