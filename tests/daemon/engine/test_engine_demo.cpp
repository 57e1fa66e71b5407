/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The demo as a NAS owner meets it (sluiced --demo, the default profile Universal): every demo
 * channel through its negotiated URL, /live/demo/{n}, with the User-Agents of VLC, mpv, Kodi,
 * TiviMate, Safari on iOS, Chrome, a smart TV and a set-top box. Each player is stood in for
 * by ffprobe (libavformat, sending that User-Agent) and by playbin3 (sluice-play, likewise),
 * and each must decode at least 10 s of audio and video without a gap: the TS-preferring
 * players get continuous MPEG-TS, the others HLS, and the channels whose source is H.265, VP9
 * or AV1 are transcoded to H.264 + AAC for all of them.
 */

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <string>
#include <vector>

#include "playercheck.h"
#include "sluicedtest.h"

using namespace sluice::test;

namespace {

constexpr double kMinSeconds = 10; /* media every player must decode */
constexpr unsigned kViewS = 14; /* how long a playbin3 viewer watches */
/* Players at once: eight decoders of a 1080p channel next to a transcode fill two cores. */
constexpr size_t kAtOnce = 8;

struct Player {
	const char *name;
	const char *userAgent;
	const char *extension; /* where the negotiated URL sends it */
};

const Player kPlayers[] = {
	{"VLC", "VLC/3.0.18 LibVLC/3.0.18", ".ts"},
	{"mpv", "libmpv", ".ts"},
	{"Kodi", "Kodi/20.2 (X11; Linux x86_64) Debian/12 App_Bitness/64 Version/20.2-(20.2.0)-Git",
	 ".ts"},
	{"TiviMate", "TiviMate/4.7.0 (Android 11)", ".ts"},
	{"Safari iOS",
	 "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
	 "like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
	 ".m3u8"},
	{"Chrome",
	 "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
	 "Chrome/120.0.0.0 Safari/537.36",
	 ".m3u8"},
	{"smart TV",
	 "Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.5) AppleWebKit/537.36 (KHTML, like Gecko) "
	 "85.0.4183.93/6.5 TV Safari/537.36",
	 ".m3u8"},
	{"set-top box",
	 "Mozilla/5.0 (QtEmbedded; U; Linux; C) AppleWebKit/533.3 (KHTML, like Gecko) MAG200 "
	 "stbapp ver: 2 rev: 250 Safari/533.3",
	 ".ts"},
};

/* A demo channel, by its position in data/demo.m3u. */
struct DemoChannel {
	const char *label;
	size_t index;
	bool transcoded; /* Universal re-encodes its video */
};

void PrintTo(const DemoChannel &c, std::ostream *os)
{
	*os << c.label;
}

struct PlayerRun {
	std::string label;
	bool gstreamer = false;
	std::future<ProcessResult> result;
};

class DemoChannels : public ::testing::TestWithParam<DemoChannel>
{
protected:
	static void SetUpTestSuite()
	{
		dir_ = new TempDir;
		sluiced_ = new Sluiced;
		/* The clips come from SLUICE_DEMO_MEDIA (the build's), see tests/meson.build. */
		/* A channel stops soon after its players: the next one has the cores to itself. */
		ASSERT_TRUE(sluiced_->start(dir_->file("state"),
					    "[live]\nsegment_duration=2\nchannel_idle_timeout=3\n",
					    {"--demo"}))
			<< sluiced_->output();
		Http http;
		Json channels(http.get(sluiced_->base() + "/api/v1/channels").body);
		ids_ = new std::vector<std::string>(channelIds(http, sluiced_->base()));
		for (size_t i = 0; i < channels.size("$"); i++) {
			const std::string url
				= channels.str(("$[" + std::to_string(i) + "].stream_url").c_str());
			EXPECT_TRUE(url.starts_with("file://") && url.ends_with(".mkv?loop=1"))
				<< "a demo channel plays a recorded clip, not a live encoder: "
				<< url;
		}
		ASSERT_EQ(ids_->size(), 5u);
	}
	static void TearDownTestSuite()
	{
		EXPECT_EQ(sluiced_->stop(), 0) << sluiced_->output();
		delete sluiced_;
		delete dir_;
		delete ids_;
	}

