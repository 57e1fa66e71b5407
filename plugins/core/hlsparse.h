/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * HLS (RFC 8216) playlist parsing for untrusted upstream sources, URI resolution, variant choice.
 */

#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

/* One EXT-X-STREAM-INF and the URI line after it. Unknown numbers are 0. */
struct HlsVariant {
	std::string uri; /* as written; resolve with resolveUri() */
	uint64_t bandwidth = 0; /* peak, bit/s */
	uint64_t averageBandwidth = 0; /* bit/s */
	uint32_t width = 0;
	uint32_t height = 0;
	double frameRate = 0;
	std::string codecs; /* RFC 6381 list, e.g. "avc1.64001f,mp4a.40.2" */
	std::string audioGroup; /* AUDIO attribute: an HlsRendition::groupId */
};

/* One EXT-X-MEDIA. */
struct HlsRendition {
	std::string type; /* AUDIO, VIDEO, SUBTITLES, CLOSED-CAPTIONS */
	std::string groupId;
	std::string name;
	std::string language;
	std::string uri; /* empty: carried in the variant's own stream */
	bool isDefault = false;
	bool autoselect = false;
	std::string channels;
};

struct HlsSegment {
	std::string uri; /* as written */
	double duration = 0; /* seconds, from EXTINF */
	std::string title; /* EXTINF text after the comma */
	bool discontinuity = false; /* EXT-X-DISCONTINUITY before this segment */
	/*
	 * Wall clock of the first sample, ms since the Unix epoch; 0 = unknown. Taken from
	 * EXT-X-PROGRAM-DATE-TIME, or extrapolated from the previous segment's date and duration
	 * when no discontinuity lies between them.
	 */
	int64_t programDateTimeMs = 0;
	std::string mapUri; /* EXT-X-MAP in force; empty for MPEG-TS without one */
	uint64_t byteRangeLength = 0; /* 0: the whole resource */
	uint64_t byteRangeOffset = 0;
	bool encrypted = false; /* EXT-X-KEY with METHOD other than NONE in force */
};

struct HlsPlaylist {
	bool multivariant = false;
	std::vector<HlsVariant> variants;
	std::vector<HlsRendition> renditions;

	uint32_t version = 1; /* EXT-X-VERSION, 1 when absent */
	double targetDuration = 0; /* seconds */
	uint64_t mediaSequence = 0; /* of segments[0] */
	uint64_t discontinuitySequence = 0;
	std::string playlistType; /* "", "EVENT" or "VOD" */
	bool endList = false;
	bool independentSegments = false;
	std::vector<HlsSegment> segments;

	bool live() const { return !multivariant && !endList && playlistType != "VOD"; }
};

/* Limits that keep a hostile playlist from costing unbounded memory. */
constexpr size_t kHlsMaxLineLength = 64 * 1024;
constexpr size_t kHlsMaxSegments = 100000;
constexpr size_t kHlsMaxEntries = 100000; /* variants + renditions */

/*
 * Parses a multivariant or media playlist. Accepts a UTF-8 BOM, LF or CRLF line ends, blank
 * lines, comments and unknown tags (ignored), attribute names in any case and spaces around
 * attributes. URIs are kept as written.
 *
 * Refuses (returns false with a message naming the line) input that does not start with
 * #EXTM3U, a segment URI without EXTINF, an EXTINF duration that is not a finite number >= 0, a
 * playlist mixing EXT-X-STREAM-INF with segments, a multivariant playlist without any variant
 * URI, lines longer than kHlsMaxLineLength and more than kHlsMaxSegments segments or
 * kHlsMaxEntries variants and renditions. Malformed values of optional tags are ignored.
 *
 * out is reset first; on failure its content is unspecified.
 */
bool parseHlsPlaylist(std::string_view text, HlsPlaylist &out, std::string &error);

/*
 * Resolves a URI found in a playlist against the playlist's own URI (RFC 3986 section 5.2):
 * absolute URIs are returned as they are; "//host/p" takes the base's scheme; "/p" the base's
 * scheme and authority; "?q" the base's path; anything else is merged with the base's directory.
 * Dot segments are removed from the merged path. The base's fragment is never kept.
 */
std::string resolveUri(std::string_view base, std::string_view relative);

/*
 * Variant choice:
 *  - Highest: largest bandwidth; ties go to the larger height, then to the earlier variant.
 *  - Lowest: smallest bandwidth; ties go to the smaller height, then to the earlier variant.
 *  - Best: Highest among the variants within both limits, or Lowest of all when none is.
 * Limits only apply to Best. A variant of unknown height (no RESOLUTION) fits any maxHeight.
 * maxBitrate compares with the peak BANDWIDTH, in bit/s.
 * nullopt only for an empty list.
 */
enum class VariantPolicy {
	Highest,
	Lowest,
	Best,
};

struct VariantLimits {
	uint32_t maxHeight = 0; /* pixels; 0 = no limit */
	uint64_t maxBitrate = 0; /* bit/s; 0 = no limit */
};

std::optional<size_t> selectVariant(const std::vector<HlsVariant> &variants, VariantPolicy policy,
				    const VariantLimits &limits);

} /* namespace sluice */
