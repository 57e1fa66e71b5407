/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Smart-mode stream URLs against a real sluiced: cold start, HLS and DASH played by ffprobe
 * and GStreamer, one pipeline for many clients, a source that is down, idle teardown.
 */

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "pacedtsserver.h"
#include "sluicedtest.h"

using namespace sluice::test;

namespace {

/* 320x240 H.264 + AAC at 25 fps: cheap enough for two shared cores. */
constexpr char kTestUri[] = "test://smpte?codec=h264&width=320&height=240&fps=25";
constexpr int kIdleS = 2;

/* Video frame times ffprobe decodes from 6 s of the stream. */
std::vector<double> ffprobeFrames(const std::string &url)
{
	CommandRun probe = runCommand({"timeout", "40", "ffprobe", "-v", "error", "-read_intervals",
				       "%+6", "-select_streams", "v:0", "-show_entries",
				       "frame=pts_time", "-of", "csv=p=0", url});
	std::vector<double> times;
	g_auto(GStrv) lines = g_strsplit(probe.out.c_str(), "\n", -1);
	for (char **line = lines; *line; line++) {
		if (**line >= '0' && **line <= '9')
			times.push_back(g_ascii_strtod(*line, nullptr));
	}
	return times;
}

/* ffprobe's video frames of the first seconds of a .ts URL: "key_frame,pts_time" lines. */
std::vector<std::pair<int, double>> ffprobeTsFrames(const std::string &url, int seconds)
{
	CommandRun probe
		= runCommand({"timeout", "30", "ffprobe", "-v", "error", "-read_intervals",
			      "%+" + std::to_string(seconds), "-select_streams", "v:0",
			      "-show_entries", "frame=key_frame,pts_time", "-of", "csv=p=0", url});
	std::vector<std::pair<int, double>> frames;
	g_auto(GStrv) lines = g_strsplit(probe.out.c_str(), "\n", -1);
	for (char **line = lines; *line; line++) {
		if ((**line == '0' || **line == '1') && (*line)[1] == ',')
			frames.emplace_back(**line - '0', g_ascii_strtod(*line + 2, nullptr));
	}
	return frames;
}

class EngineLive : public ::testing::Test
{
protected:
	static void SetUpTestSuite()
	{
		dir_ = new TempDir;
		sluiced_ = new Sluiced;
		const std::string config = "[live]\nchannel_idle_timeout=" + std::to_string(kIdleS)
			+ "\nsegment_duration=1\n";
		ASSERT_TRUE(sluiced_->start(dir_->file("state"), config, {},
					    {{"SLUICE_START_TIMEOUT", "4"}}))
			<< sluiced_->output();
		Http http;
		testId_ = addChannel(http, "Test", kTestUri);
		downId_ = addChannel(http, "Down", "http://127.0.0.1:1/none.ts");
		Reply proxy = http.postJson(sluiced_->base() + "/api/v1/proxies",
					    R"({"name":"smart","channel_ids":[)" + testId_ + ","
						    + downId_ + "]}");
		ASSERT_EQ(proxy.status, 201u) << proxy.body;
		Reply direct
			= http.postJson(sluiced_->base() + "/api/v1/proxies",
					R"({"name":"direct","proxy_mode":"direct","channel_ids":[)"
						+ testId_ + "]}");
		ASSERT_EQ(direct.status, 201u) << direct.body;
	}
	static void TearDownTestSuite()
	{
		EXPECT_EQ(sluiced_->stop(), 0) << sluiced_->output();
		delete sluiced_;
		delete dir_;
	}

	static std::string addChannel(Http &http, const std::string &name, const std::string &url)
	{
		Reply reply = http.postJson(sluiced_->base() + "/api/v1/channels",
					    R"({"name":")" + name + R"(","stream_url":")" + url
						    + "\"}");
		EXPECT_EQ(reply.status, 201u) << reply.body;
		return std::to_string(Json(reply.body).num("$.id"));
	}

	std::string url(const std::string &path) const { return sluiced_->base() + path; }
	std::string live(const std::string &rest) const { return url("/live/smart/" + rest); }

	/* Sessions until pred holds or timeoutS passes; the last answer. */
	template <typename Pred>
	std::string waitSessions(Pred pred, int timeoutS)
	{
		std::string body;
		for (int i = 0; i < timeoutS * 10; i++) {
			body = http_.get(url("/api/v1/sessions")).body;
			if (pred(Json(body)))
				break;
			g_usleep(100 * 1000);
		}
		return body;
	}

	static TempDir *dir_;
	static Sluiced *sluiced_;
	static std::string testId_;
	static std::string downId_;
	Http http_;
};

TempDir *EngineLive::dir_ = nullptr;
Sluiced *EngineLive::sluiced_ = nullptr;
std::string EngineLive::testId_;
std::string EngineLive::downId_;

