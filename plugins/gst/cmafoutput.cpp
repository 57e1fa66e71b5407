/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The output side of cmafsink: segment window, manifests, memory and disk retention.
 */

#include "cmafoutput.h"

#include <algorithm>
#include <cerrno>
#include <cmath>

#include <glib/gstdio.h>

#include "dash.h"
#include "hls.h"

namespace sluice {

namespace {

/*
 * GStreamer's adaptivedemux2 (1.22) leaves buffering, and so lets a player start, only once
 * each track of a DASH stream holds max-buffering-time of media (30 s by default): for DASH
 * it has no smaller recommended threshold, as it has for HLS (1.5 segments). Started the
 * usual three target durations behind the live edge, it then waits ~24 s for the rest to be
 * made in real time, and plays 30 s behind the edge anyway. Started this much further back,
 * it finds the 30 s already made and plays at once, as far behind the edge as it would have.
 */
constexpr double kDashdemux2BufferingS = 30.0;

} /* namespace */

bool CmafOutput::start(const OutputConfig &config, std::string &error)
{
	if (!config.location.empty()
	    && (g_mkdir_with_parents(config.location.c_str(), 0755) != 0
		|| g_access(config.location.c_str(), W_OK) != 0)) {
		error = g_strerror(errno);
		return false;
	}

	std::lock_guard<std::mutex> locker(lock_);
	config_ = config;
	window_ = std::make_unique<SegmentWindow>(config.window);
	deepWindow_.reset();
	if (aliasesInMemory()) {
		WindowConfig deep = config.window;
		if (deep.windowSize)
			deep.windowSize = std::max(deep.windowSize, deepWindowSize());
		deepWindow_ = std::make_unique<SegmentWindow>(deep);
	}
	tracks_.clear();
	store_.clear();
	return true;
}

size_t CmafOutput::setTrack(size_t index, const TrackDescription &description,
			    std::vector<uint8_t> init)
{
	std::lock_guard<std::mutex> locker(lock_);
	if (index == SIZE_MAX) {
		index = window_->addTrack(description);
		tracks_.resize(index + 1);
		if (deepWindow_)
			deepWindow_->addTrack(description);
	} else {
		window_->updateTrack(index, description);
		if (deepWindow_)
			deepWindow_->updateTrack(index, description);
	}
	tracks_[index].init = std::move(init);
	tracks_[index].initPeriod = UINT32_MAX;
	return index;
}

void CmafOutput::startDiscontinuity(size_t track)
{
	std::lock_guard<std::mutex> locker(lock_);
	if (track == SIZE_MAX || track >= tracks_.size()) {
		window_->startDiscontinuity();
		if (deepWindow_)
			deepWindow_->startDiscontinuity();
		for (Track &t : tracks_)
			t.initPeriod = UINT32_MAX;
		return;
	}
	window_->startDiscontinuity(track);
	if (deepWindow_)
		deepWindow_->startDiscontinuity(track);
	tracks_[track].initPeriod = UINT32_MAX;
}

bool CmafOutput::publish(const std::string &name, GRef<GstBufferList> data, std::string &error)
{
	if (!config_.location.empty()
	    && !writeFileAtomic(config_.location, name, data.get(), error))
		return false;
	store_.put(name, std::move(data));
	return true;
}

bool CmafOutput::publishManifests(size_t changed, std::string &error)
{
	const SegmentWindow &window = *window_;
	for (size_t i = 0; i < window.trackCount(); i++) {
		if (window.segments(i).empty() || (changed != SIZE_MAX && i != changed))
			continue;
		if (!publish(mediaPlaylistName(window.track(i).id),
			     bufferListFromBytes(renderMediaPlaylist(window, i)), error))
			return false;
	}
	const int64_t nowMs = g_get_real_time() / 1000;
	if (!publish(kMultivariantPlaylistName,
		     bufferListFromBytes(renderMultivariantPlaylist(window)), error)
	    || !publish(kMpdName, bufferListFromBytes(renderMpd(window, nowMs)), error))
		return false;
	/* For a server to hand to GStreamer's dashdemux2 and FFmpeg; not written to disk. */
	if (aliasesInMemory()) {
		store_.put(kMpdFromPeriodStartName,
			   bufferListFromBytes(renderMpd(*deepWindow_, nowMs,
							 MpdTimeline::FromPeriodStart,
							 MpdAddressing::Number, deepDelay())));
		store_.put(kMpdByTimeName,
			   bufferListFromBytes(renderMpd(window, nowMs, MpdTimeline::Window,
							 MpdAddressing::Time)));
	}
	return true;
}

/*
 * Live disk retention: max-files segments per track, never fewer than the window plus one (0 =
 * two windows, so a segment outlives its playlist entry as RFC 8216 6.2.2 asks). SIZE_MAX when
 * nothing is deleted: VOD, an unbounded window, or no files at all.
 */
size_t CmafOutput::keepOnDisk() const
{
	const size_t window = config_.window.windowSize;
	if (config_.window.mode == WindowMode::Vod || window == 0 || config_.location.empty())
		return SIZE_MAX;
	return config_.maxFiles ? std::max<size_t>(config_.maxFiles, window + 1) : 2 * window;
}

/* Live in memory: served to clients that need other names (see kMpdByTimeName). */
bool CmafOutput::aliasesInMemory() const
{
	return config_.location.empty() && config_.window.mode == WindowMode::Live;
}

/*
 * Memory keeps two live windows, for the same reason, and every segment the deep MPD lists
 * plus the one it dropped last. VOD keeps everything in memory, unless it goes to disk: then
 * the files are the output, and holding every segment a second time only churns the heap
 * (measured: 40% more system time repackaging 600 MB).
 */
size_t CmafOutput::keepInMemory() const
{
	const size_t window = config_.window.windowSize;
	if (config_.window.mode == WindowMode::Vod)
		return config_.location.empty() ? SIZE_MAX : 0;
	if (!window)
		return SIZE_MAX;
	return aliasesInMemory() ? std::max<size_t>(2 * window, deepWindowSize() + 1) : 2 * window;
}

/* Seconds the deep MPD asks dashdemux2 to stay behind the live edge: see kDashdemux2BufferingS. */
double CmafOutput::deepDelay() const
{
	const uint32_t target
		= std::max<uint32_t>(1, (config_.window.targetDurationMs + 999) / 1000);
	return 3.0 * target + kDashdemux2BufferingS;
}

/*
 * Segments the deep MPD lists: its delay and two more, so that the segment a client starts in
 * is listed even when the newest one has just been made.
 */
uint32_t CmafOutput::deepWindowSize() const
{
	const uint32_t target
		= std::max<uint32_t>(1, (config_.window.targetDurationMs + 999) / 1000);
	return static_cast<uint32_t>(std::ceil(deepDelay() / target)) + 2;
}

bool CmafOutput::addSegment(size_t index, const SegmentRecord &record, GRef<GstBufferList> data,
			    PublishedSegment &out, std::string &error)
{
	std::lock_guard<std::mutex> locker(lock_);
	SegmentWindow &window = *window_;
	Track &track = tracks_[index];
	const std::string &id = window.track(index).id;

	/* Retention counts segments itself: the window only forgets what it evicts. */
	window.append(index, record);
	if (deepWindow_)
		deepWindow_->append(index, record);
	const SegmentRecord &added = window.segments(index).back();
	out.number = added.number;
	out.period = added.period;
	out.name = mediaSegmentName(id, added.number);
	out.location = config_.location.empty() ? std::string() : config_.location + "/" + out.name;

	if (added.period != track.initPeriod) {
		auto init = bufferListFromBytes(
			{reinterpret_cast<const char *>(track.init.data()), track.init.size()});
		if (!publish(initSegmentName(id, added.period), std::move(init), error))
			return false;
		track.initPeriod = added.period;
	}

	/* Room first, so that at no moment more than keepOnDisk() files are there. */
	for (size_t keep = keepOnDisk(); track.onDisk.size() >= keep;) {
		removeFile(config_.location, track.onDisk.front());
		track.onDisk.pop_front();
	}
	/* The same bytes under the name by time, for the MPD that addresses them so. */
	const std::string timeName = mediaSegmentTimeName(id, added.startTime);
	if (aliasesInMemory())
		store_.put(timeName, data);
	if (!publish(out.name, std::move(data), error))
		return false;
	if (!config_.location.empty())
		track.onDisk.push_back(out.name);
	track.inMemory.push_back(out.name);
	if (aliasesInMemory())
		track.inMemory.push_back(timeName);
	const size_t segments = keepInMemory();
	const size_t names = aliasesInMemory() ? 2 : 1;
	for (size_t keep = segments == SIZE_MAX ? SIZE_MAX : segments * names;
	     track.inMemory.size() > keep;) {
		store_.remove(track.inMemory.front());
		track.inMemory.pop_front();
	}

	double seconds = static_cast<double>(record.duration)
		/ std::max<uint32_t>(window.track(index).timescale, 1);
	out.overlong = config_.window.mode == WindowMode::Live
		&& std::llround(seconds) > window.targetDurationSeconds();

	/*
	 * VOD manifests are written once, complete, at the end. Live, a segment changes its own
	 * track's playlist (every other one depends only on its own segments), the master
	 * playlist's bandwidths and the MPD.
	 */
	return config_.window.mode == WindowMode::Vod || publishManifests(index, error);
}

bool CmafOutput::finish(std::string &error)
{
	std::lock_guard<std::mutex> locker(lock_);
	window_->end();
	if (deepWindow_)
		deepWindow_->end();
	return publishManifests(SIZE_MAX, error);
}

} /* namespace sluice */