	/* Polls the media playlist a master playlist lists first until it has count segments. */
	bool waitForSegments(const std::string &masterUrl, size_t count)
	{
		Reply master = http_.get(masterUrl);
		const std::string media = firstVariantUri(master.body);
		if (master.status != 200 || media.empty())
			return false;
		const std::string base = masterUrl.substr(0, masterUrl.rfind('/') + 1);
		for (int i = 0; i < 600; i++) {
			Reply playlist = http_.get(base + media);
			size_t segments = 0;
			for (size_t at = playlist.body.find("#EXTINF"); at != std::string::npos;
			     at = playlist.body.find("#EXTINF", at + 1))
				segments++;
			if (segments >= count)
				return true;
			/* A segment takes two seconds: a tenth of one between polls. */
			g_usleep(200 * 1000);
		}
		return false;
	}

	static TempDir *dir_;
	static Sluiced *sluiced_;
	static std::vector<std::string> *ids_;
	Http http_;
};

TempDir *DemoChannels::dir_ = nullptr;
Sluiced *DemoChannels::sluiced_ = nullptr;
std::vector<std::string> *DemoChannels::ids_ = nullptr;

TEST_P(DemoChannels, EveryPlayerDecodesTenSeconds)
{
	const DemoChannel &channel = GetParam();
	ASSERT_LT(channel.index, ids_->size());
	const std::string url = sluiced_->base() + "/live/demo/" + (*ids_)[channel.index];

	/* Each player is sent where its kind plays best. */
	for (const Player &player : kPlayers) {
		Reply reply = http_.get(url, {{"User-Agent", player.userAgent}});
		EXPECT_EQ(reply.status, 302u) << player.name << ": " << reply.body;
		EXPECT_TRUE(reply.header("Location").ends_with(player.extension))
			<< player.name << " was sent to " << reply.header("Location");
	}

	/*
	 * The channel (and its variant) runs before the players come, as it does for all but the
	 * first viewer; hlsdemux2 1.22 cannot start from a one-segment live playlist.
	 */
	ASSERT_TRUE(waitForSegments(url + ".m3u8", 3)) << http_.get(url + ".m3u8").body << "\n"
						       << sluiced_->output();
	Reply master = http_.get(url + ".m3u8");
	EXPECT_EQ(master.header("X-Sluice-Decision"),
		  channel.transcoded ? "transcode" : "repackage");

	std::vector<PlayerRun> runs;
	for (const Player &player : kPlayers) {
		runs.push_back({std::string("ffprobe as ") + player.name, false, {}});
		runs.push_back({std::string("playbin3 as ") + player.name, true, {}});
	}
	for (size_t first = 0; first < runs.size(); first += kAtOnce) {
		const size_t last = std::min(runs.size(), first + kAtOnce);
		for (size_t i = first; i < last; i++) {
			const Player &player = kPlayers[i / 2];
			std::vector<std::string> argv;
			if (runs[i].gstreamer)
				argv = {SLUICE_PLAY,
					std::string("--user-agent=") + player.userAgent, url,
					std::to_string(kViewS)};
			else
				argv = ffprobeCommand(
					url,
					{"-user_agent", player.userAgent, "-read_intervals",
					 "%+" + std::to_string(int(kMinSeconds) + 3)});
			runs[i].result = std::async(std::launch::async, runProcess, argv, 90);
		}
		for (size_t i = first; i < last; i++) {
			PlayerRun &run = runs[i];
			ProcessResult r = run.result.get();
			ASSERT_TRUE(r.succeeded()) << run.label << ": " << r.describe() << "\n"
						   << sluiced_->output();
			Timelines timelines;
			std::vector<std::string> problems
				= checkLiveClient(r, run.gstreamer, kMinSeconds, &timelines);
			EXPECT_TRUE(problems.empty())
				<< run.label << " (" << r.wallSeconds << " s):\n"
				<< joinLines(problems) << "\n"
				<< summarize(timelines);
		}
	}
}

INSTANTIATE_TEST_SUITE_P(Demo, DemoChannels,
			 ::testing::Values(DemoChannel {"smpte_h264_aac_720p", 0, false},
					   DemoChannel {"ball_h265_aac", 1, true},
					   DemoChannel {"colors_vp9_opus", 2, true},
					   DemoChannel {"snow_av1_opus", 3, true},
					   DemoChannel {"smpte_h264_aac_1080p", 4, false}),
			 [](const auto &test) { return std::string(test.param.label); });

} /* namespace */
