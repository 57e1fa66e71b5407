/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A live HLS + DASH packager for the engine tests: gst-launch-1.0 with cmafsink writing a
 * sliding live window of a test pattern into a directory, for a static file server to serve.
 */

#pragma once

#include <string>
#include <vector>

#include <gio/gio.h>

namespace sluice::test {

/* Live 320x240 H.264 (1 s GOPs) + AAC, cheap enough for eight clients on two shared cores. */
inline std::vector<std::string> videoBranch()
{
	return {"videotestsrc",
		"is-live=true",
		"pattern=smpte",
		"!",
		"video/x-raw,width=320,height=240,framerate=25/1",
		"!",
		"x264enc",
		"tune=zerolatency",
		"speed-preset=ultrafast",
		"key-int-max=25",
		"bitrate=300",
		"!",
		"h264parse"};
}

inline std::vector<std::string> audioBranch()
{
	return {"audiotestsrc",
		"is-live=true",
		"!",
		"audio/x-raw,rate=48000,channels=2",
		"!",
		"avenc_aac",
		"!",
		"aacparse"};
}

inline std::vector<std::string> concat(std::vector<std::vector<std::string>> parts)
{
	std::vector<std::string> out;
	for (auto &part : parts)
		out.insert(out.end(), part.begin(), part.end());
	return out;
}

/*
 * A live HLS + DASH upstream: cmafsink writing a 12 s live window into a directory that a
 * static file server serves, as a packager in front of an IPTV head-end would. By the time a
 * channel reads it, its window has slid: the MPD's SegmentTimeline no longer begins with its
 * Period, which GStreamer 1.22's dashdemux2 cannot follow unless smartsrc serves it the MPD
 * anchored (MpdProxy).
 */
class LiveProducer
{
public:
	explicit LiveProducer(const std::string &dir) : dir_(dir)
	{
		std::vector<std::string> argv
			= concat({{"gst-launch-1.0", "-q", "-e"},
				  videoBranch(),
				  {"!", "queue", "!", "cmafsink", "name=sink", "location=" + dir,
				   "playlist-type=live", "target-duration=2", "window-size=6"},
				  audioBranch(),
				  {"!", "queue", "!", "sink."}});
		std::vector<const char *> args;
		for (const std::string &a : argv)
			args.push_back(a.c_str());
		args.push_back(nullptr);
		g_autoptr(GError) error = nullptr;
		process_
			= g_subprocess_newv(args.data(), G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
		if (!process_)
			error_ = error->message;
	}
	~LiveProducer()
	{
		if (process_) {
			g_subprocess_force_exit(process_);
			g_subprocess_wait(process_, nullptr, nullptr);
			g_object_unref(process_);
		}
	}
	const std::string &error() const { return error_; }

	/* Waits up to timeoutS for segment n of both tracks to be written. */
	bool waitForSegment(unsigned n, int timeoutS) const
	{
		const std::string suffix = "_0-" + std::to_string(n) + ".m4s";
		for (int i = 0; i < timeoutS * 10; i++) {
			if (g_file_test((dir_ + "/video" + suffix).c_str(), G_FILE_TEST_EXISTS)
			    && g_file_test((dir_ + "/audio" + suffix).c_str(), G_FILE_TEST_EXISTS))
				return true;
			g_usleep(100 * 1000);
		}
		return false;
	}

private:
	std::string dir_;
	GSubprocess *process_ = nullptr;
	std::string error_;
};

} /* namespace sluice::test */
