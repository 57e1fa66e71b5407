/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * HLS (RFC 8216, version 7) playlists rendered from a SegmentWindow.
 */

#pragma once

#include <string>

#include "segmentwindow.h"

namespace sluice {

/*
 * Multivariant playlist: one EXT-X-STREAM-INF per video track (CODECS, RESOLUTION, FRAME-RATE,
 * BANDWIDTH, AVERAGE-BANDWIDTH, AUDIO group) and one EXT-X-MEDIA TYPE=AUDIO per audio track.
 * An audio-only presentation gets one EXT-X-STREAM-INF per audio track.
 */
std::string renderMultivariantPlaylist(const SegmentWindow &window);

/*
 * Media playlist of one track: EXT-X-VERSION:7, EXT-X-TARGETDURATION, EXT-X-MEDIA-SEQUENCE,
 * EXT-X-DISCONTINUITY-SEQUENCE, EXT-X-INDEPENDENT-SEGMENTS, EXT-X-MAP per period,
 * EXT-X-PROGRAM-DATE-TIME, EXT-X-DISCONTINUITY between periods, EXT-X-PLAYLIST-TYPE:VOD and
 * EXT-X-ENDLIST in VOD mode, EXT-X-ENDLIST at the end of a live stream.
 */
std::string renderMediaPlaylist(const SegmentWindow &window, size_t track);

} /* namespace sluice */
