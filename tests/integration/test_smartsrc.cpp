/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * smartsrc against real sources: test://, and HLS, DASH, MPEG-TS and files generated here and
 * served from loopback; the classification and the delivered streams are checked.
 */

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include <gst/gst.h>
#include <gtest/gtest.h>

#include "httpserver.h"
#include "outputdir.h"
#include "playercheck.h"
#include "producer.h"
#include "smartsrcrun.h"

namespace sluice::test {
namespace {

TEST_F(SmartSrcTest, TestUriIsALiveSourceInTheCodecsAsked)
{
	Classification c = run("test://smpte?codec=h264&width=320&height=240&fps=25&audio=aac");
	ASSERT_TRUE(c.posted) << c.error;
	EXPECT_EQ(c.type, "test");
	EXPECT_TRUE(c.live);
	ASSERT_EQ(c.streams.size(), 2u);
	const Stream *video = c.find("video");
	const Stream *audio = c.find("audio");
	ASSERT_TRUE(video && audio);
	EXPECT_EQ(video->codec, "h264");
	EXPECT_EQ(video->width, 320);
	EXPECT_EQ(video->height, 240);
	EXPECT_EQ(video->fpsNum, 25);
	EXPECT_EQ(video->fpsDen, 1);
	EXPECT_EQ(audio->codec, "aac");
	EXPECT_EQ(audio->rate, 48000);
	EXPECT_EQ(audio->channels, 2);
	EXPECT_GT(c.buffers, 10u) << "streams were classified but no data flowed";
}

TEST_F(SmartSrcTest, TestUriInVp9AndOpus)
{
	Classification c = run("test://ball?codec=vp9&width=320&height=240&audio=opus");
	ASSERT_TRUE(c.posted) << c.error;
	ASSERT_TRUE(c.find("video") && c.find("audio"));
	EXPECT_EQ(c.find("video")->codec, "vp9");
	EXPECT_EQ(c.find("audio")->codec, "opus");
}

TEST_F(SmartSrcTest, BadTestUriIsAnErrorNamingTheField)
{
	Classification c = run("test://smpte?codec=h266");
	EXPECT_FALSE(c.posted);
	EXPECT_NE(c.error.find("h266"), std::string::npos) << c.error;
	EXPECT_NE(c.error.find("codec"), std::string::npos) << c.error;
}

TEST_F(SmartSrcTest, NotAUriIsAnError)
{
	Classification c = run("not a uri");
	EXPECT_FALSE(c.posted);
	EXPECT_NE(c.error.find("not a URI"), std::string::npos) << c.error;
}

/* Sources made once per test: cmafsink's own HLS + DASH output, a TS and an MP4 file. */
class SmartSrcServedTest : public SmartSrcTest
{
protected:
	void SetUp() override
	{
		SmartSrcTest::SetUp();
		if (IsSkipped())
			return;
		ASSERT_FALSE(dir_.path().empty());
		const std::string av
			= "videotestsrc num-buffers=90 ! "
			  "video/x-raw,format=I420,width=320,height=240,framerate=30/1 "
			  "! x264enc key-int-max=30 ! h264parse ! ";
		std::string error;
		ASSERT_TRUE(produce(
			av + "cmafsink name=c playlist-type=vod target-duration=1 location="
				+ dir_.path()
				+ " audiotestsrc num-buffers=140 samplesperbuffer=1024 ! "
				  "audio/x-raw,rate=48000 ! avenc_aac ! aacparse ! c.audio_0",
			error))
			<< error;
		ASSERT_TRUE(produce(
			av + "mpegtsmux name=m ! filesink location=" + dir_.path()
				+ "/stream.ts audiotestsrc num-buffers=140 samplesperbuffer=1024 "
				  "! audio/x-raw,rate=48000 ! avenc_aac ! aacparse ! m.",
			error))
			<< error;
		ASSERT_TRUE(produce(
			av + "mp4mux name=m ! filesink location=" + dir_.path()
				+ "/movie.mp4 audiotestsrc num-buffers=140 samplesperbuffer=1024 "
				  "! audio/x-raw,rate=48000 ! avenc_aac ! aacparse ! m.",
			error))
			<< error;
		std::string start;
		ASSERT_TRUE(server_.start(start)) << start;
	}

	void expectH264Aac(const Classification &c)
	{
		ASSERT_TRUE(c.find("video") && c.find("audio"));
		EXPECT_EQ(c.find("video")->codec, "h264");
		EXPECT_EQ(c.find("video")->width, 320);
		EXPECT_EQ(c.find("audio")->codec, "aac");
		EXPECT_GT(c.buffers, 10u);
	}

