/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Transcoded variants against a real sluiced, checked by ffprobe and hlsdemux2.
 */

#include <gtest/gtest.h>

#include <gst/gst.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sluicedtest.h"

using namespace sluice::test;

namespace {

constexpr char kTestUri[] = "test://smpte?codec=h264&width=320&height=240&fps=25";
constexpr int kIdleS = 3;

std::string run(const std::vector<std::string> &argv)
{
	std::vector<const char *> args;
	for (const std::string &arg : argv)
		args.push_back(arg.c_str());
	args.push_back(nullptr);
	g_autoptr(GSubprocess) process = g_subprocess_newv(
		args.data(),
		static_cast<GSubprocessFlags>(G_SUBPROCESS_FLAGS_STDOUT_PIPE
					      | G_SUBPROCESS_FLAGS_STDERR_SILENCE),
		nullptr);
	if (!process)
		return "";
	g_autofree char *out = nullptr;
	g_subprocess_communicate_utf8(process, nullptr, nullptr, &out, nullptr, nullptr);
	return out ? out : "";
}

/* "codec_type,codec_name,height" per stream, then "key_frame,pts_time" per video frame. */
struct Probe {
	std::vector<std::string> streams;
	std::vector<std::pair<int, double>> frames;
};

Probe ffprobe(const std::string &url, int seconds)
{
	Probe probe;
	std::string streams = run({"timeout", "30", "ffprobe", "-v", "error", "-show_entries",
				   "stream=codec_type,codec_name,height", "-of", "csv=p=0", url});
	g_auto(GStrv) lines = g_strsplit(streams.c_str(), "\n", -1);
	for (char **line = lines; *line; line++)
		if (**line)
			probe.streams.push_back(*line);
	std::string frames
		= run({"timeout", "40", "ffprobe", "-v", "error", "-read_intervals",
		       "%+" + std::to_string(seconds), "-select_streams", "v:0", "-show_entries",
		       "frame=key_frame,pts_time", "-of", "csv=p=0", url});
	g_auto(GStrv) frameLines = g_strsplit(frames.c_str(), "\n", -1);
	for (char **line = frameLines; *line; line++) {
		if ((**line == '0' || **line == '1') && (*line)[1] == ',')
			probe.frames.emplace_back(**line - '0', g_ascii_strtod(*line + 2, nullptr));
	}
	return probe;
}

bool hasStream(const Probe &probe, const std::string &prefix)
{
	for (const std::string &stream : probe.streams)
		if (stream.starts_with(prefix))
			return true;
	return false;
}

class EngineTranscode : public ::testing::Test
{
protected:
	static void SetUpTestSuite()
	{
		dir_ = new TempDir;
		sluiced_ = new Sluiced;
		const std::string config = "[live]\nchannel_idle_timeout=" + std::to_string(kIdleS)
			+ "\nsegment_duration=1\n";
		ASSERT_TRUE(sluiced_->start(dir_->file("state"), config)) << sluiced_->output();
		Http http;
		Reply channel = http.postJson(sluiced_->base() + "/api/v1/channels",
					      std::string(R"({"name":"Test","stream_url":")")
						      + kTestUri + "\"}");
		ASSERT_EQ(channel.status, 201u) << channel.body;
		id_ = std::to_string(Json(channel.body).num("$.id"));
		addProxy(http, "plain", "");
		addProxy(http, "vp9",
			 addProfile(http, R"({"name":"VP9","video_codec":"vp9","audio_codec":"opus",
				"container_format":"fmp4"})"));
		addProxy(http, "hevc", addProfile(http, R"({"name":"HEVC180","video_codec":"h265",
				"audio_codec":"aac","container_format":"fmp4","max_height":180,
				"preset":"ultrafast","hw_accel":"none"})"));
		addProxy(http, "small",
			 addProfile(http, R"({"name":"H264 180p","video_codec":"h264",
				"audio_codec":"aac","max_height":180,"preset":"ultrafast",
				"hw_accel":"none"})"));
	}
	static void TearDownTestSuite()
	{
		EXPECT_EQ(sluiced_->stop(), 0) << sluiced_->output();
		delete sluiced_;
		delete dir_;
	}
	static std::string addProfile(Http &http, const std::string &json)
	{
		Reply reply = http.postJson(sluiced_->base() + "/api/v1/profiles", json);
		EXPECT_EQ(reply.status, 201u) << reply.body;
		return std::to_string(Json(reply.body).num("$.id"));
	}
	static void addProxy(Http &http, const std::string &name, const std::string &profile)
	{
		std::string json = R"({"name":")" + name + R"(","channel_ids":[)" + id_ + "]";
		if (!profile.empty())
			json += R"(,"profile_id":)" + profile;
		Reply reply = http.postJson(sluiced_->base() + "/api/v1/proxies", json + "}");
		ASSERT_EQ(reply.status, 201u) << reply.body;
	}
	std::string live(const std::string &proxy, const std::string &rest) const
	{
		return sluiced_->base() + "/live/" + proxy + "/" + rest;
	}
	std::vector<std::string> branches()
	{
		Json sessions(http_.get(sluiced_->base() + "/api/v1/sessions").body);
		return sessions.size("$") ? sessions.strs("$[0].branches")
					  : std::vector<std::string> {};
	}