TEST_F(EngineLive, HlsAndDashFromOneColdChannel)
{
	/* Five clients at once on a cold channel: one pipeline answers them all. */
	std::vector<std::future<Reply>> replies;
	for (int i = 0; i < 5; i++)
		replies.push_back(std::async(std::launch::async, [this, i] {
			Http http;
			return http.get(live(testId_ + (i % 2 ? ".mpd" : ".m3u8")));
		}));
	std::string master, mpd;
	for (size_t i = 0; i < replies.size(); i++) {
		Reply reply = replies[i].get();
		ASSERT_EQ(reply.status, 200u) << reply.body << sluiced_->output();
		EXPECT_EQ(reply.header("Cache-Control"), "no-cache");
		EXPECT_EQ(reply.header("Access-Control-Allow-Origin"), "*");
		EXPECT_EQ(reply.header("X-Sluice-Decision"), "repackage");
		EXPECT_EQ(reply.header("X-Sluice-Container"), "fmp4");
		(i % 2 ? mpd : master) = reply.body;
		EXPECT_EQ(reply.header("Content-Type"),
			  i % 2 ? "application/dash+xml" : "application/vnd.apple.mpegurl");
	}
	Json sessions(http_.get(url("/api/v1/sessions")).body);
	ASSERT_EQ(sessions.size("$"), 1u);
	EXPECT_EQ(std::to_string(sessions.num("$[0].channel_id")), testId_);
	EXPECT_EQ(sessions.str("$[0].state"), "running");
	EXPECT_EQ(sessions.str("$[0].stream_url"), kTestUri);
	EXPECT_EQ(sessions.str("$[0].source.video_codec"), "h264");
	EXPECT_EQ(sessions.str("$[0].decision"), "repackage");
	EXPECT_GE(sessions.num("$[0].segments"), 2);
	EXPECT_GE(sessions.num("$[0].clients"), 1);

	/* The same, for Prometheus. */
	const std::string metrics = http_.get(url("/metrics")).body;
	EXPECT_NE(metrics.find("sluice_engine_channels{state=\"running\"} 1\n"), std::string::npos)
		<< metrics;
	const std::string segments = "sluice_channel_segments_total{channel=\"" + testId_ + "\"} ";
	const size_t segmentsAt = metrics.find(segments);
	ASSERT_NE(segmentsAt, std::string::npos) << metrics;
	EXPECT_GE(std::stoll(metrics.substr(segmentsAt + segments.size())), 2);
	EXPECT_NE(metrics.find("sluice_channel_bytes_out_total{channel=\"" + testId_ + "\"} "),
		  std::string::npos);

	/* The multivariant playlist points into the channel's directory; so does the MPD. */
	EXPECT_NE(master.find("#EXT-X-VERSION:7"), std::string::npos) << master;
	EXPECT_NE(master.find("\n" + testId_ + "/video_0.m3u8"), std::string::npos) << master;
	EXPECT_NE(mpd.find("<BaseURL>" + testId_ + "/</BaseURL>"), std::string::npos) << mpd;

	Reply media = http_.get(live(testId_ + "/video_0.m3u8"));
	ASSERT_EQ(media.status, 200u);
	EXPECT_EQ(media.header("Content-Type"), "application/vnd.apple.mpegurl");
	EXPECT_NE(media.body.find("#EXT-X-MAP:URI=\"video_0-init-0.mp4\""), std::string::npos)
		<< media.body;
	Reply init = http_.get(live(testId_ + "/video_0-init-0.mp4"));
	ASSERT_EQ(init.status, 200u);
	EXPECT_EQ(init.header("Content-Type"), "video/mp4");
	EXPECT_EQ(init.body.substr(4, 4), "ftyp");

	/* The newest segment the playlist lists, whole and by range. */
	const size_t last = media.body.rfind("video_0-");
	const std::string segment = media.body.substr(last, media.body.find('\n', last) - last);
	Reply whole = http_.get(live(testId_ + "/" + segment));
	ASSERT_EQ(whole.status, 200u) << segment;
	EXPECT_EQ(whole.header("Content-Type"), "video/iso.segment");
	EXPECT_NE(whole.header("Cache-Control").find("max-age="), std::string::npos);
	Reply part = http_.get(live(testId_ + "/" + segment), {{"Range", "bytes=4-11"}});
	EXPECT_EQ(part.status, 206u);
	EXPECT_EQ(part.body, whole.body.substr(4, 8));
	Reply head = http_.request("HEAD", live(testId_ + "/" + segment));
	EXPECT_EQ(head.status, 200u);
	EXPECT_TRUE(head.body.empty());
	EXPECT_EQ(http_.get(live(testId_ + "/video_0-99999.m4s")).status, 404u);
	/* An encoded slash never reaches cmafsink: the router or the name check refuses it. */
	const unsigned escaped = http_.get(live(testId_ + "/..%2Fx.m4s")).status;
	EXPECT_TRUE(escaped == 400u || escaped == 404u) << escaped;

	/* Negotiated: a 302 to the format determineContainer picks. */
	Reply negotiated = http_.get(live(testId_), {{"Accept", "application/dash+xml"}});
	EXPECT_EQ(negotiated.status, 302u);
	EXPECT_TRUE(negotiated.header("Location").ends_with("/live/smart/" + testId_ + ".mpd"))
		<< negotiated.header("Location");

	/* Real players, both at once: ffprobe decodes 6 s of HLS and of DASH. */
	auto hls = std::async(std::launch::async,
			      [&] { return ffprobeFrames(live(testId_ + ".m3u8")); });
	auto dash = std::async(std::launch::async,
			       [&] { return ffprobeFrames(live(testId_ + ".mpd")); });
	for (auto *future : {&hls, &dash}) {
		std::vector<double> frames = future->get();
		ASSERT_GE(frames.size(), 100u) << (future == &hls ? "HLS" : "DASH");
		EXPECT_GE(frames.back() - frames.front(), 5.0);
	}

	/*
	 * GStreamer's playbin3 (hlsdemux2) keeps playing HLS. dashdemux2 is left out: it plays
	 * nothing of cmafsink's MPD, served by sluice-demo just as by sluiced (a cmafsink issue).
	 */
	auto play = [&](const std::string &uri) {
		return runCommand({"timeout", "6", "gst-launch-1.0", "-v", "playbin3", "uri=" + uri,
				   "video-sink=fakesink silent=false", "audio-sink=fakesink"});
	};
	auto gstHls = std::async(std::launch::async, play, live(testId_ + ".m3u8"));
	for (auto *future : {&gstHls}) {
		CommandRun gst = future->get();
		const char *which = "HLS";
		EXPECT_EQ(gst.status, 124) << which << "\n" << gst.out.substr(0, 4000);
		EXPECT_EQ(gst.out.find("ERROR"), std::string::npos) << which << "\n"
								    << gst.out.substr(0, 4000);
		size_t chains = 0;
		for (size_t at = gst.out.find("chain"); at != std::string::npos;
		     at = gst.out.find("chain", at + 1))
			chains++;
		EXPECT_GE(chains, 50u) << which << "\n" << gst.out.substr(0, 4000);
	}

	Json after(http_.get(url("/api/v1/sessions")).body);
	EXPECT_EQ(after.size("$"), 1u);
	EXPECT_GT(after.num("$[0].bytes_out"), 10000);
}

