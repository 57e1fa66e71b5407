/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * What cmafsink writes plays in real players: ffprobe (libavformat HLS and DASH demuxers and
 * libavcodec decoders) and GStreamer's hlsdemux2 and dashdemux2, for every codec pair, in VOD
 * and in live mode.
 */

#include <cmath>
#include <iostream>

#include <glib.h>
#include <gtest/gtest.h>

#include "httpserver.h"
#include "outputdir.h"
#include "playercheck.h"
#include "producer.h"
#include "sources.h"

using namespace sluice::test;

namespace {

constexpr double kSeconds = 6;
constexpr unsigned kTargetDuration = 2;

enum class Mode {
	Vod,
	Live,
};

struct PlayerCase {
	CodecPair codecs;
	Mode mode;
};

std::string caseName(const PlayerCase &c)
{
	return std::string(c.codecs.name) + "/" + (c.mode == Mode::Vod ? "vod" : "live");
}

/* The last requests the server saw: where a client stopped or what it kept asking for. */
std::string requestsFor(const StaticFileServer &server)
{
	auto log = server.requestLog();
	constexpr size_t kShown = 30;
	std::string s = std::to_string(log.size()) + " requests";
	if (log.size() > kShown)
		s += ", the last " + std::to_string(kShown);
	s += ": ";
	for (size_t i = log.size() > kShown ? log.size() - kShown : 0; i < log.size(); ++i)
		s += log[i] + "; ";
	return s;
}

/* A client decodes 6 s of 320x240 in a second or two; more means it is stuck waiting. */
constexpr unsigned kClientTimeout = 30;

std::string stuckHint(const ProcessResult &r, const std::string &manifest)
{
	if (!r.timedOut)
		return {};
	return manifest.ends_with(".mpd")
		? "client did not stop at the end of the presentation (an ended dynamic "
		  "MPD?): killed after "
			+ std::to_string(kClientTimeout) + " s"
		: "client did not stop at the end of the presentation (EXT-X-ENDLIST?): "
		  "killed after "
			+ std::to_string(kClientTimeout) + " s";
}

class PlayerTest : public testing::TestWithParam<PlayerCase>
{
protected:
	void SetUp() override
	{
		if (!haveElement("cmafsink"))
			FAIL() << "cmafsink is not in GST_PLUGIN_PATH_1_0 ("
			       << (g_getenv("GST_PLUGIN_PATH_1_0") ? g_getenv("GST_PLUGIN_PATH_1_0")
								   : "unset")
			       << ")";
		for (const char *e : requiredElements(GetParam().codecs)) {
			if (!haveElement(e))
				GTEST_SKIP() << e << " is not installed";
		}
	}