	static TempDir *dir_;
	static Sluiced *sluiced_;
	static std::string id_;
	Http http_;
};

TempDir *EngineTranscode::dir_ = nullptr;
Sluiced *EngineTranscode::sluiced_ = nullptr;
std::string EngineTranscode::id_;

TEST_F(EngineTranscode, Vp9OpusVariantPlays)
{
	Reply master = http_.get(live("vp9", id_ + ".m3u8"));
	ASSERT_EQ(master.status, 200u) << master.body << sluiced_->output();
	EXPECT_EQ(master.header("X-Sluice-Decision"), "transcode");
	EXPECT_EQ(master.header("X-Sluice-Container"), "fmp4");
	EXPECT_NE(master.body.find(id_ + "/t"), std::string::npos) << master.body;
	EXPECT_NE(master.body.find("-vp9-opus/"), std::string::npos) << master.body;
	Reply mpd = http_.get(live("vp9", id_ + ".mpd"));
	EXPECT_EQ(mpd.status, 200u);
	EXPECT_NE(mpd.body.find("-vp9-opus/</BaseURL>"), std::string::npos) << mpd.body;

	Probe probe = ffprobe(live("vp9", id_ + ".m3u8"), 5);
	EXPECT_TRUE(hasStream(probe, "vp9,video")) << ::testing::PrintToString(probe.streams);
	EXPECT_TRUE(hasStream(probe, "opus,audio")) << ::testing::PrintToString(probe.streams);
	ASSERT_GE(probe.frames.size(), 90u) << sluiced_->output();
	EXPECT_EQ(probe.frames.front().first, 1) << "the first frame is a keyframe";
	EXPECT_GE(probe.frames.back().second - probe.frames.front().second, 4.0);

	/* GStreamer's hlsdemux2 plays it too. */
	std::string gst = run({"timeout", "6", "gst-launch-1.0", "-v", "playbin3",
			       "uri=" + live("vp9", id_ + ".m3u8"),
			       "video-sink=fakesink silent=false", "audio-sink=fakesink"});
	EXPECT_EQ(gst.find("ERROR"), std::string::npos) << gst.substr(0, 3000);
	size_t chains = 0;
	for (size_t at = gst.find("chain"); at != std::string::npos; at = gst.find("chain", at + 1))
		chains++;
	EXPECT_GE(chains, 40u) << gst.substr(0, 3000);
}

TEST_F(EngineTranscode, H265VariantIsScaled)
{
	Reply master = http_.get(live("hevc", id_ + ".m3u8"));
	ASSERT_EQ(master.status, 200u) << master.body << sluiced_->output();
	EXPECT_EQ(master.header("X-Sluice-Decision"), "transcode");
	Probe probe = ffprobe(live("hevc", id_ + ".m3u8"), 3);
	EXPECT_TRUE(hasStream(probe, "hevc,video,180")) << ::testing::PrintToString(probe.streams);
	EXPECT_GE(probe.frames.size(), 40u);
}

TEST_F(EngineTranscode, VariantsIdleOutWhileRepackageServes)
{
	ASSERT_EQ(http_.get(live("vp9", id_ + ".m3u8")).status, 200u);
	ASSERT_EQ(http_.get(live("plain", id_ + ".m3u8")).status, 200u);
	bool variantSeen = false;
	for (const std::string &name : branches())
		variantSeen |= name.ends_with("-vp9-opus");
	EXPECT_TRUE(variantSeen);
	/* Only the repackaged HLS is asked for; the variants and the TS segments go. */
	bool gone = false;
	for (int i = 0; i < (kIdleS + 6) * 2 && !gone; i++) {
		Reply media = http_.get(live("plain", id_ + "/video_0.m3u8"));
		ASSERT_EQ(media.status, 200u) << sluiced_->output();
		gone = branches().empty();
		g_usleep(500 * 1000);
	}
	EXPECT_TRUE(gone) << ::testing::PrintToString(branches());
	Reply media = http_.get(live("plain", id_ + "/video_0.m3u8"));
	EXPECT_EQ(media.status, 200u);
	const size_t last = media.body.rfind("video_0-");
	ASSERT_NE(last, std::string::npos);
	const std::string segment = media.body.substr(last, media.body.find('\n', last) - last);
	EXPECT_EQ(http_.get(live("plain", id_ + "/" + segment)).status, 200u);
	/* The variant's names are gone with it. */
	EXPECT_EQ(http_.get(live("vp9", id_ + "/t1-vp9-opus/master.m3u8")).status, 404u);
	/* And a new client brings it back. */
	EXPECT_EQ(http_.get(live("vp9", id_ + ".m3u8")).status, 200u);
}

/* One encode, muxed twice: CMAF for HLS v7 and DASH, MPEG-TS for .ts and HLS v3 clients. */
TEST_F(EngineTranscode, OneVariantServesEveryContainer)
{
	Reply master = http_.get(live("small", id_ + ".m3u8"));
	ASSERT_EQ(master.status, 200u) << master.body << sluiced_->output();
	EXPECT_EQ(master.header("X-Sluice-Decision"), "transcode");

	Reply head = http_.request("HEAD", live("small", id_ + ".ts"));
	EXPECT_EQ(head.status, 200u);
	EXPECT_EQ(head.header("Content-Type"), "video/MP2T");

	Reply legacy = http_.get(live("small", id_ + ".m3u8?format=mpegts"));
	ASSERT_EQ(legacy.status, 200u) << legacy.body << sluiced_->output();
	EXPECT_EQ(legacy.header("X-Sluice-Decision"), "transcode");
	EXPECT_EQ(legacy.header("X-Sluice-Container"), "mpegts");
	EXPECT_NE(legacy.body.find("#EXT-X-VERSION:3"), std::string::npos) << legacy.body;
	const size_t segmentAt = legacy.body.find(id_ + "/t");
	ASSERT_NE(segmentAt, std::string::npos) << legacy.body;
	const std::string segment
		= legacy.body.substr(segmentAt, legacy.body.find('\n', segmentAt) - segmentAt);
	/* The source's AAC is copied, its video scaled. */
	EXPECT_NE(segment.find("-h264-copy/ts-"), std::string::npos) << segment;
	Reply bytes = http_.get(live("small", segment));
	EXPECT_EQ(bytes.status, 200u);
	EXPECT_EQ(bytes.header("Content-Type"), "video/MP2T");
	ASSERT_GE(bytes.body.size(), 188u);
	EXPECT_EQ(bytes.body[0], 0x47) << "a TS segment starts with a sync byte";

	/* The continuous .ts and the HLS v3 of the variant are the 180p H.264 encode. */
	Probe ts = ffprobe(live("small", id_ + ".ts"), 3);
	EXPECT_TRUE(hasStream(ts, "h264,video,180")) << ::testing::PrintToString(ts.streams);
	EXPECT_TRUE(hasStream(ts, "aac,audio")) << ::testing::PrintToString(ts.streams);
	ASSERT_GE(ts.frames.size(), 40u) << sluiced_->output();
	EXPECT_EQ(ts.frames.front().first, 1) << "a .ts client starts on a keyframe";
	Probe hlsTs = ffprobe(live("small", id_ + ".m3u8?format=mpegts"), 3);
	EXPECT_TRUE(hasStream(hlsTs, "h264,video,180")) << ::testing::PrintToString(hlsTs.streams);

	/* Still one variant: nothing was encoded twice. */
	std::vector<std::string> names = branches();
	EXPECT_EQ(
		std::count_if(names.begin(), names.end(),
			      [](const std::string &name) { return name.ends_with("-h264-copy"); }),
		1)
		<< ::testing::PrintToString(names);
	Json sessions(http_.get(sluiced_->base() + "/api/v1/sessions").body);
	EXPECT_EQ(sessions.str("$[0].decision"), "transcode");
	bool measured = false;
	for (size_t i = 0; i < sessions.size("$[0].variants"); i++) {
		const std::string at = "$[0].variants[" + std::to_string(i) + "]";
		if (!sessions.str((at + ".name").c_str()).ends_with("-h264-copy"))
			continue;
		EXPECT_EQ(sessions.str((at + ".encoders").c_str()), "x264enc");
		/* 180p on two cores keeps real time; the figure is there once warmed up. */
		measured = sessions.has((at + ".speed").c_str())
			&& !sessions.isNull((at + ".speed").c_str());
	}
	EXPECT_TRUE(measured) << http_.get(sluiced_->base() + "/api/v1/sessions").body;

	/* The same figure for Prometheus, and in the explain answer for a TS player. */
	Reply metrics = http_.get(sluiced_->base() + "/metrics");
	EXPECT_NE(metrics.body.find("sluice_variant_speed{channel=\"" + id_ + "\",variant=\"t"),
		  std::string::npos)
		<< metrics.body;
	EXPECT_NE(metrics.body.find("sluice_variant_realtime{channel=\"" + id_ + "\""),
		  std::string::npos);
	Json explain(http_.get(sluiced_->base() + "/api/v1/delivery/explain?proxy=small&channel="
			       + id_ + "&path=.ts")
			     .body);
	EXPECT_EQ(explain.str("$.delivery"), "transcode");
	EXPECT_EQ(explain.str("$.format"), "ts");
	EXPECT_TRUE(explain.str("$.transcode.variant").ends_with("-h264-copy"));
	EXPECT_TRUE(explain.boolean("$.transcode.running"));
	EXPECT_TRUE(explain.has("$.transcode.speed") && !explain.isNull("$.transcode.speed"));
}

/* Passthrough never transcodes: a TS player of a VP9 + Opus source is told why, by name. */
TEST_F(EngineTranscode, PassthroughRefusesWhatWouldNeedATranscode)
{
	Http http;
	Reply channel = http.postJson(sluiced_->base() + "/api/v1/channels",
				      R"({"name":"VP9","stream_url":"test://colors?codec=vp9&)"
				      R"(width=320&height=240&fps=25&audio=opus"})");
	ASSERT_EQ(channel.status, 201u) << channel.body;
	const std::string vp9 = std::to_string(Json(channel.body).num("$.id"));
	Json profiles(http.get(sluiced_->base() + "/api/v1/profiles").body);
	std::string passthrough;
	for (size_t i = 0; i < profiles.size("$"); i++) {
		const std::string at = "$[" + std::to_string(i) + "]";
		if (profiles.str((at + ".name").c_str()) == "Passthrough")
			passthrough = std::to_string(profiles.num((at + ".id").c_str()));
	}
	ASSERT_FALSE(passthrough.empty());
	Reply proxy = http.postJson(sluiced_->base() + "/api/v1/proxies",
				    R"({"name":"copy","channel_ids":[)" + vp9 + R"(],"profile_id":)"
					    + passthrough + "}");
	ASSERT_EQ(proxy.status, 201u) << proxy.body;