	OutputDir dir_ {"smartsrc"};
	StaticFileServer server_ {dir_.path()};
};

TEST_F(SmartSrcServedTest, HlsOverHttp)
{
	Classification c = run(server_.baseUrl() + "/master.m3u8");
	ASSERT_TRUE(c.posted) << c.error;
	EXPECT_EQ(c.type, "hls");
	EXPECT_EQ(c.container, "mp4");
	EXPECT_FALSE(c.live);
	expectH264Aac(c);
}

TEST_F(SmartSrcServedTest, DashOverHttp)
{
	Classification c = run(server_.baseUrl() + "/manifest.mpd");
	ASSERT_TRUE(c.posted) << c.error;
	EXPECT_EQ(c.type, "dash");
	EXPECT_FALSE(c.live);
	expectH264Aac(c);
}

TEST_F(SmartSrcServedTest, MpegTsOverHttp)
{
	Classification c = run(server_.baseUrl() + "/stream.ts");
	ASSERT_TRUE(c.posted) << c.error;
	EXPECT_EQ(c.type, "mpegts");
	EXPECT_EQ(c.container, "mpegts");
	expectH264Aac(c);
}

TEST_F(SmartSrcServedTest, FollowsRedirects)
{
	Classification c = run(server_.baseUrl() + "/redirect/stream.ts");
	ASSERT_TRUE(c.posted) << c.error;
	EXPECT_EQ(c.type, "mpegts");
	expectH264Aac(c);
	std::vector<std::string> log = server_.requestLog();
	EXPECT_NE(std::find(log.begin(), log.end(), "GET /redirect/stream.ts 302"), log.end());
	EXPECT_NE(std::find(log.begin(), log.end(), "GET /stream.ts 200"), log.end());
}

TEST_F(SmartSrcServedTest, Mp4File)
{
	Classification c = run("file://" + dir_.path() + "/movie.mp4");
	ASSERT_TRUE(c.posted) << c.error;
	EXPECT_EQ(c.type, "file");
	EXPECT_EQ(c.container, "mp4");
	EXPECT_FALSE(c.live);
	expectH264Aac(c);
}

/* IPTV sources return 404 for a while and come back: warn, back off, retry. */
TEST_F(SmartSrcServedTest, MissingSourceIsRetriedWithWarningsNamingIt)
{
	const std::string uri = server_.baseUrl() + "/nowhere.ts";
	Classification c = run(uri, 2, [](GstElement *src) {
		g_object_set(src, "retry-delay", 100u, "max-retry-delay", 200u, nullptr);
	});
	EXPECT_FALSE(c.posted);
	EXPECT_TRUE(c.error.empty()) << c.error;
	ASSERT_GE(c.warnings.size(), 3u) << "retries in 2 s with 100-200 ms backoff";
	EXPECT_NE(c.warnings[0].find(uri), std::string::npos) << c.warnings[0];
	g_autofree char *lower = g_ascii_strdown(c.warnings[0].c_str(), -1);
	EXPECT_NE(std::string(lower).find("not found"), std::string::npos) << c.warnings[0];
	ASSERT_GE(c.switchedTo.size(), 2u);
	EXPECT_EQ(c.switchedTo[0], uri) << "no backup: the same source again";
}

TEST_F(SmartSrcServedTest, RecoversWhenTheSourceComesBack)
{
	Classification c = run(server_.baseUrl() + "/flaky/stream.ts", 10, [](GstElement *src) {
		g_object_set(src, "retry-delay", 50u, nullptr);
	});
	ASSERT_TRUE(c.posted) << c.error;
	EXPECT_EQ(c.warnings.size(), 2u);
	EXPECT_EQ(c.switchedTo.size(), 2u);
	expectH264Aac(c);
}

TEST_F(SmartSrcServedTest, FailsOverToABackupAfterRetriesBeforeSwitch)
{
	const std::string backup = server_.baseUrl() + "/stream.ts";
	Classification c = run(
		server_.baseUrl() + "/forbidden/stream.ts", 10, [&backup](GstElement *src) {
			GValue uris = G_VALUE_INIT;
			gst_value_array_init(&uris, 1);
			GValue item = G_VALUE_INIT;
			g_value_init(&item, G_TYPE_STRING);
			g_value_set_string(&item, backup.c_str());
			gst_value_array_append_and_take_value(&uris, &item);
			g_object_set_property(G_OBJECT(src), "backup-uris", &uris);
			g_value_unset(&uris);
			g_object_set(src, "retry-delay", 50u, "retries-before-switch", 2u, nullptr);
		});
	ASSERT_TRUE(c.posted) << c.error;
	EXPECT_TRUE(c.switchedToBackup);
	ASSERT_FALSE(c.switchedTo.empty());
	EXPECT_EQ(c.switchedTo.back(), backup);
	EXPECT_EQ(c.warnings.size(), 2u) << "two failures of the primary, then the backup";
	EXPECT_EQ(c.type, "mpegts");
	expectH264Aac(c);
}

/* Refused credentials never work: with no backup to turn to, an error. */
TEST_F(SmartSrcServedTest, ForbiddenSourceIsAnErrorNamingItAndTheCause)
{
	const std::string uri = server_.baseUrl() + "/forbidden/stream.ts";
	Classification c = run(uri);
	EXPECT_FALSE(c.posted);
	EXPECT_NE(c.error.find(uri), std::string::npos) << c.error;
	g_autofree char *lower = g_ascii_strdown(c.error.c_str(), -1);
	EXPECT_NE(std::string(lower).find("forbidden"), std::string::npos) << c.error;
}

TEST_F(SmartSrcServedTest, ExtraHeadersAndUserAgentReachTheSource)
{
	GstElement *pipeline = gst_pipeline_new(nullptr);
	GstElement *src = gst_element_factory_make("smartsrc", nullptr);
	GstStructure *headers = gst_structure_from_string("headers, X-Token=(string)abc", nullptr);
	g_object_set(src, "uri", (server_.baseUrl() + "/stream.ts").c_str(), "extra-headers",
		     headers, "user-agent", "SluiceTest/1.0", nullptr);
	gst_structure_free(headers);
	gst_bin_add(GST_BIN(pipeline), src);
	gst_element_set_state(pipeline, GST_STATE_PAUSED);
	for (int i = 0; i < 50 && server_.lastHeader("X-Token").empty(); i++)
		g_usleep(20000);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(pipeline);

	EXPECT_EQ(server_.lastHeader("X-Token"), "abc");
	EXPECT_EQ(server_.lastHeader("User-Agent"), "SluiceTest/1.0");
}

/*
 * A live source that drops (its HTTP response ends) is reopened; downstream, running time
 * keeps growing with no gap or overlap, and cmafsink's output plays straight through the
 * switches in ffprobe.
 */
TEST_F(SmartSrcServedTest, ReconnectKeepsTimestampsGrowingThroughCmafsink)
{
	OutputDir out("smartsrc-cmaf");
	const std::string description = "smartsrc name=s retry-delay=50 uri=" + server_.baseUrl()
		+ "/live/stream.ts s.video_0 ! cmafsink name=c playlist-type=vod "
		  "target-duration=1 location="
		+ out.path() + " s.audio_0 ! c.audio_0";
	g_autoptr(GError) error = nullptr;
	GstElement *pipeline = gst_parse_launch(description.c_str(), &error);
	ASSERT_NE(pipeline, nullptr) << error->message;
	SwitchRun run = playThroughSwitches(pipeline, 2, 30);
	gst_object_unref(pipeline);
	ASSERT_TRUE(run.failure.empty()) << run.failure;
	ASSERT_TRUE(run.eos) << "no EOS after " << run.switches << " switches";

	ProcessResult r = runProcess(ffprobeCommand(out.file("master.m3u8")), 60);
	std::vector<std::string> problems;
	Timelines t = parseFfprobe(r.out, problems);
	TimelineExpectation expect;
	expect.joinsLate = true; /* EOS lands somewhere in the third play */
	expect.minSpan = 6.0;
	expect.duration = 9.0;
	expect.durationTolerance = 0.5;
	expect.endSyncTolerance = 0.2;
	auto more = checkTimelines(t, expect);
	problems.insert(problems.end(), more.begin(), more.end());
	EXPECT_TRUE(problems.empty()) << joinLines(problems) << summarize(t) << r.describe();
	if (HasFailure())
		out.keep();
}

/* A source that holds its connection open and sends nothing is reopened after stall-timeout. */
TEST_F(SmartSrcServedTest, StalledSourceIsReopenedAfterStallTimeout)
{
	const std::string uri = server_.baseUrl() + "/stall/stream.ts";
	Classification c = run(uri, 4, [](GstElement *src) {
		g_object_set(src, "stall-timeout", 300u, "retry-delay", 50u, nullptr);
	});
	ASSERT_TRUE(c.posted) << c.error;
	/* run() returns a second after classification: the stall must be seen by then. */
	ASSERT_FALSE(c.switchedTo.empty()) << "no reconnect within 1 s of a 300 ms stall";
	EXPECT_EQ(c.switchedTo[0], uri);
}

/* Bytes that are no media at all: nothing playable, so an error naming the source. */
TEST_F(SmartSrcServedTest, GarbageIsAnErrorNamingTheSource)
{
	const std::string garbage = garbageBytes(200000);
	ASSERT_TRUE(g_file_set_contents(dir_.file("garbage.ts").c_str(), garbage.data(),
					garbage.size(), nullptr));
	const std::string uri = server_.baseUrl() + "/garbage.ts";
	Classification c = run(uri, 10);
	EXPECT_FALSE(c.posted);
	EXPECT_NE(c.error.find(uri), std::string::npos) << c.error;
}

/*
 * Live HLS and DASH sources: cmafsink packaging a live test pattern while smartsrc reads its
 * playlist and its dynamic MPD.
 */
TEST_F(SmartSrcServedTest, LiveHlsAndDashAreClassifiedLive)
{
	OutputDir live("smartsrc-live");
	StaticFileServer server(live.path());
	std::string error;
	ASSERT_TRUE(server.start(error)) << error;

	const std::string description
		= "videotestsrc is-live=true ! video/x-raw,format=I420,width=320,height=240,"
		  "framerate=30/1 ! x264enc tune=zerolatency key-int-max=30 ! h264parse ! "
		  "cmafsink name=c target-duration=1 window-size=6 location="
		+ live.path()
		+ " audiotestsrc is-live=true ! audio/x-raw,rate=48000 ! avenc_aac ! aacparse ! "
		  "c.audio_0";
	g_autoptr(GError) err = nullptr;
	GstElement *producer = gst_parse_launch(description.c_str(), &err);
	ASSERT_NE(producer, nullptr) << err->message;
	gst_element_set_state(producer, GST_STATE_PLAYING);
	for (int i = 0; i < 100 && !fileExists(live.file("video_0-3.m4s")); i++)
		g_usleep(50000);

	for (auto [manifest, type] :
	     {std::pair {"master.m3u8", "hls"}, std::pair {"manifest.mpd", "dash"}}) {
		Classification c = run(server.baseUrl() + "/" + manifest, 15);
		EXPECT_TRUE(c.posted) << manifest << ": " << c.error;
		EXPECT_EQ(c.type, type);
		EXPECT_TRUE(c.live) << manifest;
		if (c.posted)
			expectH264Aac(c);
	}
	gst_element_set_state(producer, GST_STATE_NULL);
	gst_object_unref(producer);
}

/* A multivariant HLS source: variant-policy picks the rendition. */
TEST_F(SmartSrcServedTest, VariantPolicyPicksTheRendition)
{
	OutputDir multi("smartsrc-variants");
	StaticFileServer server(multi.path());
	std::string error;
	ASSERT_TRUE(server.start(error)) << error;
	auto video = [](int width, int height, int kbps) {
		return "videotestsrc num-buffers=90 ! video/x-raw,format=I420,width="
			+ std::to_string(width) + ",height=" + std::to_string(height)
			+ ",framerate=30/1 ! x264enc key-int-max=30 bitrate=" + std::to_string(kbps)
			+ " ! h264parse ! ";
	};
	ASSERT_TRUE(
		produce(video(320, 240, 200)
				+ "cmafsink name=c playlist-type=vod "
				  "target-duration=1 location="
				+ multi.path() + " " + video(640, 360, 1500)
				+ "c.video_1 audiotestsrc num-buffers=140 samplesperbuffer=1024 ! "
				  "audio/x-raw,rate=48000 ! avenc_aac ! aacparse ! c.audio_0",
			error))
		<< error;
	ASSERT_NE(readText(multi.file("master.m3u8")).find("RESOLUTION=640x360"),
		  std::string::npos);

	struct Case {
		const char *policy;
		guint64 maxBitrate;
		int width;
	};
	for (const Case &t : {Case {"lowest", 0, 320}, Case {"highest", 0, 640},
			      Case {"best", 10000000, 640}, Case {"best", 800000, 320}}) {
		const std::string name
			= std::string(t.policy) + " max-bitrate=" + std::to_string(t.maxBitrate);
		Classification c = run(
			server.baseUrl() + "/master.m3u8", 15, [&t](GstElement *src) {
				gst_util_set_object_arg(G_OBJECT(src), "variant-policy", t.policy);
				g_object_set(src, "max-bitrate", t.maxBitrate, nullptr);
			});
		ASSERT_TRUE(c.posted) << name << ": " << c.error;
		ASSERT_TRUE(c.find("video")) << name;
		EXPECT_EQ(c.find("video")->width, t.width) << name;
	}
}

} /* namespace */
} /* namespace sluice::test */