	/* The manifests and files cmafsink left, checked as text against its contract. */
	void checkOutput(const OutputDir &dir, const ProducerResult &produced);
	/* Every client decodes the whole presentation over HTTP. */
	void checkClients(const OutputDir &dir);
};

void PlayerTest::checkOutput(const OutputDir &dir, const ProducerResult &produced)
{
	const PlayerCase &c = GetParam();
	const std::string name = caseName(c);

	for (const char *f : {"master.m3u8", "manifest.mpd", "video_0.m3u8", "audio_0.m3u8",
			      "video_0-init-0.mp4", "audio_0-init-0.mp4"})
		EXPECT_TRUE(fileExists(dir.file(f))) << name << ": " << f << " missing";

	std::string master = readText(dir.file("master.m3u8"));
	bool videoCodecNamed = false;
	for (const auto &prefix : codecsPrefixes(c.codecs.video))
		videoCodecNamed |= master.find("CODECS=\"" + prefix) != std::string::npos
			|| master.find("," + prefix) != std::string::npos;
	EXPECT_TRUE(videoCodecNamed) << name << ": no video codec in master.m3u8:\n" << master;
	EXPECT_NE(master.find(codecsPrefix(c.codecs.audio)), std::string::npos)
		<< name << ": no audio codec in master.m3u8:\n"
		<< master;

	for (const char *track : {"video_0", "audio_0"}) {
		std::string playlist = readText(dir.file(std::string(track) + ".m3u8"));
		auto segments = produced.segmentsOf(track);
		EXPECT_GE(segments.size(), 3u) << name << ": " << track << " segments";

		EXPECT_EQ(linesStartingWith(playlist, "#EXTINF:").size(), segments.size())
			<< name << ": " << track << ".m3u8 does not list every segment:\n"
			<< playlist;
		EXPECT_EQ(linesStartingWith(playlist, "#EXT-X-ENDLIST").size(), 1u)
			<< name << ": " << track << ".m3u8 after EOS:\n"
			<< playlist;
		EXPECT_EQ(linesStartingWith(playlist, "#EXT-X-PLAYLIST-TYPE:VOD").size(),
			  c.mode == Mode::Vod ? 1u : 0u)
			<< name << ": " << track << ".m3u8:\n"
			<< playlist;
		EXPECT_EQ(linesStartingWith(playlist,
					    "#EXT-X-MAP:URI=\"" + std::string(track)
						    + "-init-0.mp4\"")
				  .size(),
			  1u)
			<< name << ": " << track << ".m3u8:\n"
			<< playlist;

		uint64_t total = 0;
		std::string durations;
		for (size_t i = 0; i < segments.size(); ++i) {
			const SegmentAdded &s = segments[i];
			total += s.duration;
			durations += std::to_string(s.duration / 1e9).substr(0, 5) + " ";
			EXPECT_TRUE(fileExists(dir.file(s.name))) << name << ": " << s.name;
			EXPECT_EQ(s.number, segments.front().number + i) << name << ": " << s.name;
			EXPECT_GT(s.size, 0u) << name << ": " << s.name;
		}
		EXPECT_NEAR(total / 1e9, kSeconds, 0.1)
			<< name << ": " << track << " segment durations " << durations;

		/*
		 * Video segments start on key frames near every target duration: from the
		 * encoder's 1 s GOP in VOD cases, and only from cmafsink's key unit requests in
		 * the live cases, whose encoders have no key frame interval of their own.
		 */
		if (std::string(track) == "video_0") {
			for (size_t i = 0; i + 1 < segments.size(); ++i)
				EXPECT_LE(segments[i].duration / 1e9, kTargetDuration + 0.5)
					<< name << ": video segment " << segments[i].name
					<< " too long; durations: " << durations
					<< (c.mode == Mode::Live
						    ? "(key unit requests not honoured?)"
						    : "");
		}
	}

	/* VOD, and a live stream after EOS (DASH-IF: dynamic becomes static at the end). */
	std::string mpd = readText(dir.file("manifest.mpd"));
	EXPECT_NE(mpd.find("type=\"static\""), std::string::npos) << name << ":\n" << mpd;
	EXPECT_NE(mpd.find("mediaPresentationDuration="), std::string::npos)
		<< name << ": MPD after EOS:\n"
		<< mpd;
}

void PlayerTest::checkClients(const OutputDir &dir)
{
	const std::string name = caseName(GetParam());
	StaticFileServer server(dir.path());
	std::string error;
	ASSERT_TRUE(server.start(error)) << error;

	/*
	 * The manifests are final (EOS happened): HLS has ENDLIST and the MPD is static in both
	 * modes, so no client waits for a wall clock.
	 */
	TimelineExpectation packets;
	packets.duration = kSeconds;
	packets.durationTolerance = 0.1;
	if (GetParam().codecs.audio == AudioCodec::Opus)
		packets.primingTolerance = 312.0 / 48000 + 0.001; /* opusenc's pre-skip */

	for (const char *manifest : {"master.m3u8", "manifest.mpd"}) {
		std::string url = server.baseUrl() + "/" + manifest;
		ProcessResult r = runProcess(ffprobeCommand(url), kClientTimeout);
		std::vector<std::string> problems;
		if (r.timedOut)
			problems.push_back(stuckHint(r, manifest));
		else if (!r.succeeded() || !r.err.empty())
			problems.push_back("ffprobe failed or reported errors");
		Timelines t = parseFfprobe(r.out, problems);
		auto more = checkTimelines(t, packets);
		problems.insert(problems.end(), more.begin(), more.end());
		EXPECT_TRUE(problems.empty())
			<< "[" << name << "] ffprobe via " << manifest << ":\n"
			<< joinLines(problems) << summarize(t) << r.describe();
	}

	TimelineExpectation buffers = packets;
	buffers.packets = false;
	for (const char *manifest : {"master.m3u8", "manifest.mpd"}) {
		std::string url = server.baseUrl() + "/" + manifest;
		ProcessResult r = runProcess(playCommand(url), kClientTimeout);
		const char *demuxer
			= std::string(manifest).ends_with(".m3u8") ? "hlsdemux2" : "dashdemux2";
		std::vector<std::string> problems;
		if (r.timedOut)
			problems.push_back(stuckHint(r, manifest));
		else if (!r.succeeded())
			problems.push_back("playbin3 did not reach EOS cleanly");
		if (r.out.find(std::string("element|factory=") + demuxer + "|")
		    == std::string::npos)
			problems.push_back(std::string("playbin3 did not use ") + demuxer);
		Timelines t = parseFfprobe(r.out, problems);
		auto more = checkTimelines(t, buffers);
		problems.insert(problems.end(), more.begin(), more.end());
		EXPECT_TRUE(problems.empty())
			<< "[" << name << "] playbin3 (" << demuxer << ") via " << manifest << ":\n"
			<< joinLines(problems) << summarize(t) << r.describe()
			<< "\nHTTP requests: " << requestsFor(server);
	}
}

TEST_P(PlayerTest, EveryClientDecodesEverything)
{
	const PlayerCase &c = GetParam();
	OutputDir dir("sluice-players");
	ASSERT_FALSE(dir.path().empty());

	SourceSpec spec;
	spec.seconds = kSeconds;
	std::string sink = "cmafsink name=sink location=" + dir.path()
		+ " target-duration=" + std::to_string(kTargetDuration);
	if (c.mode == Mode::Vod) {
		/* Key frames come from the encoder's 1 s GOP alone. */
		spec.gopFrames = kFrameRate;
		sink += " playlist-type=vod send-keyframe-requests=false";
	} else {
		/*
		 * No GOP of the encoder's own: segments depend on cmafsink's requests. Except
		 * AV1: av1enc 1.22 ignores force-key-unit requests (a single 6 s segment comes
		 * out), so it gets the 1 s GOP here too.
		 */
		spec.gopFrames = c.codecs.video == VideoCodec::AV1 ? kFrameRate : 0;
		sink += " playlist-type=live window-size=0";
	}
	std::string description = sink + "  " + sourceBranches(c.codecs, spec, "sink");

	ProducerResult produced = runProducer(description, 240);
	ASSERT_TRUE(produced.reachedEos)
		<< "[" << caseName(c) << "] producer: " << produced.error << "\n  " << description;
	std::cerr << "[" << caseName(c) << "] produced " << produced.segments.size()
		  << " segments in " << produced.wallSeconds << " s\n";

	checkOutput(dir, produced);
	checkClients(dir);

	if (HasFailure()) {
		dir.keep();
		std::cerr << "[" << caseName(c) << "] output kept in " << dir.path() << "\n"
			  << "pipeline: " << description << "\n";
	}
}

const CodecPair kPairs[] = {
	{"h264-aac", VideoCodec::H264, AudioCodec::AAC},
	{"h265-aac", VideoCodec::H265, AudioCodec::AAC},
	{"vp9-opus", VideoCodec::VP9, AudioCodec::Opus},
	{"av1-opus", VideoCodec::AV1, AudioCodec::Opus},
};

std::vector<PlayerCase> allCases()
{
	std::vector<PlayerCase> cases;
	for (const auto &pair : kPairs) {
		cases.push_back({pair, Mode::Vod});
		cases.push_back({pair, Mode::Live});
	}
	return cases;
}

INSTANTIATE_TEST_SUITE_P(Matrix, PlayerTest, testing::ValuesIn(allCases()),
			 [](const testing::TestParamInfo<PlayerCase> &p) {
				 std::string n = caseName(p.param);
				 for (char &ch : n) {
					 if (!g_ascii_isalnum(ch))
						 ch = '_';
				 }
				 return n;
			 });

} /* namespace */
