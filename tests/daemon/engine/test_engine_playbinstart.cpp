/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * How soon GStreamer's common player path, playbin3 as gst-launch-1.0 drives it (PAUSED, held
 * there while a BUFFERING message says less than 100 %, then PLAYING), shows a live demo
 * channel through its .mpd and its .m3u8, into fakesinks that sync to the clock.
 *
 * dashdemux2 (1.22) plays a live DASH stream only once each track holds 30 s of media; the MPD
 * sluiced gives GStreamer starts it that far behind the live edge, where a channel that has
 * run that long has the media already. A channel that has not cannot: its first player waits
 * for those 30 s to be made, and the test measures that too.
 */

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include <gst/gst.h>

#include "sluicedtest.h"

using namespace sluice::test;

namespace {

/* A warm channel's player must show both streams within this (measured: well under 1 s). */
constexpr double kWarmStartLimitS = 15;
/* A cold channel's first DASH player: its first segments, then 30 s of media made. */
constexpr double kColdStartLimitS = 75;
/* How long a started player is watched: it must keep rendering in real time. */
constexpr double kWatchS = 6;

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
	return std::chrono::duration<double>(Clock::now() - start).count();
}

/* What one playbin3 run saw, in seconds from when it was set to PAUSED. */
struct StartRun {
	std::string error; /* empty when it played */
	std::string demuxer; /* factory of the adaptive demuxer playbin3 plugged */
	double playing = -1; /* the pipeline reached PLAYING */
	double firstVideo = -1; /* first video buffer rendered */
	double firstAudio = -1;
	double videoRendered = 0; /* seconds of video rendered while watched */
	int lowestBuffering = 100; /* after PLAYING: 100 unless it went back to buffering */

	/* The moment both streams were shown. */
	double started() const { return std::max(firstVideo, firstAudio); }
	std::string describe() const
	{
		char text[256];
		std::snprintf(text, sizeof(text),
			      "%s: PLAYING after %.2f s, first video %.2f s, first audio %.2f s, "
			      "%.1f s of video rendered",
			      demuxer.c_str(), playing, firstVideo, firstAudio, videoRendered);
		return error.empty() ? text : error + " (" + text + ")";
	}
};

/* State shared with the fakesinks' streaming threads. */
struct SinkProbe {
	Clock::time_point start;
	std::atomic<int64_t> firstVideoUs {-1};
	std::atomic<int64_t> firstAudioUs {-1};
	std::atomic<uint64_t> videoNs {0}; /* durations of the video buffers rendered */
};

void onHandoff(GstElement *sink, GstBuffer *buffer, GstPad *, gpointer data)
{
	auto *probe = static_cast<SinkProbe *>(data);
	const bool video = g_object_get_data(G_OBJECT(sink), "video") != nullptr;
	const auto us
		= std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - probe->start)
			  .count();
	int64_t unset = -1;
	(video ? probe->firstVideoUs : probe->firstAudioUs).compare_exchange_strong(unset, us);
	if (video && GST_BUFFER_DURATION_IS_VALID(buffer))
		probe->videoNs += GST_BUFFER_DURATION(buffer);
}

void onDeepElementAdded(GstBin *, GstBin *, GstElement *element, gpointer data)
{
	GstElementFactory *factory = gst_element_get_factory(element);
	const char *name = factory ? GST_OBJECT_NAME(factory) : "";
	if (g_str_has_suffix(name, "demux2"))
		*static_cast<std::string *>(data) = name;
}

struct PipelineDeleter {
	void operator()(GstElement *pipeline) const
	{
		gst_element_set_state(pipeline, GST_STATE_NULL);
		gst_object_unref(pipeline);
	}
};
using Pipeline = std::unique_ptr<GstElement, PipelineDeleter>;

GstElement *makeSink(SinkProbe &probe, bool video)
{
	GstElement *sink = gst_element_factory_make("fakesink", nullptr);
	g_object_set(sink, "sync", TRUE, "signal-handoffs", TRUE, nullptr);
	if (video)
		g_object_set_data(G_OBJECT(sink), "video", GINT_TO_POINTER(1));
	g_signal_connect(sink, "handoff", G_CALLBACK(onHandoff), &probe);
	return sink;
}

/*
 * Plays uri with playbin3 the way gst-launch-1.0 does, until both streams have been rendered
 * and then watchS more, or until limitS.
 */
