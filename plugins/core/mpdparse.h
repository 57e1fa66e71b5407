/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * DASH MPD reader for manifests from outside sources: what is offered, not how to fetch it.
 */

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

struct MpdRepresentation {
	std::string id, mimeType, codecs;
	uint64_t bandwidth = 0; /* bits/s, 0 when absent */
	uint32_t width = 0, height = 0;
	double frameRate = 0; /* 0 when absent; "30000/1001" is 29.97... */
	uint32_t audioSamplingRate = 0; /* the first value when a range is given */
	std::string lang; /* the AdaptationSet's */
};

struct MpdAdaptationSet {
	/* "video", "audio", "text", "image", or empty when neither contentType, a
	 * ContentComponent nor a mimeType (of the set or its first Representation) tells. */
	std::string contentType;
	std::string mimeType, lang;
	std::vector<MpdRepresentation> representations;
};

struct MpdPeriod {
	std::string id;
	/* Seconds. start: from Period@start, else the previous period's start + duration, else 0
	 * for the first period of a static MPD; -1 when still unknown. duration: -1 when absent. */
	double start = -1;
	double duration = -1;
	std::vector<MpdAdaptationSet> adaptationSets;
};

struct Mpd {
	bool dynamic = false;
	/* Seconds, 0 when absent. */
	double mediaPresentationDuration = 0;
	double minimumUpdatePeriod = 0;
	double timeShiftBufferDepth = 0;
	/* Unix time in ms (UTC), 0 when absent. */
	int64_t availabilityStartTimeMs = 0;
	std::vector<MpdPeriod> periods;
};

/* Refusal limits: an MPD past them is not one Sluice should relay. */
inline constexpr size_t kMpdMaxBytes = 8 * 1024 * 1024;
inline constexpr size_t kMpdMaxDepth = 64;
inline constexpr size_t kMpdMaxElements = 200000;

/*
 * Parses an MPD. On failure returns false, leaves out unspecified and says why in error:
 * too large, not XML (with the line), "not a DASH manifest: root element is <foo>", a bad
 * xs:duration, xs:dateTime or number in a named attribute, or no Period.
 *
 * Elements are matched by local name, so any namespace prefix is accepted; elements this
 * model has no place for (SegmentTemplate, ContentProtection, extensions) are skipped.
 * A Representation takes mimeType, codecs, width, height and frameRate from its
 * AdaptationSet when it has none of its own. Numbers must be well formed: a manifest with
 * bandwidth="fast" is refused rather than read as 0.
 */
bool parseMpd(std::string_view xml, Mpd &out, std::string &error);

/*
 * xs:duration as used by MPDs: PnYnMnDTnHnMnS, every part optional but at least one present,
 * fractional values for seconds only. Years and months have no fixed length; like dash.js they
 * count as 365 and 30 days. Negative durations are refused. Returns seconds; ok says whether
 * the text was valid (0 when not).
 */
double parseXsDuration(std::string_view text, bool &ok);

/*
 * xs:dateTime: YYYY-MM-DDThh:mm[:ss[.fff...]] followed by Z, +hh:mm / -hh:mm (or +hhmm), or
 * nothing, which DASH readers take as UTC. Returns Unix time in ms, fractions truncated.
 */
int64_t parseXsDateTime(std::string_view text, bool &ok);

/*
 * Representations of the first Period's AdaptationSets with this contentType ("video",
 * "audio", "text"; empty for all), in document order. Pointers into mpd.
 */
std::vector<const MpdRepresentation *> representationsOf(const Mpd &mpd,
							 std::string_view contentType);

} /* namespace sluice */
