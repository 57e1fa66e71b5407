/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Narrowing an HLS multivariant playlist or a DASH MPD to the one video variant a relay reads.
 */

#pragma once

#include <cstddef>
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

} /* namespace sluice */