StartRun playbinStart(const std::string &uri, double limitS, double watchS)
{
	StartRun run;
	SinkProbe probe;
	Pipeline playbin(gst_element_factory_make("playbin3", nullptr));
	if (!playbin) {
		run.error = "no playbin3";
		return run;
	}
	gst_object_ref_sink(playbin.get());
	g_object_set(playbin.get(), "uri", uri.c_str(), "video-sink", makeSink(probe, true),
		     "audio-sink", makeSink(probe, false), nullptr);
	g_signal_connect(playbin.get(), "deep-element-added", G_CALLBACK(onDeepElementAdded),
			 &run.demuxer);
	g_autoptr(GstBus) bus = gst_element_get_bus(playbin.get());

	probe.start = Clock::now();
	if (gst_element_set_state(playbin.get(), GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE) {
		run.error = "could not be set to PAUSED";
		return run;
	}
	bool prerolled = false;
	bool buffering = false;
	double startedAt = -1;
	while (secondsSince(probe.start) < limitS) {
		if (startedAt < 0 && probe.firstVideoUs >= 0 && probe.firstAudioUs >= 0)
			startedAt = secondsSince(probe.start);
		if (startedAt >= 0 && secondsSince(probe.start) - startedAt >= watchS)
			break;
		g_autoptr(GstMessage) msg = gst_bus_timed_pop(bus, 50 * GST_MSECOND);
		if (!msg)
			continue;
		switch (GST_MESSAGE_TYPE(msg)) {
		case GST_MESSAGE_ERROR: {
			g_autoptr(GError) error = nullptr;
			g_autofree char *debug = nullptr;
			gst_message_parse_error(msg, &error, &debug);
			run.error = std::string("ERROR from ") + GST_OBJECT_NAME(msg->src) + ": "
				+ error->message;
			return run;
		}
		case GST_MESSAGE_EOS:
			run.error = "EOS from a live stream";
			return run;
		case GST_MESSAGE_BUFFERING: {
			int percent = 0;
			gst_message_parse_buffering(msg, &percent);
			if (run.playing >= 0)
				run.lowestBuffering = std::min(run.lowestBuffering, percent);
			buffering = percent < 100;
			if (prerolled)
				gst_element_set_state(playbin.get(),
						      buffering ? GST_STATE_PAUSED
								: GST_STATE_PLAYING);
			break;
		}
		case GST_MESSAGE_ASYNC_DONE:
			prerolled = true;
			if (!buffering)
				gst_element_set_state(playbin.get(), GST_STATE_PLAYING);
			break;
		case GST_MESSAGE_STATE_CHANGED: {
			GstState state;
			gst_message_parse_state_changed(msg, nullptr, &state, nullptr);
			if (GST_MESSAGE_SRC(msg) == GST_OBJECT(playbin.get())
			    && state == GST_STATE_PLAYING && run.playing < 0)
				run.playing = secondsSince(probe.start);
			break;
		}
		default:
			break;
		}
	}
	run.firstVideo = probe.firstVideoUs >= 0 ? probe.firstVideoUs / 1e6 : -1;
	run.firstAudio = probe.firstAudioUs >= 0 ? probe.firstAudioUs / 1e6 : -1;
	run.videoRendered = static_cast<double>(probe.videoNs.load()) / GST_SECOND;
	if (run.playing < 0 || run.firstVideo < 0 || run.firstAudio < 0)
		run.error = "not started within " + std::to_string(int(limitS)) + " s";
	return run;
}

class PlaybinStart : public ::testing::Test
{
protected:
	static void SetUpTestSuite()
	{
		gst_init(nullptr, nullptr);
		dir_ = new TempDir;
		sluiced_ = new Sluiced;
		ASSERT_TRUE(sluiced_->start(dir_->file("state"), "[live]\nsegment_duration=2\n",
					    {"--demo"}))
			<< sluiced_->output();
		Http http;
		ids_ = new std::vector<std::string>(channelIds(http, sluiced_->base()));
		ASSERT_FALSE(ids_->empty());
	}
	static void TearDownTestSuite()
	{
		EXPECT_EQ(sluiced_->stop(), 0) << sluiced_->output();
		delete sluiced_;
		delete dir_;
		delete ids_;
	}

	/* The demo's first channel (H.264 + AAC, repackaged), as a player opens it. */
	static std::string channelUrl(const char *extension)
	{
		return sluiced_->base() + "/live/demo/" + ids_->front() + extension;
	}

	static TempDir *dir_;
	static Sluiced *sluiced_;
	static std::vector<std::string> *ids_;
};

TempDir *PlaybinStart::dir_ = nullptr;
Sluiced *PlaybinStart::sluiced_ = nullptr;
std::vector<std::string> *PlaybinStart::ids_ = nullptr;

TEST_F(PlaybinStart, LiveMpdStartsAsSoonAsTheChannelHasRunHalfAMinute)
{
	/* Cold: the request starts the channel; dashdemux2 waits for 30 s of it to be made. */
	const StartRun cold = playbinStart(channelUrl(".mpd"), kColdStartLimitS, kWatchS);
	std::printf("playbin3 .mpd, cold channel: %s\n", cold.describe().c_str());
	ASSERT_TRUE(cold.error.empty()) << cold.describe() << "\n" << sluiced_->output();
	EXPECT_EQ(cold.demuxer, "dashdemux2");

	/* Warm, as for every viewer but a channel's first: the media is there already. */
	const StartRun warm = playbinStart(channelUrl(".mpd"), 2 * kWarmStartLimitS, kWatchS);
	std::printf("playbin3 .mpd, warm channel: %s\n", warm.describe().c_str());
	ASSERT_TRUE(warm.error.empty()) << warm.describe() << "\n" << sluiced_->output();
	EXPECT_EQ(warm.demuxer, "dashdemux2");
	EXPECT_LE(warm.started(), kWarmStartLimitS) << warm.describe();
	EXPECT_EQ(warm.lowestBuffering, 100) << "it went back to buffering: " << warm.describe();
	EXPECT_GE(warm.videoRendered, kWatchS - 1) << warm.describe();

	/* The HLS URL of the same channel, for comparison. */
	const StartRun hls = playbinStart(channelUrl(".m3u8"), 2 * kWarmStartLimitS, kWatchS);
	std::printf("playbin3 .m3u8, warm channel: %s\n", hls.describe().c_str());
	ASSERT_TRUE(hls.error.empty()) << hls.describe() << "\n" << sluiced_->output();
	EXPECT_EQ(hls.demuxer, "hlsdemux2");
	EXPECT_LE(hls.started(), kWarmStartLimitS) << hls.describe();
	EXPECT_GE(hls.videoRendered, kWatchS - 1) << hls.describe();
}

} /* namespace */