	Reply ts = http_.get(live("copy", vp9 + ".ts"));
	EXPECT_EQ(ts.status, 406u) << ts.body;
	Json error(ts.body);
	EXPECT_EQ(error.str("$.error.code"), "transcode_forbidden");
	EXPECT_NE(error.str("$.error.message").find("MPEG-TS cannot carry vp9 video"),
		  std::string::npos)
		<< ts.body;
	/* VLC's negotiated URL goes to fMP4 HLS instead, which plays the source as it is. */
	Reply negotiated
		= http_.get(live("copy", vp9), {{"User-Agent", "VLC/3.0.18 LibVLC/3.0.18"}});
	EXPECT_EQ(negotiated.status, 302u) << negotiated.body;
	EXPECT_TRUE(negotiated.header("Location").ends_with("/live/copy/" + vp9 + ".m3u8"))
		<< negotiated.header("Location");
	Reply hls = http_.get(live("copy", vp9 + ".m3u8"));
	EXPECT_EQ(hls.status, 200u) << hls.body;
	EXPECT_EQ(hls.header("X-Sluice-Decision"), "repackage");
}

TEST_F(EngineTranscode, HardwareEncoder)
{
	gst_init(nullptr, nullptr);
	for (const char *name : {"nvh264enc", "vah264enc", "vaapih264enc"}) {
		g_autoptr(GstElementFactory) factory = gst_element_factory_find(name);
		if (factory) {
			Http http;
			const std::string profile = addProfile(
				http, R"({"name":"HW","video_codec":"h264","audio_codec":"aac",
				"container_format":"fmp4","max_height":180,"hw_accel":"auto"})");
			addProxy(http, "hw", profile);
			Reply master = http_.get(live("hw", id_ + ".m3u8"));
			EXPECT_EQ(master.status, 200u) << master.body;
			EXPECT_EQ(master.header("X-Sluice-Decision"), "transcode");
			Probe probe = ffprobe(live("hw", id_ + ".m3u8"), 3);
			EXPECT_TRUE(hasStream(probe, "h264,video,180"));
			return;
		}
	}
	GTEST_SKIP() << "no hardware H.264 encoder (nvh264enc, vah264enc, vaapih264enc) here";
}

} /* namespace */
