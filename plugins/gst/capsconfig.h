/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Translates negotiated caps into the media core's TrackConfig.
 */

#pragma once

#include <string>

#include <gst/gst.h>

#include "media.h"

namespace sluice {

/* How sample data arrives and what the element must do to it before it goes into mdat. */
enum class Framing {
	AsIs, /* avc/hvc1/hev1 length-prefixed, AV1 obu-stream, VP9, AAC raw, Opus */
	AnnexB, /* H.264/H.265 byte-stream: rewritten to 4-byte length prefixes */
};

struct CapsConfig {
	TrackConfig track;
	Framing framing = Framing::AsIs;
	/* The codec configuration record must be built from the first keyframe (no codec_data). */
	bool configFromStream = false;
};

/*
 * Fills a CapsConfig from fixed caps. On failure returns false and sets error to a message a
 * user can act on (which field is missing or unsupported).
 */
bool capsToConfig(const GstCaps *caps, CapsConfig &out, std::string &error);

} /* namespace sluice */