/*
 * A player at the live edge that asks for the segment being made gets it once it is made
 * (FFmpeg's DASH reader asks that early); one further ahead is a 404 at once.
 */
TEST_F(EngineLive, TheSegmentBeingMadeIsHeldNotRefused)
{
	Reply media = http_.get(live(testId_ + "/video_0.m3u8"));
	if (media.status != 200) {
		/* A cold channel: its first playlist request starts it. */
		ASSERT_EQ(http_.get(live(testId_ + ".m3u8")).status, 200u);
		media = http_.get(live(testId_ + "/video_0.m3u8"));
	}
	ASSERT_EQ(media.status, 200u) << media.body;
	const size_t last = media.body.rfind("video_0-");
	ASSERT_NE(last, std::string::npos) << media.body;
	const uint64_t newest = std::stoull(media.body.substr(last + 8));

	const auto start = std::chrono::steady_clock::now();
	Reply next = http_.get(live(testId_ + "/video_0-" + std::to_string(newest + 1) + ".m4s"));
	const double waited
		= std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
	EXPECT_EQ(next.status, 200u) << next.body;
	EXPECT_EQ(next.header("content-type"), "video/iso.segment");
	EXPECT_LT(waited, 3.0); /* within a segment duration (1 s) or so */

	Reply ahead = http_.get(live(testId_ + "/video_0-" + std::to_string(newest + 5) + ".m4s"));
	EXPECT_EQ(ahead.status, 404u) << ahead.body;
}

TEST_F(EngineLive, SourceDownAnswers503WithAReason)
{
	const int64_t start = g_get_monotonic_time();
	Reply reply = http_.get(live(downId_ + ".m3u8"));
	const double seconds = (g_get_monotonic_time() - start) / 1e6;
	EXPECT_EQ(reply.status, 503u) << reply.body;
	EXPECT_LT(seconds, 8.0);
	Json body(reply.body);
	EXPECT_EQ(body.str("$.error.code"), "source_unavailable");
	EXPECT_NE(body.str("$.error.message").find("127.0.0.1:1/none.ts"), std::string::npos)
		<< reply.body;
	/* The cause, not GStreamer's "Internal data stream error". */
	EXPECT_NE(body.str("$.error.message").find("Connection refused (port 1)"),
		  std::string::npos)
		<< reply.body;
	EXPECT_FALSE(reply.header("Retry-After").empty());
	RecordProperty("reason", body.str("$.error.message"));
	/* Failed: the next request answers at once. */
	const int64_t again = g_get_monotonic_time();
	EXPECT_EQ(http_.get(live(downId_ + ".mpd")).status, 503u);
	EXPECT_LT((g_get_monotonic_time() - again) / 1e6, 1.0);
}

