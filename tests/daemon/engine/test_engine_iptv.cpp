/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Real IPTV players on the demo's transcoded channels (sluiced --demo, Universal): mpv and VLC
 * from Debian read the continuous .ts of a VP9 + Opus channel, which sluiced transcodes to
 * H.264 + AAC; ffprobe and playbin3 read the HLS v3 (MPEG-TS segments) of the AV1 channel;
 * and two channels played at once, one of them transcoded, both keep real time for 30 s.
 */

#include <gtest/gtest.h>

#include <unistd.h>

#include <future>
#include <map>
#include <string>
#include <vector>

#include <glib/gstdio.h>

#include "playercheck.h"
#include "sluicedtest.h"

using namespace sluice::test;

namespace {

constexpr double kMinSeconds = 10;
constexpr unsigned kWatchS = 12; /* how long mpv and VLC play */

/* The demo channels, by their place in data/demo.m3u. */
constexpr size_t kH264 = 0;
constexpr size_t kVp9Opus = 2;
constexpr size_t kAv1Opus = 3;

/* Files in dir whose name ends with suffix. */
size_t countFiles(const std::string &dir, const char *suffix)
{
	size_t count = 0;
	g_autoptr(GDir) listing = g_dir_open(dir.c_str(), 0, nullptr);
	while (const char *name = listing ? g_dir_read_name(listing) : nullptr)
		count += g_str_has_suffix(name, suffix) ? 1 : 0;
	return count;
}

/* Seconds of audio in a WAV file, as ffprobe reads it; 0 when there is none. */
double wavSeconds(const std::string &path)
{
	ProcessResult r = runProcess({"ffprobe", "-v", "error", "-show_entries", "format=duration",
				      "-of", "csv=p=0", path},
				     30);
	return r.succeeded() ? g_ascii_strtod(r.out.c_str(), nullptr) : 0;
}

bool have(const char *program)
{
	g_autofree char *path = g_find_program_in_path(program);
	return path != nullptr;
}

class IptvPlayers : public ::testing::Test
{
protected:
	static void SetUpTestSuite()
	{
		dir_ = new TempDir;
		sluiced_ = new Sluiced;
		ASSERT_TRUE(sluiced_->start(dir_->file("state"),
					    "[live]\nsegment_duration=2\nchannel_idle_timeout=3\n",
					    {"--demo"}))
			<< sluiced_->output();
		Http http;
		ids_ = new std::vector<std::string>(channelIds(http, sluiced_->base()));
		ASSERT_GE(ids_->size(), 4u);
	}
	static void TearDownTestSuite()
	{
		EXPECT_EQ(sluiced_->stop(), 0) << sluiced_->output();
		delete sluiced_;
		delete dir_;
		delete ids_;
	}

	static std::string url(size_t channel, const std::string &rest = "")
	{
		return sluiced_->base() + "/live/demo/" + (*ids_)[channel] + rest;
	}

	/* An output directory every user may write to (VLC runs as nobody). */
	std::string outputDir(const char *name)
	{
		const std::string path = dir_->file(name);
		g_mkdir_with_parents(path.c_str(), 0777);
		g_chmod(path.c_str(), 0777);
		/* The temporary directory itself is private: nobody may pass through it. */
		g_chmod(dir_->path().c_str(), 0711);
		return path;
	}

