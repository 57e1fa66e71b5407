/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Every source class through every smart-mode output, played by real clients for 20 s and
 * more: for each of test://, MPEG-TS over HTTP, live HLS and live DASH, the continuous .ts,
 * HLS fMP4, HLS with TS segments and DASH outputs of one channel are read at the same time
 * by ffprobe (libavformat) and by GStreamer's playbin3 (tsdemux, hlsdemux2, dashdemux2), and
 * each must decode at least 20 s of audio and video without a gap.
 */

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "httpserver.h"
#include "liveproducer.h"
#include "pacedtsserver.h"
#include "playercheck.h"
#include "sluicedtest.h"

using namespace sluice::test;

namespace {

constexpr double kMinSeconds = 20; /* media every client must decode */
constexpr unsigned kViewS = 26; /* how long a GStreamer viewer watches */

/* One client of one output. */
struct Client {
	std::string label;
	std::vector<std::string> argv;
	bool gstreamer = false;
	std::string demuxer; /* the element playbin3 must have used */
	std::future<ProcessResult> result;
};

struct SourceCase {
	const char *name;
};

void PrintTo(const SourceCase &c, std::ostream *os)
{
	*os << c.name;
}

class EngineMatrix : public ::testing::TestWithParam<SourceCase>
{
protected:
	static void SetUpTestSuite()
	{
		dir_ = new TempDir;
		sluiced_ = new Sluiced;
		ASSERT_TRUE(sluiced_->start(dir_->file("state"), "[live]\nsegment_duration=2\n"))
			<< sluiced_->output();
		Http http;
		Reply proxy = http.postJson(sluiced_->base() + "/api/v1/proxies",
					    R"({"name":"smart","channel_ids":[]})");
		ASSERT_EQ(proxy.status, 201u) << proxy.body;
		proxyId_ = std::to_string(Json(proxy.body).num("$.id"));
	}
	static void TearDownTestSuite()
	{
		EXPECT_EQ(sluiced_->stop(), 0) << sluiced_->output();
		delete sluiced_;
		delete dir_;
	}

	/* A channel for url, added to the proxy; its id. */
	std::string addChannel(const std::string &name, const std::string &url)
	{
		Reply reply = http_.postJson(sluiced_->base() + "/api/v1/channels",
					     R"({"name":")" + name + R"(","stream_url":")" + url
						     + "\"}");
		EXPECT_EQ(reply.status, 201u) << reply.body;
		const std::string id = std::to_string(Json(reply.body).num("$.id"));
		Reply put = http_.putJson(sluiced_->base() + "/api/v1/proxies/" + proxyId_,
					  R"({"name":"smart","channel_ids":[)" + id + "]}");
		EXPECT_EQ(put.status, 200u) << put.body;
		return id;
	}

	/* Starts the channel (the cold start waits for its first segment) and plays it. */
	void playEveryOutput(const std::string &id)
	{
		const std::string base = sluiced_->base() + "/live/smart/" + id;
		Reply warm = http_.get(base + ".m3u8");
		ASSERT_EQ(warm.status, 200u) << warm.body << "\n" << sluiced_->output();

		const std::string ffprobeSpan = "%+" + std::to_string(int(kMinSeconds) + 3);
		const std::string view = std::to_string(kViewS);
		const std::string play = SLUICE_PLAY;
		std::vector<Client> clients;
		struct Output {
			const char *label;
			std::string url;
			const char *demuxer;
		};
		for (const Output &o : {Output {".ts", base + ".ts", "tsdemux"},
					Output {"HLS fMP4", base + ".m3u8", "hlsdemux2"},
					Output {"HLS TS", base + ".m3u8?format=ts", "hlsdemux2"},
					Output {"DASH", base + ".mpd", "dashdemux2"}}) {
			clients.push_back({std::string("ffprobe ") + o.label,
					   ffprobeCommand(o.url, {"-read_intervals", ffprobeSpan}),
					   false,
					   "",
					   {}});
			clients.push_back({std::string("playbin3 ") + o.label,
					   {play, o.url, view},
					   true,
					   o.demuxer,
					   {}});
		}
		for (Client &c : clients)
			c.result = std::async(std::launch::async, runProcess, c.argv, 60);

		for (Client &c : clients) {
			ProcessResult r = c.result.get();
			ASSERT_TRUE(r.succeeded()) << c.label << ": " << r.describe() << "\n"
						   << sluiced_->output();
			Timelines timelines;
			std::vector<std::string> problems
				= checkLiveClient(r, c.gstreamer, kMinSeconds, &timelines);
			if (c.gstreamer
			    && r.out.find("element|factory=" + c.demuxer + "|")
				    == std::string::npos)
				problems.push_back("playbin3 did not use " + c.demuxer);
			EXPECT_TRUE(problems.empty())
				<< c.label << " (" << r.wallSeconds << " s):\n"
				<< joinLines(problems) << "\n"
				<< summarize(timelines);
		}
	}

