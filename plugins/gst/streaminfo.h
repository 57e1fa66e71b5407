/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * What smartsrc says about one delivered stream, from its caps and tags.
 */

#pragma once

#include <gst/gst.h>

namespace sluice {

/* Short codec name ("h264", "aac", ...; "unknown") of parsed caps. */
const char *codecFromCaps(const GstStructure *caps);

/*
 * A "stream" structure of the smartsrc-classified message: kind, pad, codec, codecs
 * (RFC 6381), profile, level, tier, width, height, framerate, rate, channels, and the bitrate
 * and language from the pad's tags when it has them. caps may be null (kind and pad only).
 */
GstStructure *describeStream(GstPad *pad, GstCaps *caps, const char *kind);

} /* namespace sluice */
