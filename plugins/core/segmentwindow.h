/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The segment records of every track of one CMAF presentation: the single source both
 * manifest writers read, so HLS and DASH can never disagree.
 */

#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "media.h"

namespace sluice {

/* What the manifests say about one track (one HLS rendition, one DASH Representation). */
struct TrackDescription {
	std::string id; /* "video_0": DASH Representation@id and file name prefix */
	TrackKind kind = TrackKind::Video;
	std::string codecs; /* RFC 6381 */
	uint32_t timescale = 90000;
	uint32_t width = 0;
	uint32_t height = 0;
	Fraction frameRate; /* 0/1 when unknown */
	uint32_t sampleRate = 0;
	uint32_t channels = 0;
	std::string language = "und";
	uint64_t bandwidth = 0; /* bit/s announced; 0 = use the peak measured over the segments */
	Fraction pixelAspect {1, 1}; /* DASH @sar */
};

struct SegmentRecord {
	uint64_t number = 0; /* assigned by the window: 1, 2, ... per track, never reused */
	uint32_t period = 0; /* assigned by the window: index of the period it belongs to */
	uint64_t startTime = 0; /* tfdt, in the track timescale; one clock for all tracks */
	uint64_t duration = 0; /* in the track timescale */
	uint64_t size = 0; /* bytes of the whole segment file */
	int64_t wallClockMs = 0; /* UTC at startTime (EXT-X-PROGRAM-DATE-TIME); 0 = unknown */
};

/*
 * A period: the span between two discontinuities (a source switch, a codec change). Each one
 * has its own init segment per track. Its start is the media time, in seconds, of its first
 * segment; DASH presentationTimeOffset of a track is start * timescale.
 */
struct PeriodRecord {
	uint32_t index = 0;
	double start = 0.0;
};

enum class WindowMode {
	Live, /* sliding window of windowSize segments per track */
	Vod, /* keep every segment; the manifests end when end() is called */
};

struct WindowConfig {
	WindowMode mode = WindowMode::Live;
	uint32_t targetDurationMs = 2000;
	uint32_t windowSize = 6; /* segments kept per track in live mode; 0 = keep all */
};

/* File names, in one place so the element, the manifests and a server agree. */
std::string initSegmentName(const std::string &trackId, uint32_t period);
std::string mediaSegmentName(const std::string &trackId, uint64_t number);
/* The same segment addressed by its start time (DASH $Time$): "video_0-t180000.m4s". */
std::string mediaSegmentTimeName(const std::string &trackId, uint64_t startTime);
std::string mediaPlaylistName(const std::string &trackId);
inline constexpr const char *kMultivariantPlaylistName = "master.m3u8";
inline constexpr const char *kMpdName = "manifest.mpd";
/* Live and in memory only: the MPD whose timelines begin with their Period (MpdTimeline). */
inline constexpr const char *kMpdFromPeriodStartName = "manifest-from-period-start.mpd";
/* Live and in memory only: the MPD addressing segments by time (MpdAddressing::Time). */
inline constexpr const char *kMpdByTimeName = "manifest-by-time.mpd";

/* UTC time in ms since the Unix epoch as ISO 8601 with milliseconds: 2026-11-21T06:12:30.123Z. */
std::string formatUtcTime(int64_t ms);
/*
 * RFC 5646 language tag for an ISO 639-2 code (HLS LANGUAGE, DASH @lang): the ISO 639-1 code
 * when one exists ("eng" -> "en"), else the code unchanged ("und", "fil").
 */
std::string languageTag(const std::string &iso639);

class SegmentWindow
{
public:
	explicit SegmentWindow(const WindowConfig &config);

	/* Adds a track; returns its index. Tracks are added before their first segment. */
	size_t addTrack(const TrackDescription &track);
	/* Updates a track's description (new caps in a new period). */
	void updateTrack(size_t index, const TrackDescription &track);

	/*
	 * Appends a segment to a track, assigning its number and period. In live mode, returns
	 * the segments that fell out of the window (oldest first) so their storage can be freed.
	 */
	std::vector<SegmentRecord> append(size_t track, SegmentRecord segment);

	/* The next segment of every track starts a new period (EXT-X-DISCONTINUITY, new Period). */
	void startDiscontinuity();
	/*
	 * One track crossed a discontinuity (a new source reached it): its next segment starts a
	 * new period, or joins the one another track opened already. A track that has not
	 * crossed yet keeps adding to its old period (the old source's last segment), until it
	 * crosses or appends a segment that starts at or after the new period's start.
	 */
	void startDiscontinuity(size_t track);

	/* End of stream: manifests get EXT-X-ENDLIST / a presentation duration. */
	void end();

	const WindowConfig &config() const { return config_; }
	bool ended() const { return ended_; }
	size_t trackCount() const { return tracks_.size(); }
	const TrackDescription &track(size_t index) const { return tracks_[index].description; }
	/*
	 * The description a track had in a period it has segments in (codecs and timescale may
	 * change with a discontinuity); the current one for any other period.
	 */
	const TrackDescription &track(size_t index, uint32_t period) const;
	const std::deque<SegmentRecord> &segments(size_t index) const
	{
		return tracks_[index].segments;
	}
	/*
	 * The first segment a track had in a period that still has segments in the window, even
	 * when it has been evicted since; null when the track has none in that period.
	 */
	const SegmentRecord *firstSegment(size_t track, uint32_t period) const;
	/* Periods that still have segments in the window, oldest first. */
	const std::deque<PeriodRecord> &periods() const { return periods_; }
	const PeriodRecord *period(uint32_t index) const;

	/* UTC ms at media time 0 of the first period (DASH availabilityStartTime); 0 = unknown */
	int64_t availabilityStartTimeMs() const { return availabilityStartMs_; }
	/* Media time, in seconds, where the first period began; never changes once set. */
	double timelineOrigin() const { return timelineOrigin_; }
	/* HLS EXT-X-TARGETDURATION in seconds; constant for the life of the window. */
	uint32_t targetDurationSeconds() const;
	/* Largest segment duration in seconds seen on any track. */
	double maxSegmentDuration() const;
	/* Bandwidth of a track in bit/s: announced, or the peak segment bitrate measured. */
	uint64_t bandwidth(size_t index) const;
	/* Announced bandwidth, or the mean bitrate over all segments seen; 0 when unknown. */
	uint64_t averageBandwidth(size_t index) const;
	/* Seconds from availabilityStartTime to the last segment end (all tracks). */
	double presentationEnd() const;

private:
	struct Track {
		TrackDescription description;
		std::deque<SegmentRecord> segments;
		uint64_t nextNumber = 1;
		uint32_t period = 0; /* period its next segment belongs to */
		uint64_t peakBandwidth = 0;
		double maxDuration = 0.0;
		uint64_t totalBytes = 0; /* over every segment seen, evicted ones included */
		double totalSeconds = 0.0;
		/* (period, description) for each period the track has segments in, oldest first */
		std::deque<std::pair<uint32_t, TrackDescription>> periodDescriptions;
		/* The first segment the track had in each of those periods, evicted or not */
		std::deque<SegmentRecord> periodFirsts;
	};

	void dropEmptyPeriods();

	WindowConfig config_;
	std::vector<Track> tracks_;
	std::deque<PeriodRecord> periods_;
	uint32_t currentPeriod_ = 0;
	bool discontinuityPending_ = false;
	bool ended_ = false;
	bool started_ = false; /* a segment was appended: period currentPeriod_ exists */
	bool availabilityKnown_ = false;
	int64_t availabilityStartMs_ = 0;
	double timelineOrigin_ = 0.0;
};

} /* namespace sluice */
