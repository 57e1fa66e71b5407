/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The parser every stream smartsrc delivers goes out through.
 */

#pragma once

#include <gst/gst.h>

namespace sluice {

/*
 * The parser that completes a stream's caps (codec_data, rate, channels, profile) and turns
 * its framing into whatever downstream asks for: aacparse (ADTS <-> raw AAC), h264parse and
 * h265parse (byte-stream <-> avc/hvc1). nullptr for codecs whose framing never differs
 * between containers.
 */
const char *outputParserFor(const GstCaps *caps);

/* A new outputParserFor(caps) element, set to repeat parameter sets on every keyframe;
 * nullptr when the codec needs none or the parser is missing. */
GstElement *makeOutputParser(const GstCaps *caps);

} /* namespace sluice */
