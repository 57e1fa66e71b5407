/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * HLS v3 with MPEG-TS segments against a real sluiced: ?format=ts and legacy clients, muxed and
 * passthrough, played by ffprobe.
 */

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pacedtsserver.h"
#include "sluicedtest.h"

using namespace sluice::test;

namespace {

/* 320x240 H.264 + AAC at 25 fps: cheap enough for two shared cores. */
constexpr char kTestUri[] = "test://smpte?codec=h264&width=320&height=240&fps=25";

/* ffprobe's video frames of the first seconds of a URL: (key_frame, pts_time). */
std::vector<std::pair<int, double>> ffprobeFrames(const std::string &url, int seconds,
						  std::string *log = nullptr)
{
	CommandRun probe
		= runCommand({"timeout", "40", "ffprobe", "-v", "error", "-read_intervals",
			      "%+" + std::to_string(seconds), "-select_streams", "v:0",
			      "-show_entries", "frame=key_frame,pts_time", "-of", "csv=p=0", url});
	if (log)
		*log = probe.out.substr(0, 3000);
	std::vector<std::pair<int, double>> frames;
	g_auto(GStrv) lines = g_strsplit(probe.out.c_str(), "\n", -1);
	for (char **line = lines; *line; line++) {
		if ((**line == '0' || **line == '1') && (*line)[1] == ',')
			frames.emplace_back(**line - '0', g_ascii_strtod(*line + 2, nullptr));
	}
	return frames;
}

/* The segment URIs of a media playlist, in order. */
std::vector<std::string> segmentUris(const std::string &playlist)
{
	std::vector<std::string> uris;
	g_auto(GStrv) lines = g_strsplit(playlist.c_str(), "\n", -1);
	for (char **line = lines; *line; line++) {
		if (**line && **line != '#')
			uris.emplace_back(*line);
	}
	return uris;
}

class EngineHlsTs : public ::testing::Test
{
protected:
	static void SetUpTestSuite()
	{
		dir_ = new TempDir;
		sluiced_ = new Sluiced;
		ASSERT_TRUE(sluiced_->start(dir_->file("state"),
					    "[live]\nchannel_idle_timeout=5\nsegment_duration=1\n",
					    {}, {{"SLUICE_START_TIMEOUT", "4"}}))
			<< sluiced_->output();
		Http http;
		testId_ = addChannel(http, "Test", kTestUri);
		downId_ = addChannel(http, "Down", "http://127.0.0.1:1/none.ts");
		Reply proxy = http.postJson(sluiced_->base() + "/api/v1/proxies",
					    R"({"name":"demo","channel_ids":[)" + testId_ + ","
						    + downId_ + "]}");
		ASSERT_EQ(proxy.status, 201u) << proxy.body;
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
	std::string live(const std::string &rest) const { return url("/live/demo/" + rest); }

	static TempDir *dir_;
	static Sluiced *sluiced_;
	static std::string testId_;
	static std::string downId_;
	Http http_;
};

TempDir *EngineHlsTs::dir_ = nullptr;
Sluiced *EngineHlsTs::sluiced_ = nullptr;
std::string EngineHlsTs::testId_;
std::string EngineHlsTs::downId_;

TEST_F(EngineHlsTs, PlaylistOfTsSegmentsFromAColdChannel)
{
	const int64_t start = g_get_monotonic_time();
	Reply reply = http_.get(live(testId_ + ".m3u8?format=ts"));
	const double coldS = (g_get_monotonic_time() - start) / 1e6;
	ASSERT_EQ(reply.status, 200u) << reply.body << sluiced_->output();
	RecordProperty("cold_start_s", std::to_string(coldS));
	RecordProperty("playlist", reply.body);
	EXPECT_EQ(reply.header("Content-Type"), "application/vnd.apple.mpegurl");
	EXPECT_EQ(reply.header("Cache-Control"), "no-cache");
	EXPECT_EQ(reply.header("X-Sluice-Container"), "mpegts");
	EXPECT_EQ(reply.header("X-Sluice-Decision"), "repackage");
	EXPECT_EQ(reply.header("Access-Control-Allow-Origin"), "*");
	const std::string &text = reply.body;
	EXPECT_EQ(text.rfind("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:", 0), 0u) << text;
	EXPECT_NE(text.find("#EXT-X-MEDIA-SEQUENCE:"), std::string::npos) << text;
	EXPECT_NE(text.find("#EXTINF:"), std::string::npos) << text;
	EXPECT_EQ(text.find("#EXT-X-MAP"), std::string::npos) << text;
	std::vector<std::string> uris = segmentUris(text);
	ASSERT_FALSE(uris.empty()) << text;
	for (const std::string &uri : uris) {
		EXPECT_TRUE(uri.starts_with(testId_ + "/ts-")) << uri;
		EXPECT_TRUE(uri.ends_with(".ts")) << uri;
	}

	/* The newest segment: whole TS packets, PAT first; HEAD and Range like fMP4 segments. */
	Reply segment = http_.get(live(uris.back()));
	ASSERT_EQ(segment.status, 200u) << segment.body;
	EXPECT_EQ(segment.header("Content-Type"), "video/MP2T");
	EXPECT_EQ(segment.header("X-Sluice-Container"), "mpegts");
	EXPECT_NE(segment.header("Cache-Control").find("max-age="), std::string::npos);
	ASSERT_GE(segment.body.size(), 3 * 188u);
	EXPECT_EQ(segment.body.size() % 188, 0u);
	EXPECT_EQ(segment.body[0], 0x47);
	EXPECT_EQ((segment.body[1] & 0x1f) << 8 | static_cast<uint8_t>(segment.body[2]), 0)
		<< "PAT first";
	Reply head = http_.request("HEAD", live(uris.back()));
	EXPECT_EQ(head.status, 200u);
	EXPECT_TRUE(head.body.empty());
	Reply part = http_.get(live(uris.back()), {{"Range", "bytes=188-375"}});
	EXPECT_EQ(part.status, 206u);
	EXPECT_EQ(part.body, segment.body.substr(188, 188));
	EXPECT_EQ(http_.get(live(testId_ + "/ts-999999.ts")).status, 404u);

	/* A legacy set-top box (a seeded legacy_ts_only rule) gets the same playlist kind. */
	Reply legacy = http_.get(live(testId_ + ".m3u8"),
				 {{"User-Agent", "Enigma2 HbbTV/1.1.1 (+PVR)"}});
	ASSERT_EQ(legacy.status, 200u) << legacy.body;
	EXPECT_NE(legacy.body.find("#EXT-X-VERSION:3\n"), std::string::npos) << legacy.body;
	EXPECT_EQ(legacy.header("X-Sluice-Container"), "mpegts");

	/* fMP4 HLS of the same channel: the same pipeline. */
	Reply fmp4 = http_.get(live(testId_ + ".m3u8"));
	ASSERT_EQ(fmp4.status, 200u) << fmp4.body;
	EXPECT_NE(fmp4.body.find("#EXT-X-VERSION:7"), std::string::npos) << fmp4.body;
	EXPECT_EQ(fmp4.header("X-Sluice-Container"), "fmp4");
	Json sessions(http_.get(url("/api/v1/sessions")).body);
	ASSERT_EQ(sessions.size("$"), 1u);
	EXPECT_EQ(std::to_string(sessions.num("$[0].channel_id")), testId_);
	EXPECT_EQ(sessions.str("$[0].state"), "running");
}

TEST_F(EngineHlsTs, FfprobePlaysTheTsPlaylist)
{
	std::string log;
	auto frames = ffprobeFrames(live(testId_ + ".m3u8?format=ts"), 6, &log);
	ASSERT_GE(frames.size(), 60u) << log << sluiced_->output();
	EXPECT_EQ(frames.front().first, 1) << "the first frame is a keyframe";
	EXPECT_GE(frames.back().second - frames.front().second, 4.0) << log;
	/* The window slides and numbers grow: within a few segments of ffprobe's end (how many
	 * segments existed when it started depends on the machine). */
	Reply reply;
	unsigned long sequence = 0;
	for (int i = 0; i < 50 && sequence == 0; i++) {
		if (i)
			g_usleep(100 * 1000);
		reply = http_.get(live(testId_ + ".m3u8?format=ts"));
		ASSERT_EQ(reply.status, 200u);
		const size_t at = reply.body.find("#EXT-X-MEDIA-SEQUENCE:");
		ASSERT_NE(at, std::string::npos);
		sequence = std::stoul(reply.body.substr(at + 22));
	}
	EXPECT_GT(sequence, 0u) << reply.body;
}

TEST_F(EngineHlsTs, TsSourceIsCutFromItsOwnPackets)
{
	TempDir media;
	const std::string file = media.file("source.ts");
	/* 1 s GOPs, H.264 + AAC, 20 s. */
	CommandRun made = makeTsFile(file, 320, 240, 20);
	ASSERT_EQ(made.status, 0) << made.out;
	PacedTsServer upstream(file, 20.0);
	Http http;
	const std::string id = addChannel(http, "TS", upstream.url());
	Reply proxy = http.postJson(url("/api/v1/proxies"),
				    R"({"name":"tsproxy","channel_ids":[)" + id + "]}");
	ASSERT_EQ(proxy.status, 201u) << proxy.body;
	const std::string base = url("/live/tsproxy/" + id);

	Reply reply = http_.get(base + ".m3u8", {{"User-Agent", "Enigma2 HbbTV/1.1.1 (+PVR)"}});
	ASSERT_EQ(reply.status, 200u) << reply.body << sluiced_->output();
	EXPECT_EQ(reply.header("X-Sluice-Decision"), "passthrough");
	EXPECT_EQ(reply.header("X-Sluice-Container"), "mpegts");
	EXPECT_NE(reply.body.find("#EXT-X-VERSION:3\n"), std::string::npos) << reply.body;
	std::string log;
	auto frames = ffprobeFrames(base + ".m3u8?format=ts", 5, &log);
	ASSERT_GE(frames.size(), 50u) << log << sluiced_->output();
	EXPECT_EQ(frames.front().first, 1) << "the first frame is a keyframe";
	EXPECT_GE(frames.back().second - frames.front().second, 4.0) << log;
	/* Every segment the source's 1 s GOPs allow: about a second each. */
	Reply again = http_.get(base + ".m3u8?format=ts");
	RecordProperty("passthrough_playlist", again.body);
	for (size_t at = again.body.find("#EXTINF:"); at != std::string::npos;
	     at = again.body.find("#EXTINF:", at + 1)) {
		const double duration = g_ascii_strtod(again.body.c_str() + at + 8, nullptr);
		EXPECT_GE(duration, 0.9) << again.body;
		EXPECT_LE(duration, 1.1) << again.body;
	}
	/* One upstream connection for the HLS-TS clients and ffprobe. */
	EXPECT_EQ(upstream.requests(), 1);
}

TEST_F(EngineHlsTs, SourceDownAnswers503)
{
	Reply reply = http_.get(live(downId_ + ".m3u8?format=ts"));
	EXPECT_EQ(reply.status, 503u) << reply.body;
	EXPECT_EQ(Json(reply.body).str("$.error.code"), "source_unavailable");
	EXPECT_FALSE(reply.header("Retry-After").empty());
}

} /* namespace */
