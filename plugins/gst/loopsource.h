/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The source behind file:///...?loop=1: a short clip held in memory, played forever in real time.
 */

#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gst/gst.h>

#include "gref.h"
#include "looptiming.h"

namespace sluice {

/* A clip larger than this is refused: it is held in memory for as long as it plays. */
inline constexpr guint64 kLoopMaxBytes = 64 * 1024 * 1024;
/* How long reading it into memory may take before it is given up. */
inline constexpr guint kLoopLoadTimeoutMs = 20000;

/* What a file:// URI asks for. */
struct FileUri {
	bool loop = false; /* loop=1 or loop=true */
	std::string path; /* the local file, when looping */
	/* When not looping: the URI to read as an ordinary file (loop=0|false removed). */
	std::string plainUri;
};

/*
 * Reads the loop query key of a file:// URI. A URI without it comes back unchanged in
 * plainUri. False with error (naming the URI) for another value of loop, or a looping URI
 * that does not name an absolute local path.
 */
bool parseFileUri(const std::string &uri, FileUri &out, std::string &error);

/* Why a clip cannot loop: a message naming its path, and the GStreamer error to post. */
struct LoopError {
	GQuark domain = 0;
	gint code = 0;
	std::string message;
};

/* One elementary stream of a loaded clip. */
struct LoopClipStream {
	bool video = false;
	std::shared_ptr<GstCaps> caps; /* as parsebin gave them (e.g. H.264 avc with codec_data) */
	std::vector<GRef<GstBuffer>> buffers; /* in decode order */
	std::vector<LoopUnit> units; /* buffers' times, completed by planLoop */
};

/* A clip read into memory and planned; never modified once loaded (shared by the streams). */
struct LoopClip {
	std::string path;
	std::string demuxer; /* factory of the demuxer parsebin plugged ("matroskademux"), or "" */
	std::vector<LoopClipStream> streams; /* audio and video only */
	LoopPlan plan;
};

/*
 * Reads path to its end through filesrc ! parsebin into appsinks, on the calling thread, for at
 * most kLoopLoadTimeoutMs (cancelled() is polled meanwhile and stops it early), then plans the
 * loop. nullptr with error when the file is missing, unreadable, larger than kLoopMaxBytes,
 * not media, without audio or video, or does not start on a keyframe.
 */
std::shared_ptr<const LoopClip>
loadLoopClip(const std::string &path, const std::function<bool()> &cancelled, LoopError &error);

/*
 * A bin playing clip forever with live, continuous timestamps, with one static src pad per
 * stream ("video_0", "audio_0", ... in the clip's order):
 *
 *   appsrc ─ capsfilter ─ h264parse|h265parse ─ clocksync ─► video_0
 *   appsrc ─ capsfilter ─────────────────────── clocksync ─► audio_0
 *
 * Each appsrc is live and pushes one buffer per need-data; clocksync paces them on the
 * pipeline clock. The parser (H.264/H.265 only) puts parameter sets on every keyframe.
 *
 * The first stream to ask for data fixes the start: the element's running time then.
 */
GstElement *buildLoopSource(std::shared_ptr<const LoopClip> clip);

} /* namespace sluice */