TEST_F(EngineLive, TsOfATestChannelIsMuxed)
{
	Reply head = http_.request("HEAD", live(testId_ + ".ts"));
	EXPECT_EQ(head.status, 200u);
	EXPECT_EQ(head.header("Content-Type"), "video/MP2T");
	auto frames = ffprobeTsFrames(live(testId_ + ".ts"), 3);
	ASSERT_GE(frames.size(), 40u) << sluiced_->output();
	EXPECT_EQ(frames.front().first, 1) << "the first frame is a keyframe";
	Json sessions(http_.get(url("/api/v1/sessions")).body);
	EXPECT_EQ(sessions.str("$[0].decision"), "repackage");
}

TEST_F(EngineLive, TsSourceOneUpstreamForFiveClients)
{
	TempDir media;
	const std::string file = media.file("source.ts");
	CommandRun made = makeTsFile(file, 320, 240, 20);
	ASSERT_EQ(made.status, 0) << made.out;
	PacedTsServer upstream(file, 20.0);
	const std::string id = addChannel(http_, "TS", upstream.url());
	Reply proxy = http_.postJson(url("/api/v1/proxies"),
				     R"({"name":"tsproxy","channel_ids":[)" + id + "]}");
	ASSERT_EQ(proxy.status, 201u) << proxy.body;
	const std::string base = url("/live/tsproxy/" + id);

	/* Five clients at once: two continuous TS, three HLS. */
	std::vector<std::future<std::vector<std::pair<int, double>>>> ts;
	for (int i = 0; i < 2; i++)
		ts.push_back(std::async(std::launch::async,
					[&] { return ffprobeTsFrames(base + ".ts", 3); }));
	std::vector<std::future<unsigned>> hls;
	for (int i = 0; i < 3; i++)
		hls.push_back(std::async(std::launch::async, [&] {
			Http http;
			return http.get(base + ".m3u8").status;
		}));
	for (auto &status : hls)
		EXPECT_EQ(status.get(), 200u);
	for (auto &frames : ts) {
		auto got = frames.get();
		ASSERT_GE(got.size(), 40u) << sluiced_->output();
		EXPECT_EQ(got.front().first, 1) << "the first frame is a keyframe";
	}
	EXPECT_EQ(upstream.requests(), 1);
	Json sessions(http_.get(url("/api/v1/sessions")).body);
	bool found = false;
	for (size_t i = 0; i < sessions.size("$"); i++) {
		const std::string at = "$[" + std::to_string(i) + "]";
		if (std::to_string(sessions.num((at + ".channel_id").c_str())) != id)
			continue;
		found = true;
		EXPECT_EQ(sessions.str((at + ".source.type").c_str()), "mpegts");
		EXPECT_EQ(sessions.str((at + ".decision").c_str()), "passthrough");
	}
	EXPECT_TRUE(found);
}

TEST_F(EngineLive, IdleChannelsStop)
{
	Reply reply = http_.get(live(testId_ + ".m3u8"));
	ASSERT_EQ(reply.status, 200u) << reply.body;
	/*
	 * The test channel goes; so does the failed one. (The TS source's channel of the test
	 * before may stay: its upstream is gone, so nothing is written to the TS clients that
	 * left, and the fan-out has not noticed them leave.)
	 */
	const std::string test = testId_, down = downId_;
	auto gone = [&](const Json &json) {
		for (size_t i = 0; i < json.size("$"); i++) {
			const std::string id = std::to_string(
				json.num(("$[" + std::to_string(i) + "].channel_id").c_str()));
			if (id == test || id == down)
				return false;
		}
		return true;
	};
	std::string body = waitSessions(gone, kIdleS + 8);
	EXPECT_TRUE(gone(Json(body))) << body;
	/* A segment of a stopped channel is gone. */
	EXPECT_EQ(http_.get(live(testId_ + "/video_0-1.m4s")).status, 404u);
}

TEST_F(EngineLive, DirectStillRedirects)
{
	Reply reply = http_.get(url("/live/direct/" + testId_ + ".m3u8"));
	EXPECT_EQ(reply.status, 302u);
	EXPECT_EQ(reply.header("Location"), kTestUri);
}

} /* namespace */
