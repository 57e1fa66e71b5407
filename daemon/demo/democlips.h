/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The demo's test:// channels recorded once into short clips that smartsrc plays in a loop.
 */

#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "testuri.h"

namespace sluice {

/* Seconds of a demo clip: whole AAC frames (1024 at 48 kHz) and video frames at 25 or 30 fps. */
inline constexpr unsigned kDemoClipSeconds = 8;

/*
 * A test:// source encodes in real time for as long as it plays: a 720p VP9 or AV1 channel
 * costs a CPU core before any player asks for anything. A demo channel should cost what a
 * real channel costs, so its pattern is recorded once (kDemoClipSeconds, a keyframe on every
 * second and nowhere else, no B-frames) and played as `file://CLIP?loop=1`, which smartsrc reads
 * into memory and sends out at real time, timestamps running on across loops: no encoding at all.
 */

/*
 * The clip file name for a spec, e.g. "demo-v2-smpte-h264-aac-1280x720-30.mkv" (the version
 * changes with the recording, so that old clips are not played).
 */
std::string demoClipName(const TestSourceSpec &spec);

/*
 * Records spec into path (Matroska), through a temporary file renamed at the end, so a clip
 * that exists is whole. Blocks for as long as the encode takes (seconds). false with error.
 * GStreamer must be initialised.
 */
bool recordDemoClip(const TestSourceSpec &spec, const std::string &path, std::string &error);

/*
 * The demo channel list with every test:// URL replaced by its clip in dir as a looping file
 * URI (file:///DIR/NAME.mkv?loop=1), recording the clips that are missing (dir is created).
 * An entry whose clip cannot be made keeps its test:// URL, and warnings say why; other
 * lines are kept. Blocking.
 */
std::string loopDemoList(std::string_view m3u, const std::string &dir,
			 std::vector<std::string> &warnings);

} /* namespace sluice */
