/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The parser every stream smartsrc delivers goes out through, and caps told to a person.
 */

#pragma once

#include <string>

#include <gst/gst.h>

namespace sluice {

/*
 * The parser that completes a stream's caps (codec_data, rate, channels, profile) and turns
 * its framing into whatever downstream asks for: aacparse (ADTS <-> raw AAC), h264parse and
 * h265parse (byte-stream <-> avc/hvc1). nullptr for codecs whose framing never differs
 * between containers, and for AAC in a framing aacparse cannot convert (LATM, ADIF).
 */
const char *outputParserFor(const GstCaps *caps);

/* A new outputParserFor(caps) element, set to repeat parameter sets on every keyframe;
 * nullptr when the codec needs none or the parser is missing. */
GstElement *makeOutputParser(const GstCaps *caps);

/*
 * The stream of caps in every framing its output parser converts to (AAC raw or ADTS, H.264
 * avc, avc3 or byte-stream, ...), with codec_data dropped; a copy of caps when the codec has
 * no output parser.
 */
GstCaps *framingsOf(const GstCaps *caps);

/*
 * Caps as an error message shows them: media types with the fields that decide whether two
 * elements can link (mpegversion, stream-format, alignment, rate, channels, width, height),
 * "anything" for ANY caps, "nothing" for empty ones.
 */
std::string capsForPeople(const GstCaps *caps);

} /* namespace sluice */
