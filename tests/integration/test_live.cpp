/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * cmafsink in live mode as a live stream: players follow the growing playlists while the
 * pipeline runs in real time, the stream ends with EXT-X-ENDLIST, and the sliding window
 * keeps the playlists and the disk trimmed.
 */

#include <algorithm>
#include <future>
#include <iostream>
#include <mutex>

#include <glib.h>
#include <gtest/gtest.h>

#include "httpserver.h"
#include "outputdir.h"
#include "playercheck.h"
#include "producer.h"
#include "sources.h"

using namespace sluice::test;

namespace {

const CodecPair kH264Aac = {"h264-aac", VideoCodec::H264, AudioCodec::AAC};

size_t segmentFilesOnDisk(const OutputDir &dir, const std::string &track)
{
	auto names = listDir(dir.path());
	return std::count_if(names.begin(), names.end(), [&](const std::string &n) {
		return n.starts_with(track + "-") && n.ends_with(".m4s");
	});
}

struct WindowSettings {
	unsigned windowSize;
	unsigned maxFiles;
};

/*
 * After EOS: each media playlist lists exactly the last windowSize segments and ends with
 * EXT-X-ENDLIST, the disk holds exactly the last maxFiles segments of each track, and every
 * segment a playlist names exists.
 */
void checkWindow(const OutputDir &dir, const ProducerResult &produced, WindowSettings window)
{
	for (const std::string track : {"video_0", "audio_0"}) {
		auto segments = produced.segmentsOf(track);
		ASSERT_GT(segments.size(), window.maxFiles)
			<< track << ": too few segments to exercise the window";

		std::string playlist = readText(dir.file(track + ".m3u8"));
		std::vector<std::string> listed;
		for (const auto &l : linesStartingWith(playlist, track + "-"))
			listed.push_back(l);
		std::vector<std::string> expected;
		for (size_t i = segments.size() - window.windowSize; i < segments.size(); ++i)
			expected.push_back(segments[i].name);
		EXPECT_EQ(listed, expected)
			<< track << ".m3u8 is not the last " << window.windowSize << " segments:\n"
			<< playlist;
		EXPECT_EQ(linesStartingWith(playlist, "#EXT-X-ENDLIST").size(), 1u)
			<< track << ".m3u8 has no EXT-X-ENDLIST after EOS:\n"
			<< playlist;
		for (const auto &name : listed)
			EXPECT_TRUE(fileExists(dir.file(name)))
				<< track << ".m3u8 names " << name << " but it is not on disk";

		for (size_t i = 0; i < segments.size(); ++i) {
			bool kept = i + window.maxFiles >= segments.size();
			EXPECT_EQ(fileExists(dir.file(segments[i].name)), kept)
				<< segments[i].name << " (segment " << i + 1 << " of "
				<< segments.size() << ", max-files=" << window.maxFiles << ") "
				<< (kept ? "was deleted too early" : "was not deleted");
		}
		EXPECT_TRUE(fileExists(dir.file(track + "-init-0.mp4")))
			<< "the init segment must outlive the window";
	}

	/* DASH-IF: a live presentation that ended becomes a static MPD of what is left. */
	std::string mpd = readText(dir.file("manifest.mpd"));
	EXPECT_NE(mpd.find("type=\"static\""), std::string::npos) << mpd;
	EXPECT_NE(mpd.find("mediaPresentationDuration="), std::string::npos)
		<< "the ended live MPD has a duration:\n"
		<< mpd;
}

class LiveTest : public testing::Test
{
protected:
	void SetUp() override
	{
		if (!haveElement("cmafsink"))
			FAIL() << "cmafsink is not in GST_PLUGIN_PATH_1_0";
		for (const char *e : requiredElements(kH264Aac)) {
			if (!haveElement(e))
				GTEST_SKIP() << e << " is not installed";
		}
	}
};

/*
 * Real time: 12 s from is-live sources into 1 s segments. Once the first segments exist,
 * three clients start reading over HTTP while the pipeline keeps producing: ffprobe with
 * -live_start_index 0 (must get everything), playbin3 through hlsdemux2 and through
 * dashdemux2 (join at the live edge). All must reach the end on their own when the stream
 * ends, i.e. see EXT-X-ENDLIST / the final MPD, well before their timeout.
 */
TEST_F(LiveTest, PlayersFollowTheGrowingStreamToItsEnd)
{
	constexpr double kSeconds = 12;
	constexpr WindowSettings kWindow {8, 10};
	OutputDir dir("sluice-live");
	ASSERT_FALSE(dir.path().empty());
	StaticFileServer server(dir.path());
	std::string error;
	ASSERT_TRUE(server.start(error)) << error;

	SourceSpec spec;
	spec.seconds = kSeconds;
	spec.live = true;
	spec.gopFrames = 0; /* segments start where cmafsink asks for key units */
	std::string description = "cmafsink name=sink location=" + dir.path()
		+ " playlist-type=live target-duration=1 window-size="
		+ std::to_string(kWindow.windowSize) + " max-files="
		+ std::to_string(kWindow.maxFiles) + "  " + sourceBranches(kH264Aac, spec, "sink");

	/*
	 * seconds > 0: the client is stopped after that long, while the stream still runs. That
	 * is how dashdemux2 is checked: GStreamer 1.22's dashdemux2 cannot follow an MPD whose
	 * type changes from dynamic to static (DASH-IF's end of a live presentation): it stalls
	 * or jumps ahead. So it must follow the live MPD without a gap for as long as it runs,
	 * and the ended, static MPD is played from its start by the other tests.
	 */
	struct Client {
		std::string label;
		std::vector<std::string> argv;
		TimelineExpectation expect;
		std::future<ProcessResult> result;
		int seconds = 40;
	};
	std::vector<Client> clients;
	const std::string base = server.baseUrl();

	TimelineExpectation everything;
	everything.duration = kSeconds;
	everything.durationTolerance = 0.15;
	TimelineExpectation fromLiveEdge = everything;
	fromLiveEdge.packets = false;
	fromLiveEdge.joinsLate = true;
	fromLiveEdge.minSpan = 3; /* 3 target durations back from the edge, at least */

	clients.push_back({"ffprobe -live_start_index 0 via master.m3u8",
			   ffprobeCommand(base + "/master.m3u8", {"-live_start_index", "0"}),
			   everything,
			   {}});
	clients.push_back({"playbin3 (hlsdemux2) via master.m3u8",
			   playCommand(base + "/master.m3u8"),
			   fromLiveEdge,
			   {}});
	TimelineExpectation followsLive = fromLiveEdge;
	followsLive.minSpan = 4; /* of the 7 s it runs, after its start-up */
	followsLive.endSyncTolerance = 0.5; /* stopped mid-stream: tracks stop apart */
	clients.push_back({"playbin3 (dashdemux2) via manifest.mpd, following for 7 s",
			   playCommand(base + "/manifest.mpd"),
			   followsLive,
			   {},
			   7});

	size_t maxOnDisk = 0;
	bool started = false;
	double startedAfter = 0;
	gint64 begin = g_get_monotonic_time();
	ProducerResult produced = runProducer(description, 60, [&](const SegmentAdded &seg) {
		maxOnDisk = std::max(maxOnDisk, segmentFilesOnDisk(dir, seg.track));
		/* Start once both tracks have two segments: a playable live window. */
		if (started)
			return;
		for (const char *track : {"video_0-2.m4s", "audio_0-2.m4s"}) {
			if (!fileExists(dir.file(track)))
				return;
		}
		started = true;
		startedAfter = (g_get_monotonic_time() - begin) / 1e6;
		for (auto &c : clients)
			c.result = std::async(std::launch::async, runProcess, c.argv, c.seconds);
	});
	ASSERT_TRUE(produced.reachedEos) << "producer: " << produced.error << "\n  " << description;
	ASSERT_TRUE(started) << "clients never started: no video_0-2.m4s/audio_0-2.m4s";
	EXPECT_GE(produced.wallSeconds, kSeconds - 1) << "the pipeline did not run in real time";
	std::cerr << "clients started " << startedAfter << " s in; producer ran "
		  << produced.wallSeconds << " s\n";

	for (auto &c : clients) {
		ProcessResult r = c.result.get();
		std::vector<std::string> problems;
		if (c.seconds < 40 ? !r.timedOut : !r.succeeded())
			problems.push_back(
				c.seconds < 40 ? "ended before it was stopped"
					       : "did not finish cleanly at the end of the stream");
		if (c.argv[0] == "ffprobe" && !r.err.empty())
			problems.push_back("ffprobe reported errors");
		/* A client stopped mid-stream may have been cut in the middle of a line. */
		if (r.timedOut && !r.out.empty() && r.out.back() != '\n')
			r.out.erase(r.out.rfind('\n') + 1);
		Timelines t = parseFfprobe(r.out, problems);
		auto more = checkTimelines(t, c.expect);
		problems.insert(problems.end(), more.begin(), more.end());
		EXPECT_TRUE(problems.empty())
			<< "[h264-aac/live, real time] " << c.label << ":\n"
			<< joinLines(problems) << summarize(t) << r.describe();
	}
	if (HasFailure()) {
		std::cerr << "requests the server did not answer with 200:\n";
		for (const std::string &line : server.requestLog()) {
			if (!line.ends_with(" 200"))
				std::cerr << "  " << line << "\n";
		}
	}

	for (const auto &seg : produced.segments)
		EXPECT_LE(seg.duration / 1e9, 1.5) << seg.name << ": target-duration is 1 s";
	EXPECT_LE(maxOnDisk, kWindow.maxFiles)
		<< "more segment files than max-files during the run";
	checkWindow(dir, produced, kWindow);

	if (HasFailure()) {
		dir.keep();
		std::cerr << "output kept in " << dir.path() << "\npipeline: " << description
			  << "\n";
	}
}

/* Not real time: a long window run where the playlists and the disk must stay trimmed. */
TEST_F(LiveTest, SlidingWindowTrimsPlaylistsAndDisk)
{
	constexpr WindowSettings kWindow {3, 5};
	OutputDir dir("sluice-window");
	ASSERT_FALSE(dir.path().empty());

	SourceSpec spec;
	spec.seconds = 12;
	spec.gopFrames = 15;
	std::string description = "cmafsink name=sink location=" + dir.path()
		+ " playlist-type=live target-duration=1 window-size="
		+ std::to_string(kWindow.windowSize) + " max-files="
		+ std::to_string(kWindow.maxFiles) + "  " + sourceBranches(kH264Aac, spec, "sink");

	std::mutex mutex;
	size_t maxOnDisk = 0;
	ProducerResult produced = runProducer(description, 60, [&](const SegmentAdded &seg) {
		std::lock_guard<std::mutex> locker(mutex);
		maxOnDisk = std::max(maxOnDisk, segmentFilesOnDisk(dir, seg.track));
	});
	ASSERT_TRUE(produced.reachedEos) << "producer: " << produced.error << "\n  " << description;
	EXPECT_LE(maxOnDisk, kWindow.maxFiles)
		<< "more segment files than max-files during the run";
	checkWindow(dir, produced, kWindow);

	/* What is left still plays: the last window, from its first segment to ENDLIST. */
	StaticFileServer server(dir.path());
	std::string error;
	ASSERT_TRUE(server.start(error)) << error;
	ProcessResult r = runProcess(ffprobeCommand(server.baseUrl() + "/master.m3u8"), 60);
	std::vector<std::string> problems;
	Timelines t = parseFfprobe(r.out, problems);
	/*
	 * Each track keeps its last windowSize segments. At EOS audio closes with a one-frame
	 * segment at the last grid point (it ends a frame after video), so its window may start
	 * up to one segment later than video's: the windows overlap, not coincide.
	 */
	TimelineExpectation window;
	window.duration = kWindow.windowSize; /* 1 s segments */
	window.durationTolerance = 0.6;
	window.joinsLate = true;
	window.minSpan = kWindow.windowSize - 1 - 0.1;
	window.syncTolerance = 1.05;
	auto more = checkTimelines(t, window);
	problems.insert(problems.end(), more.begin(), more.end());
	if (!r.succeeded() || !r.err.empty())
		problems.push_back("ffprobe failed or reported errors");
	EXPECT_TRUE(problems.empty()) << "[h264-aac/live window] ffprobe via master.m3u8:\n"
				      << joinLines(problems) << summarize(t) << r.describe();

	if (HasFailure()) {
		dir.keep();
		std::cerr << "output kept in " << dir.path() << "\npipeline: " << description
			  << "\n";
	}
}

} /* namespace */
