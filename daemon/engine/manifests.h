/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * What the stream URLs do to cmafsink's manifests and resource names (pure: no GStreamer).
 */

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

/*
 * The multivariant playlist with every relative URI (URI lines and URI="..." attributes)
 * prefixed by prefix, e.g. "7/" so that the playlist served at /live/p/7.m3u8 points at
 * /live/p/7/video_0.m3u8. Absolute URIs (a scheme or a leading '/') are kept.
 */
std::string rewriteMultivariant(std::string_view playlist, std::string_view prefix);

/* A cmafsink resource name: letters, digits, '.', '-' and '_', no "..", not empty. */
bool isResourceName(std::string_view name);

/* The MIME type of a cmafsink resource by its extension; "" when it is none of ours. */
std::string_view resourceContentType(std::string_view name);

/* .m3u8 and .mpd: live manifests, never cached. */
bool isManifestName(std::string_view name);

/*
 * A media segment's track and number from its name ("video_0-12.m4s"), or its track and start
 * time ("video_0-t180000.m4s", DASH $Time$); nullopt for any other name.
 */
struct SegmentName {
	std::string track;
	uint64_t number = 0; /* or the start time, when byTime */
	bool byTime = false;
};
std::optional<SegmentName> parseMediaSegmentName(std::string_view name);

} /* namespace sluice */
