/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * DASH MPD (ISO/IEC 23009-1, DASH-IF IOP live profile) rendered from a SegmentWindow.
 */

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "segmentwindow.h"

namespace sluice {

/*
 * Live mode: a dynamic isoff-live MPD (fixed availabilityStartTime, publishTime = nowMs,
 * minimumUpdatePeriod, timeShiftBufferDepth, UTCTiming, one Period per period in the window,
 * one AdaptationSet per media type, SegmentTemplate + SegmentTimeline + $Number$). After end()
 * a live MPD becomes static (DASH-IF IOP 4.6) over the segments still in the window.
 * VOD mode: a static MPD with mediaPresentationDuration.
 *
 * The <MPD ...> start tag is kept within the first 512 bytes so GStreamer 1.22's typefinder
 * recognises it.
 */
enum class MpdTimeline {
	Window, /* a live SegmentTimeline lists the segments in the window */
	/*
	 * A live SegmentTimeline begins where its Period does: the segments evicted since are
	 * listed too, summarised in two S elements (same count, same total duration), and are
	 * outside timeShiftBufferDepth, so they are never requested. For GStreamer's dashdemux2
	 * (1.22 at least), which adds the first listed segment's Period time to every seek in a
	 * timeline and so asks for segments far in the future of a timeline that starts later.
	 */
	FromPeriodStart,
};

/* How SegmentTemplate@media names a segment. */
enum class MpdAddressing {
	Number, /* $Number$: the names HLS uses too (mediaSegmentName) */
	/*
	 * $Time$, no startNumber (mediaSegmentTimeName): for FFmpeg's DASH reader (5.1 at
	 * least), which uses a segment's index in the timeline as its $Number$ when it re-reads
	 * a live MPD, and so re-reads or skips segments once the window has slid.
	 */
	Time,
};

/*
 * presentationDelay: seconds a live client is asked to stay behind the live edge
 * (suggestedPresentationDelay; timeShiftBufferDepth is never less); 0 = three target durations.
 */
std::string renderMpd(const SegmentWindow &window, int64_t nowMs,
		      MpdTimeline timeline = MpdTimeline::Window,
		      MpdAddressing addressing = MpdAddressing::Number,
		      double presentationDelay = 0);

/*
 * The MPD with the value of its urn:mpeg:dash:utc:direct:2014 UTCTiming set to nowMs (Unix
 * ms). An MPD held in memory and served later must give the time it is served, not the time
 * it was written, or clients that sync their clock to it (dash.js) run behind. Unchanged
 * when there is no such element.
 */
std::string restampUtcTiming(std::string_view mpd, int64_t nowMs);

/*
 * The MPD with a <BaseURL> of baseUrl as its first child after any ProgramInformation (the
 * order the schema asks for), so its relative segment templates resolve under baseUrl.
 * Unchanged when there is no MPD element.
 */
std::string addMpdBaseUrl(std::string_view mpd, std::string_view baseUrl);

} /* namespace sluice */
