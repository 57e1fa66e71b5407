/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Names and kinds of the codecs the media core knows.
 */

#include "media.h"

namespace sluice {

const char *codecName(Codec codec)
{
	switch (codec) {
	case Codec::H264:
		return "H.264";
	case Codec::H265:
		return "H.265";
	case Codec::AV1:
		return "AV1";
	case Codec::VP9:
		return "VP9";
	case Codec::AAC:
		return "AAC";
	case Codec::Opus:
		return "Opus";
	}
	return "unknown";
}

TrackKind codecKind(Codec codec)
{
	switch (codec) {
	case Codec::AAC:
	case Codec::Opus:
		return TrackKind::Audio;
	default:
		return TrackKind::Video;
	}
}

} /* namespace sluice */
