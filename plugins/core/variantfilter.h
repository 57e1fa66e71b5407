/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Narrowing an HLS multivariant playlist or a DASH MPD to the one video variant a relay reads.
 */

#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

/*
 * The playlist with only its index-th EXT-X-STREAM-INF (0-based, in document order) and that
 * variant's URI line; EXT-X-I-FRAME-STREAM-INF lines go too (trick play is no use to a relay).
 * Every other line (EXT-X-MEDIA renditions, session data, comments) stays as written.
 * nullopt when there is no such variant.
 */
std::optional<std::string> keepOnlyHlsVariant(std::string_view playlist, size_t index);

/*
 * The MPD without the Representation elements whose id is in remove (a list of ids), found by
 * their text. Only unprefixed <Representation> elements are recognised; nullopt when one of
 * the ids is not found as such, so a caller falls back to the untouched manifest.
 */
std::optional<std::string> removeMpdRepresentations(std::string_view mpd,
						    const std::vector<std::string> &remove);

/*
 * A DASH MPD made ready for GStreamer's dashdemux2 when served from elsewhere (smartsrc's
 * loopback proxy): its own BaseURL made absolute against mpdUrl, or one added; and, in a live
 * MPD, every SegmentTemplate timeline that begins after its presentationTimeOffset gets one
 * more segment in front, from that offset to its first (startNumber one lower), so that the
 * timeline begins with its Period. dashdemux2 1.22 adds the first listed segment's Period time
 * to every seek in a timeline (gst_mpd_client2_stream_seek), so it asks for segments far in
 * the future of any other live timeline. The extra segment is never requested: it lies
 * outside timeShiftBufferDepth. Timelines whose offset is inherited, or with startNumber 0,
 * are left alone. Not an MPD: returned as it came.
 */
std::string anchorLiveMpd(std::string_view mpd, std::string_view mpdUrl);

} /* namespace sluice */