	static TempDir *dir_;
	static Sluiced *sluiced_;
	static std::string proxyId_;
	Http http_;
};

TempDir *EngineMatrix::dir_ = nullptr;
Sluiced *EngineMatrix::sluiced_ = nullptr;
std::string EngineMatrix::proxyId_;

TEST_P(EngineMatrix, EveryOutputDecodesFor20s)
{
	const std::string source = GetParam().name;
	TempDir media;
	std::unique_ptr<PacedTsServer> tsServer;
	std::unique_ptr<LiveProducer> producer;
	std::unique_ptr<StaticFileServer> files;
	std::string url;

	if (source == "test") {
		url = "test://smpte?codec=h264&width=320&height=240&fps=25";
	} else if (source == "ts-http") {
		/* 45 s of TS, sent at its own bitrate: longer than anyone watches. */
		const std::string file = media.file("source.ts");
		CommandRun made = makeTsFile(file, 320, 240, 45);
		ASSERT_EQ(made.status, 0) << made.out;
		tsServer = std::make_unique<PacedTsServer>(file, 45.0);
		url = tsServer->url();
	} else {
		const std::string dir = media.file("packager");
		producer = std::make_unique<LiveProducer>(dir);
		ASSERT_TRUE(producer->error().empty()) << producer->error();
		/* Its window slides (segment 8 of a 6-segment window) before anyone asks. */
		ASSERT_TRUE(producer->waitForSegment(8, 50))
			<< "the packager wrote too few segments";
		files = std::make_unique<StaticFileServer>(dir);
		std::string error;
		ASSERT_TRUE(files->start(error)) << error;
		url = files->baseUrl() + (source == "hls-live" ? "/master.m3u8" : "/manifest.mpd");
	}

	const std::string id = addChannel(source, url);
	playEveryOutput(id);
	if (tsServer) {
		EXPECT_EQ(tsServer->requests(), 1) << "eight clients, one upstream connection";
	}

	/*
	 * The channel goes before its source does: deleting it stops its pipeline at once. (A live
	 * HLS or DASH source vanishing under a running channel can crash GStreamer 1.22.0's
	 * adaptivedemux2, and sluiced with it; that is not what this test is about.)
	 */
	EXPECT_EQ(http_.request("DELETE", sluiced_->base() + "/api/v1/channels/" + id).status,
		  204u);
	Json sessions(http_.get(sluiced_->base() + "/api/v1/sessions").body);
	for (size_t i = 0; i < sessions.size("$"); i++)
		EXPECT_NE(std::to_string(sessions.num(
				  ("$[" + std::to_string(i) + "].channel_id").c_str())),
			  id)
			<< "a deleted channel still runs";
}

INSTANTIATE_TEST_SUITE_P(Sources, EngineMatrix,
			 ::testing::Values(SourceCase {"test"}, SourceCase {"ts-http"},
					   SourceCase {"hls-live"}, SourceCase {"dash-live"}),
			 [](const auto &test) {
				 std::string name = test.param.name;
				 std::replace(name.begin(), name.end(), '-', '_');
				 return name;
			 });

} /* namespace */
