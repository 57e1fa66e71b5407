/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Telling what a source is from its first bytes, with the server's word as a tie-breaker.
 */

#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace sluice {

enum class ContainerGuess {
	Unknown,
	HlsPlaylist,
	DashMpd,
	MpegTs,
	Mp4, /* ftyp first: a whole file or an init segment */
	Fmp4Segment, /* styp, moof, sidx, emsg or prft first */
	Matroska, /* WebM included */
	M3uChannelList, /* IPTV list: #EXTINF:-1 tvg-id="..." group-title="..." */
};

/*
 * Guesses the container from the first bytes of a source (a few hundred are enough; 377 for
 * MPEG-TS certainty). Precedence, first that applies:
 *
 *  1. Binary magic: 0x47 sync bytes at 0, 188 and 376 (or at 4, 196 and 380 for 192-byte
 *     M2TS packets); an ISO BMFF box at 0 (ftyp/moov -> Mp4; styp/moof/sidx/emsg/prft ->
 *     Fmp4Segment); the EBML magic 1A 45 DF A3 -> Matroska.
 *  2. Text, after an optional UTF-8 BOM and whitespace:
 *     - "#EXTM3U": an M3uChannelList when an #EXT line carries tvg-* or group-title
 *       attributes; else HlsPlaylist when there is an #EXT-X- tag or an #EXTINF with a
 *       positive duration; else an M3uChannelList when there is an #EXTINF:-1 (or 0). A head
 *       with none of these (a truncated "#EXTM3U") is settled by the hints, then HlsPlaylist.
 *     - markup ('<'): DashMpd when an <MPD (any prefix) start tag is in the head; otherwise
 *       DashMpd only if the hints say DASH (the head stopped before the root), else Unknown,
 *       so an HTML error page never passes for a playlist.
 *  3. Only when the head is too short to rule anything out (under 377 bytes): the hints,
 *     Content-Type first (parameters ignored), then the URI's extension (query and fragment
 *     ignored); failing both, a short head that starts like MPEG-TS is MpegTs.
 *  4. Unknown.
 *
 * Generic Content-Types (application/octet-stream, text/plain, ...) are no hint. The two used
 * for either kind of M3U (application/x-mpegurl, audio/mpegurl) hint HLS only after the URI
 * extension had its say (.m3u means a channel list).
 */
ContainerGuess sniffContainer(std::span<const uint8_t> head, std::string_view contentType = {},
			      std::string_view uri = {});

/* Stable lowercase identifier for logs and APIs: "unknown", "hls", "dash", "mpegts", "mp4",
 * "fmp4-segment", "matroska", "m3u-channel-list". */
const char *containerName(ContainerGuess guess);

} /* namespace sluice */