	static TempDir *dir_;
	static Sluiced *sluiced_;
	static std::vector<std::string> *ids_;
	Http http_;
};

TempDir *IptvPlayers::dir_ = nullptr;
Sluiced *IptvPlayers::sluiced_ = nullptr;
std::vector<std::string> *IptvPlayers::ids_ = nullptr;

/*
 * mpv as an IPTV user runs it, with its own User-Agent. What it decoded is kept: one picture
 * a second (the image output behind an fps filter) and every audio sample (a WAV file).
 */
TEST_F(IptvPlayers, MpvPlaysATranscodedChannelAsTs)
{
	ASSERT_TRUE(have("mpv")) << "mpv is missing: scripts/install-deps.sh installs it";
	const std::string out = outputDir("mpv");
	ProcessResult r = runProcess({"mpv", "--no-config", "--really-quiet", "--user-agent=libmpv",
				      "--vo=image", "--vo-image-format=jpg",
				      "--vo-image-outdir=" + out, "--vf=lavfi=[fps=1]", "--ao=pcm",
				      "--ao-pcm-file=" + out + "/audio.wav",
				      "--length=" + std::to_string(kWatchS), url(kVp9Opus, ".ts")},
				     90);
	ASSERT_TRUE(r.succeeded()) << r.describe() << "\n" << sluiced_->output();
	EXPECT_GE(countFiles(out, ".jpg"), size_t(kMinSeconds))
		<< "pictures mpv decoded, one a second";
	EXPECT_GE(wavSeconds(out + "/audio.wav"), kMinSeconds) << "audio mpv decoded";
}

/*
 * VLC (cvlc), which refuses to run as root: as nobody then. The scene filter keeps every
 * 30th decoded picture (one a second at 30 fps), afile every decoded audio sample.
 */
TEST_F(IptvPlayers, VlcPlaysATranscodedChannelAsTs)
{
	ASSERT_TRUE(have("cvlc")) << "VLC is missing: scripts/install-deps.sh installs it";
	const std::string out = outputDir("vlc");
	std::vector<std::string> argv;
	if (geteuid() == 0)
		argv = {"runuser", "-u", "nobody", "--"};
	argv.insert(argv.end(),
		    {"cvlc", "--no-one-instance", "--no-interact", "-I", "dummy", "--vout=dummy",
		     "--aout=afile", "--audiofile-file=" + out + "/audio.wav",
		     "--video-filter=scene", "--scene-path=" + out, "--scene-prefix=picture",
		     "--scene-format=png", "--scene-ratio=30",
		     "--run-time=" + std::to_string(kWatchS), "--play-and-exit",
		     "--http-user-agent=VLC/3.0.18 LibVLC/3.0.18", url(kVp9Opus, ".ts")});
	ProcessResult r = runProcess(argv, 90);
	ASSERT_TRUE(r.succeeded()) << r.describe() << "\n" << sluiced_->output();
	EXPECT_GE(countFiles(out, ".png"), size_t(kMinSeconds))
		<< "pictures VLC decoded, one a second\n"
		<< r.describe();
	EXPECT_GE(wavSeconds(out + "/audio.wav"), kMinSeconds) << "audio VLC decoded\n"
							       << r.describe();
}

/* HLS v3 for players that take only MPEG-TS segments, of a channel that needs a transcode. */
TEST_F(IptvPlayers, LegacyHlsOfATranscodedChannel)
{
	const std::string legacy = url(kAv1Opus, ".m3u8?format=mpegts");
	Reply playlist = http_.get(legacy);
	ASSERT_EQ(playlist.status, 200u) << playlist.body << "\n" << sluiced_->output();
	EXPECT_EQ(playlist.header("X-Sluice-Decision"), "transcode");
	EXPECT_EQ(playlist.header("X-Sluice-Container"), "mpegts");

	struct Client {
		const char *label;
		std::vector<std::string> argv;
		bool gstreamer;
		std::future<ProcessResult> result;
	};
	Client clients[] = {
		{"ffprobe",
		 ffprobeCommand(legacy,
				{"-read_intervals", "%+" + std::to_string(int(kMinSeconds) + 3)}),
		 false,
		 {}},
		{"playbin3", {SLUICE_PLAY, legacy, "14"}, true, {}},
	};
	for (Client &c : clients)
		c.result = std::async(std::launch::async, runProcess, c.argv, 90);
	for (Client &c : clients) {
		ProcessResult r = c.result.get();
		ASSERT_TRUE(r.succeeded()) << c.label << ": " << r.describe();
		Timelines timelines;
		std::vector<std::string> problems
			= checkLiveClient(r, c.gstreamer, kMinSeconds, &timelines);
		EXPECT_TRUE(problems.empty()) << c.label << ":\n"
					      << joinLines(problems) << "\n"
					      << summarize(timelines);
		if (c.gstreamer) {
			EXPECT_NE(r.out.find("element|factory=tsdemux|"), std::string::npos)
				<< "playbin3 read MPEG-TS segments";
		}
	}
}

/*
 * A household watches two channels: the H.264 one (repackaged) and the VP9 one (transcoded
 * to H.264 in real time). For 30 s both playlists must grow with the clock: a channel that
 * falls behind lists less media than the time that passed.
 */
TEST_F(IptvPlayers, TwoChannelsAtOnceKeepRealTime)
{
	struct Watched {
		size_t channel;
		std::string media; /* the first media playlist's URL */
		std::map<uint64_t, double> segments; /* every one listed: sequence -> EXTINF */
		uint64_t firstNew = 0; /* the first sequence made after the watch began */
		std::future<ProcessResult> player;
	};
	Watched watched[] = {{kH264, {}, {}, 0, {}}, {kVp9Opus, {}, {}, 0, {}}};
	for (Watched &w : watched) {
		Reply master = http_.get(url(w.channel, ".m3u8"));
		ASSERT_EQ(master.status, 200u) << master.body << "\n" << sluiced_->output();
		const std::string media = firstVariantUri(master.body);
		ASSERT_FALSE(media.empty()) << master.body;
		w.media = sluiced_->base() + "/live/demo/" + media;
		/* A player on each, as in the living room. */
		w.player = std::async(
			std::launch::async, runProcess,
			ffprobeCommand(url(w.channel, ".m3u8"), {"-read_intervals", "%+36"}), 120);
	}
	/* Adds the segments a playlist lists now (polled often enough to see every one). */
	auto poll = [this](Watched &w) {
		Reply playlist = http_.get(w.media);
		const size_t sequenceAt = playlist.body.find("#EXT-X-MEDIA-SEQUENCE:");
		if (playlist.status != 200 || sequenceAt == std::string::npos)
			return false;
		auto sequence = static_cast<uint64_t>(
			g_ascii_strtoull(playlist.body.c_str() + sequenceAt + 22, nullptr, 10));
		for (size_t at = playlist.body.find("#EXTINF:"); at != std::string::npos;
		     at = playlist.body.find("#EXTINF:", at + 1))
			w.segments[sequence++]
				= g_ascii_strtod(playlist.body.c_str() + at + 8, nullptr);
		return true;
	};
	for (Watched &w : watched) {
		ASSERT_TRUE(poll(w)) << w.media << "\n" << sluiced_->output();
		w.firstNew = w.segments.rbegin()->first + 1;
	}
	const gint64 start = g_get_monotonic_time();
	while (g_get_monotonic_time() - start < 30 * G_USEC_PER_SEC) {
		for (Watched &w : watched)
			ASSERT_TRUE(poll(w)) << w.media << "\n" << sluiced_->output();
		g_usleep(250 * 1000);
	}
	const double wall = double(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
	for (Watched &w : watched) {
		double made = 0;
		for (auto it = w.segments.lower_bound(w.firstNew); it != w.segments.end(); ++it)
			made += it->second;
		/* Segments come whole: up to one late at either end, and a loaded CI machine. */
		EXPECT_GE(made, wall - 6.0)
			<< "channel " << (*ids_)[w.channel] << " made " << made << " s of media in "
			<< wall << " s\n"
			<< http_.get(sluiced_->base() + "/api/v1/sessions").body;
		ProcessResult r = w.player.get();
		ASSERT_TRUE(r.succeeded()) << r.describe();
		Timelines timelines;
		std::vector<std::string> problems = checkLiveClient(r, false, 30, &timelines);
		EXPECT_TRUE(problems.empty()) << "channel " << (*ids_)[w.channel] << ":\n"
					      << joinLines(problems) << "\n"
					      << summarize(timelines);
	}
}

} /* namespace */
