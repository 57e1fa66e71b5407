/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * smartsrc against the sources IPTV really serves and the ways they break: HLS with MPEG-TS
 * segments, a truncated segment, a codec change between segments, raw TS passthrough, variant
 * choice by height, failover timing, and a failover played through cmafsink by real clients.
 */

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include "childprocesses.h"
#include "httpserver.h"
#include "outputdir.h"
#include "playercheck.h"
#include "producer.h"
#include "smartsrcrun.h"

namespace sluice::test {
namespace {

/* What reached the sinks of a pipeline smartsrc fed until EOS, an error or the timeout. */
struct Played {
	bool eos = false;
	std::string error;
	std::vector<std::string> warnings;
	std::vector<std::string> videoCaps; /* media type of each caps event on video_0 */
	std::vector<GstClockTime> videoTimes; /* running time of each video buffer */
	unsigned discont = 0; /* DISCONT video buffers */
	unsigned classifications = 0;
	std::vector<std::string> videoCodecs; /* per classification */
	std::vector<bool> isolated; /* per classification: read by sluice-ingest */
	std::vector<gint64> switchedAtUs; /* smartsrc-source-switched, since PLAYING */
	std::vector<bool> switchedToBackup;
	std::vector<gint64> classifiedAtUs;
	std::string rawBytes; /* mode=raw */
};

/* Guards every Played while its pipeline runs: probes write from streaming threads. */
std::mutex playedLock;

struct PlayOptions {
	unsigned timeoutSeconds = 30;
	std::function<void(GstElement *)> configure;
	/* Called for every bus message; true stops the run (the pipeline gets EOS). */
	std::function<bool(const Played &)> stopWhen;
	bool linkRaw = false;
};

GstPadProbeReturn recordVideo(GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
	auto *played = static_cast<Played *>(data);
	if (GST_PAD_PROBE_INFO_TYPE(info) & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
		GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info);
		if (GST_EVENT_TYPE(event) == GST_EVENT_CAPS) {
			GstCaps *caps;
			gst_event_parse_caps(event, &caps);
			std::lock_guard<std::mutex> locker(playedLock);
			played->videoCaps.push_back(
				gst_structure_get_name(gst_caps_get_structure(caps, 0)));
		}
		return GST_PAD_PROBE_OK;
	}
	GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER(info);
	GstClockTime time = GST_CLOCK_TIME_NONE;
	if (GstEvent *event = gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0)) {
		const GstSegment *segment;
		gst_event_parse_segment(event, &segment);
		GstClockTime pts = GST_BUFFER_DTS_OR_PTS(buffer);
		if (GST_CLOCK_TIME_IS_VALID(pts))
			time = gst_segment_to_running_time(segment, GST_FORMAT_TIME, pts);
		gst_event_unref(event);
	}
	if (GST_CLOCK_TIME_IS_VALID(time))
		time += gst_pad_get_offset(pad);
	std::lock_guard<std::mutex> locker(playedLock);
	played->videoTimes.push_back(time);
	if (GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DISCONT))
		played->discont++;
	return GST_PAD_PROBE_OK;
}

/* smartsrc, each parsed stream through a queue into a fakesink (the raw pad: an appsink-like
 * probe), as a demuxer's consumer must: adaptive demuxers push every track from one thread. */
Played play(const std::string &uri, const PlayOptions &options)
{
	Played played;
	GstElement *pipeline = gst_pipeline_new(nullptr);
	GstElement *src = gst_element_factory_make("smartsrc", nullptr);
	g_object_set(src, "uri", uri.c_str(), nullptr);
	if (options.configure)
		options.configure(src);
	gst_bin_add(GST_BIN(pipeline), src);

	struct Context {
		GstElement *pipeline;
		Played *played;
		bool linkRaw;
	} context {pipeline, &played, options.linkRaw};
	g_signal_connect(
		src, "pad-added", G_CALLBACK(+[](GstElement *, GstPad *pad, Context *c) {
			const bool raw = !strcmp(GST_PAD_NAME(pad), "raw");
			if (raw && !c->linkRaw)
				return;
			linkToFakesink(c->pipeline, pad);
			if (!strcmp(GST_PAD_NAME(pad), "video_0")) {
				gst_pad_add_probe(pad,
						  static_cast<GstPadProbeType>(
							  GST_PAD_PROBE_TYPE_BUFFER
							  | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM),
						  recordVideo, c->played, nullptr);
			} else if (raw) {
				gst_pad_add_probe(
					pad, GST_PAD_PROBE_TYPE_BUFFER,
					[](GstPad *, GstPadProbeInfo *info, gpointer data) {
						GstMapInfo map;
						GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);
						gst_buffer_map(b, &map, GST_MAP_READ);
						{
							std::lock_guard<std::mutex> locker(
								playedLock);
							static_cast<Played *>(data)
								->rawBytes.append(
									reinterpret_cast<
										const char *>(
										map.data),
									map.size);
						}
						gst_buffer_unmap(b, &map);
						return GST_PAD_PROBE_OK;
					},
					c->played, nullptr);
			}
		}),
		&context);

	const gint64 start = g_get_monotonic_time();
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	GstBus *bus = gst_element_get_bus(pipeline);
	const gint64 deadline = start + options.timeoutSeconds * G_USEC_PER_SEC;
	bool stopping = false;
	while (g_get_monotonic_time() < deadline) {
		GstMessage *msg = gst_bus_timed_pop(bus, 50 * GST_MSECOND);
		if (!msg)
			continue;
		const GstStructure *s = gst_message_get_structure(msg);
		const gint64 at = g_get_monotonic_time() - start;
		bool done = false;
		std::unique_lock<std::mutex> locker(playedLock);
		if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
			GError *error = nullptr;
			g_autofree char *debug = nullptr;
			gst_message_parse_error(msg, &error, &debug);
			played.error = std::string(error->message) + " (from "
				+ GST_MESSAGE_SRC_NAME(msg) + ": " + (debug ? debug : "") + ")";
			g_error_free(error);
			done = true;
		} else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS) {
			played.eos = true;
			done = true;
		} else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_WARNING) {
			GError *warning = nullptr;
			gst_message_parse_warning(msg, &warning, nullptr);
			played.warnings.push_back(warning->message);
			g_error_free(warning);
		} else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ELEMENT && s
			   && gst_structure_has_name(s, "smartsrc-source-switched")) {
			gboolean backup = FALSE;
			gst_structure_get_boolean(s, "switched", &backup);
			played.switchedAtUs.push_back(at);
			played.switchedToBackup.push_back(backup);
		} else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ELEMENT && s
			   && gst_structure_has_name(s, "smartsrc-classified")) {
			Classification c = parse(s);
			played.classifications++;
			played.classifiedAtUs.push_back(at);
			played.videoCodecs.push_back(c.find("video") ? c.find("video")->codec : "");
			gboolean isolated = FALSE;
			gst_structure_get_boolean(s, "isolated", &isolated);
			played.isolated.push_back(isolated);
		}
		locker.unlock();
		gst_message_unref(msg);
		if (done)
			break;
		if (!stopping && options.stopWhen) {
			bool stop;
			{
				std::lock_guard<std::mutex> relock(playedLock);
				stop = options.stopWhen(played);
			}
			if (stop) {
				stopping = true;
				gst_element_send_event(pipeline, gst_event_new_eos());
			}
		}
	}
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(bus);
	gst_object_unref(pipeline);
	return played;
}

std::string firstProblemOfTimes(const std::vector<GstClockTime> &times)
{
	for (size_t i = 0; i < times.size(); i++) {
		if (!GST_CLOCK_TIME_IS_VALID(times[i]))
			return "video buffer " + std::to_string(i) + " has no time";
		if (i && times[i] < times[i - 1] && times[i - 1] - times[i] > GST_SECOND / 10) {
			/* B-frames reorder DTS-less PTS by a few frames; a jump back is more. */
			return "video time goes back at buffer " + std::to_string(i) + ": "
				+ std::to_string(times[i - 1] / 1e9) + " s, then "
				+ std::to_string(times[i] / 1e9) + " s";
		}
	}
	return {};
}

class SmartSrcStreamsTest : public SmartSrcTest
{
protected:
	void SetUp() override
	{
		SmartSrcTest::SetUp();
		if (IsSkipped())
			return;
		for (const char *tool : {"ffmpeg", "ffprobe"}) {
			g_autofree char *path = g_find_program_in_path(tool);
			if (!path)
				GTEST_SKIP() << tool << " is not installed";
		}
		std::string error;
		ASSERT_TRUE(server_.start(error)) << error;
	}

	OutputDir dir_ {"smartsrc-streams"};
	StaticFileServer server_ {dir_.path()};
};

TEST_F(SmartSrcStreamsTest, HlsWithTsSegmentsIsClassifiedAndPlayedToTheEnd)
{
	std::string error;
	ASSERT_TRUE(ffmpegHls(dir_.path(), "h264", "libx264", 4, error)) << error;
	Classification c = run(server_.baseUrl() + "/h264.m3u8");
	ASSERT_TRUE(c.posted) << c.error;
	EXPECT_EQ(c.type, "hls");
	EXPECT_EQ(c.container, "mpegts");
	EXPECT_FALSE(c.live);
	ASSERT_TRUE(c.find("video") && c.find("audio"));
	EXPECT_EQ(c.find("video")->codec, "h264");
	EXPECT_EQ(c.find("audio")->codec, "aac");

	Played p = play(server_.baseUrl() + "/h264.m3u8", {});
	EXPECT_TRUE(p.eos) << p.error;
	EXPECT_GE(p.videoTimes.size(), 115u) << "4 s at 30 fps";
	EXPECT_EQ(firstProblemOfTimes(p.videoTimes), "");
}

/* A segment cut in half: the rest is still delivered, in order, to the end. */
TEST_F(SmartSrcStreamsTest, TruncatedSegmentIsPlayedThrough)
{
	std::string error;
	ASSERT_TRUE(ffmpegHls(dir_.path(), "h264", "libx264", 5, error)) << error;
	Played p = play(server_.baseUrl() + "/truncated/h264.m3u8", {});
	EXPECT_TRUE(p.eos) << p.error;
	EXPECT_TRUE(p.error.empty()) << p.error;
	/* 150 frames less about half of segment 2's 30. */
	EXPECT_GE(p.videoTimes.size(), 110u);
	EXPECT_LT(p.videoTimes.size(), 150u) << "was the segment really truncated?";
	EXPECT_EQ(firstProblemOfTimes(p.videoTimes), "");
	ASSERT_FALSE(p.videoTimes.empty());
	EXPECT_GT(p.videoTimes.back(), 4 * GST_SECOND) << "stopped at the truncated segment";
}

/*
 * A live HLS channel whose origin switches from H.264 to H.265 between segments (an
 * EXT-X-DISCONTINUITY, as when a channel's encoder is replaced). GStreamer 1.22's hlsdemux2
 * ends the track at the codec change; smartsrc takes that as a live source ending and reopens
 * at the live edge: downstream gets new caps on the same pad, a DISCONT, time that keeps
 * growing, and a second classification naming the new codec.
 */
TEST_F(SmartSrcStreamsTest, CodecChangeBetweenLiveSegmentsGivesNewCaps)
{
	std::string error;
	ASSERT_TRUE(ffmpegHls(dir_.path(), "h264", "libx264", 4, error)) << error;
	ASSERT_TRUE(ffmpegHls(dir_.path(), "h265", "libx265", 4, error)) << error;
	auto writePlaylist = [this](const std::string &body) {
		const std::string path = dir_.file("live.m3u8");
		const std::string tmp = path + ".tmp";
		ASSERT_TRUE(g_file_set_contents(tmp.c_str(), body.c_str(), -1, nullptr));
		ASSERT_EQ(g_rename(tmp.c_str(), path.c_str()), 0);
	};
	const std::string head = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n";
	writePlaylist(head
		      + "#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1,\nh264_0.ts\n#EXTINF:1,\nh264_1.ts\n"
			"#EXTINF:1,\nh264_2.ts\n#EXTINF:1,\nh264_3.ts\n");

	bool changed = false;
	bool ended = false;
	PlayOptions options;
	options.timeoutSeconds = 40;
	options.configure = [](GstElement *src) {
		g_object_set(src, "retry-delay", 100u, "stall-timeout", 3000u, nullptr);
	};
	options.stopWhen = [&](const Played &p) {
		if (p.classifications >= 1 && !changed) {
			/* The origin moves on: two more H.264 segments, then H.265. */
			changed = true;
			writePlaylist(
				head
				+ "#EXT-X-MEDIA-SEQUENCE:2\n#EXTINF:1,\nh264_2.ts\n#EXTINF:1,\n"
				  "h264_3.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:1,\nh265_0.ts\n"
				  "#EXTINF:1,\nh265_1.ts\n#EXTINF:1,\nh265_2.ts\n#EXTINF:1,\n"
				  "h265_3.ts\n");
		}
		if (!ended && p.videoCodecs.size() >= 2 && p.videoCodecs.back() == "h265") {
			/*
			 * The channel ends (ENDLIST) rather than being torn down: GStreamer
			 * 1.22.0's adaptivedemux2 can crash when stopped mid-download (its
			 * download thread closes a libsoup stream being freed), so the test
			 * stops only once every download is done.
			 */
			ended = true;
			writePlaylist(head
				      + "#EXT-X-MEDIA-SEQUENCE:4\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n"
					"#EXTINF:1,\nh265_0.ts\n#EXTINF:1,\nh265_1.ts\n#EXTINF:1,\n"
					"h265_2.ts\n#EXTINF:1,\nh265_3.ts\n#EXT-X-ENDLIST\n");
		}
		return false;
	};
	Played p = play(server_.baseUrl() + "/live.m3u8", options);

	EXPECT_TRUE(p.eos) << "the ended channel did not end";
	EXPECT_TRUE(p.error.empty()) << p.error;
	ASSERT_GE(p.videoCodecs.size(), 2u) << "no classification after the change";
	EXPECT_EQ(p.videoCodecs.front(), "h264");
	EXPECT_EQ(p.videoCodecs[1], "h265");
	ASSERT_FALSE(p.videoCaps.empty());
	EXPECT_EQ(p.videoCaps.front(), "video/x-h264");
	EXPECT_EQ(p.videoCaps.back(), "video/x-h265");
	EXPECT_GE(p.discont, 1u);
	EXPECT_EQ(firstProblemOfTimes(p.videoTimes), "");
}

/* mode=raw: the bytes of an MPEG-TS source, unchanged, beside its parsed streams. */
TEST_F(SmartSrcStreamsTest, RawModeDeliversTheOriginalBytes)
{
	std::string error;
	ASSERT_TRUE(
		produce("videotestsrc num-buffers=90 ! video/x-raw,width=320,height=240,"
			"framerate=30/1 ! x264enc key-int-max=30 ! h264parse ! mpegtsmux name=m "
			"! filesink location="
				+ dir_.file("stream.ts")
				+ " audiotestsrc num-buffers=140 samplesperbuffer=1024 ! "
				  "audio/x-raw,rate=48000 ! avenc_aac ! aacparse ! m.",
			error))
		<< error;
	const std::string original = readText(dir_.file("stream.ts"));

	PlayOptions options;
	options.linkRaw = true;
	options.configure = [](GstElement *src) {
		gst_util_set_object_arg(G_OBJECT(src), "mode", "raw");
	};
	Played p = play(server_.baseUrl() + "/stream.ts", options);
	EXPECT_TRUE(p.eos) << p.error;
	EXPECT_EQ(p.rawBytes.size(), original.size());
	EXPECT_TRUE(p.rawBytes == original) << "raw bytes differ from the source";
	EXPECT_GE(p.videoTimes.size(), 85u) << "the parsed streams flow too";

	Classification c = run(server_.baseUrl() + "/stream.ts", 30, options.configure);
	ASSERT_TRUE(c.posted) << c.error;
	EXPECT_TRUE(c.raw);
	EXPECT_EQ(c.container, "mpegts");
	ASSERT_TRUE(c.find("video"));
	EXPECT_EQ(c.find("video")->codec, "h264") << "classified from the parsed branch";
}

/* Across reconnects of a dropping live TS source, the raw pad only ever carries whole packets. */
TEST_F(SmartSrcStreamsTest, RawModeCarriesWholePacketsAcrossReconnects)
{
	std::string error;
	ASSERT_TRUE(produce("videotestsrc num-buffers=60 ! video/x-raw,width=320,height=240,"
			    "framerate=30/1 ! x264enc key-int-max=30 ! h264parse ! mpegtsmux ! "
			    "filesink location="
				    + dir_.file("short.ts"),
			    error))
		<< error;
	/* Cut mid-packet, as a dropped connection does. */
	std::string original = readText(dir_.file("short.ts"));
	const std::string cut = original.substr(0, original.size() - 100);
	ASSERT_TRUE(
		g_file_set_contents(dir_.file("cut.ts").c_str(), cut.data(), cut.size(), nullptr));

	PlayOptions options;
	options.linkRaw = true;
	options.configure = [](GstElement *src) {
		gst_util_set_object_arg(G_OBJECT(src), "mode", "raw");
		g_object_set(src, "retry-delay", 50u, nullptr);
	};
	options.stopWhen = [](const Played &p) {
		return p.switchedAtUs.size() >= 2;
	};
	Played p = play(server_.baseUrl() + "/live/cut.ts", options);
	EXPECT_TRUE(p.error.empty()) << p.error;
	ASSERT_GE(p.switchedAtUs.size(), 2u);
	ASSERT_FALSE(p.rawBytes.empty());
	EXPECT_EQ(p.rawBytes.size() % 188, 0u);
	for (size_t i = 0; i < p.rawBytes.size(); i += 188)
		ASSERT_EQ(p.rawBytes[i], 0x47) << "no sync byte at " << i;
	/* Each play is the file's whole packets, one after the other. */
	const std::string whole = cut.substr(0, cut.size() / 188 * 188);
	for (size_t at = 0; at + whole.size() <= p.rawBytes.size(); at += whole.size())
		ASSERT_TRUE(p.rawBytes.compare(at, whole.size(), whole) == 0)
			<< "play starting at byte " << at << " differs";
}

TEST_F(SmartSrcStreamsTest, RawModeOnANonTsSourceWarnsAndDeliversParsedStreams)
{
	std::string error;
	ASSERT_TRUE(ffmpegHls(dir_.path(), "h264", "libx264", 3, error)) << error;
	Classification c = run(server_.baseUrl() + "/h264.m3u8", 30, [](GstElement *src) {
		gst_util_set_object_arg(G_OBJECT(src), "mode", "raw");
	});
	ASSERT_TRUE(c.posted) << c.error;
	EXPECT_FALSE(c.raw);
	ASSERT_FALSE(c.warnings.empty());
	EXPECT_NE(c.warnings[0].find("mode=raw needs an MPEG-TS source"), std::string::npos)
		<< c.warnings[0];
	EXPECT_GT(c.buffers, 10u);
}

/* variant-policy=best with max-height, for HLS and DASH: chosen from the manifest. */
TEST_F(SmartSrcStreamsTest, MaxHeightPicksTheVariant)
{
	auto video = [](int width, int height, int kbps) {
		return "videotestsrc num-buffers=90 ! video/x-raw,format=I420,width="
			+ std::to_string(width) + ",height=" + std::to_string(height)
			+ ",framerate=30/1 ! x264enc key-int-max=30 bitrate=" + std::to_string(kbps)
			+ " ! h264parse ! ";
	};
	std::string error;
	ASSERT_TRUE(
		produce(video(320, 240, 200)
				+ "cmafsink name=c playlist-type=vod target-duration=1 location="
				+ dir_.path() + " " + video(640, 360, 1500) + "c.video_1 "
				+ video(1280, 720, 3000)
				+ "c.video_2 audiotestsrc num-buffers=140 samplesperbuffer=1024 ! "
				  "audio/x-raw,rate=48000 ! avenc_aac ! aacparse ! c.audio_0",
			error))
		<< error;

	struct Case {
		const char *manifest;
		guint maxHeight;
		guint64 maxBitrate;
		int width;
	};
	for (const Case &t :
	     {Case {"master.m3u8", 240, 0, 320}, Case {"master.m3u8", 400, 0, 640},
	      Case {"master.m3u8", 1080, 0, 1280}, Case {"master.m3u8", 1080, 2000000, 640},
	      Case {"manifest.mpd", 240, 0, 320}, Case {"manifest.mpd", 400, 0, 640}}) {
		const std::string name = std::string(t.manifest)
			+ " max-height=" + std::to_string(t.maxHeight)
			+ " max-bitrate=" + std::to_string(t.maxBitrate);
		Classification c
			= run(server_.baseUrl() + "/" + t.manifest, 20, [&t](GstElement *src) {
				  gst_util_set_object_arg(G_OBJECT(src), "variant-policy", "best");
				  g_object_set(src, "max-height", t.maxHeight, "max-bitrate",
					       t.maxBitrate, nullptr);
			  });
		ASSERT_TRUE(c.posted) << name << ": " << c.error;
		ASSERT_TRUE(c.find("video")) << name;
		EXPECT_EQ(c.find("video")->width, t.width) << name;
		EXPECT_EQ(c.variants, 3u) << name;
	}
}

/*
 * Failover timing: with retry-delay 300 ms and retries-before-switch 2, a primary that
 * answers 404 is retried once after 300 ms, and the backup is opened at once after the second
 * failure (players are waiting: a backup is not held back). Lower bounds show the backoff is
 * honoured; upper bounds allow a busy machine a second.
 */
TEST_F(SmartSrcStreamsTest, FailoverHappensWithinTheConfiguredTimes)
{
	std::string error;
	ASSERT_TRUE(ffmpegHls(dir_.path(), "h264", "libx264", 3, error)) << error;
	const std::string backup = server_.baseUrl() + "/h264.m3u8";
	PlayOptions options;
	options.configure = [&backup](GstElement *src) {
		GValue uris = G_VALUE_INIT;
		gst_value_array_init(&uris, 1);
		GValue item = G_VALUE_INIT;
		g_value_init(&item, G_TYPE_STRING);
		g_value_set_string(&item, backup.c_str());
		gst_value_array_append_and_take_value(&uris, &item);
		g_object_set_property(G_OBJECT(src), "backup-uris", &uris);
		g_value_unset(&uris);
		g_object_set(src, "retry-delay", 300u, "retries-before-switch", 2u, nullptr);
	};
	options.stopWhen = [](const Played &p) {
		return p.classifications >= 1;
	};
	Played p = play(server_.baseUrl() + "/gone.ts", options);

	ASSERT_TRUE(p.error.empty()) << p.error;
	ASSERT_EQ(p.switchedAtUs.size(), 2u);
	EXPECT_FALSE(p.switchedToBackup[0]) << "the first failure retries the primary";
	EXPECT_TRUE(p.switchedToBackup[1]) << "the second switches to the backup";
	const gint64 retryGap = p.switchedAtUs[1] - p.switchedAtUs[0];
	EXPECT_GE(p.switchedAtUs[0], 290000) << "retry before retry-delay";
	EXPECT_LE(p.switchedAtUs[0], 1300000);
	EXPECT_LE(retryGap, 1000000) << "the backup was held back";
	ASSERT_EQ(p.classifications, 1u);
	EXPECT_LE(p.classifiedAtUs[0] - p.switchedAtUs[1], 3000000) << "backup slow to start";
	EXPECT_EQ(p.videoCodecs[0], "h264");
}

/*
 * The whole path a smart channel takes: a live TS source that drops fails over to a backup
 * in another resolution and back; cmafsink starts a new period at each switch, and both
 * ffmpeg and GStreamer's hlsdemux2 play the result through the discontinuities.
 */
TEST_F(SmartSrcStreamsTest, FailoverThroughCmafsinkPlaysInRealClients)
{
	auto ts = [this](int width, int height, const char *name) {
		std::string error;
		EXPECT_TRUE(produce(
			"videotestsrc num-buffers=90 ! video/x-raw,format=I420,width="
				+ std::to_string(width) + ",height=" + std::to_string(height)
				+ ",framerate=30/1 ! x264enc key-int-max=30 ! h264parse ! "
				  "mpegtsmux name=m ! filesink location="
				+ dir_.file(name)
				+ " audiotestsrc num-buffers=141 samplesperbuffer=1024 ! "
				  "audio/x-raw,rate=48000 ! avenc_aac ! aacparse ! m.",
			error))
			<< error;
	};
	ts(320, 240, "primary.ts");
	ts(640, 360, "backup.ts");
	if (HasFailure())
		return;

	OutputDir out("smartsrc-failover-cmaf");
	const std::string description
		= "smartsrc name=s retry-delay=50 retries-before-switch=1 uri=" + server_.baseUrl()
		+ "/live/primary.ts s.video_0 ! queue ! cmafsink name=c playlist-type=vod "
		  "target-duration=1 location="
		+ out.path() + " s.audio_0 ! queue ! c.audio_0";
	g_autoptr(GError) error = nullptr;
	GstElement *pipeline = gst_parse_launch(description.c_str(), &error);
	ASSERT_NE(pipeline, nullptr) << error->message;
	ASSERT_EQ(error, nullptr) << error->message;
	{
		/* As gst-launch-1.0 reads backup-uris='<"http://...">'. */
		g_autoptr(GstElement) src = gst_bin_get_by_name(GST_BIN(pipeline), "s");
		const std::string backups = "<\"" + server_.baseUrl() + "/live/backup.ts\">";
		gst_util_set_object_arg(G_OBJECT(src), "backup-uris", backups.c_str());
		GValue value = G_VALUE_INIT;
		g_value_init(&value, GST_TYPE_ARRAY);
		g_object_get_property(G_OBJECT(src), "backup-uris", &value);
		EXPECT_EQ(gst_value_array_get_size(&value), 1u) << backups;
		g_value_unset(&value);
	}
	SwitchRun run = playThroughSwitches(pipeline, 2, 60);
	gst_object_unref(pipeline);
	ASSERT_TRUE(run.failure.empty()) << run.failure;
	ASSERT_TRUE(run.eos) << "no EOS after " << run.switches << " switches";

	const std::string playlist = readText(out.file("video_0.m3u8"));
	EXPECT_GE(std::count(playlist.begin(), playlist.end(), '\n'), 10);
	EXPECT_NE(playlist.find("#EXT-X-DISCONTINUITY"), std::string::npos) << playlist;

	StaticFileServer server(out.path());
	std::string startError;
	ASSERT_TRUE(server.start(startError)) << startError;
	const std::string url = server.baseUrl() + "/master.m3u8";

	TimelineExpectation expect;
	expect.joinsLate = true; /* EOS lands somewhere in the third play */
	expect.minSpan = 6.0;
	expect.duration = 9.0;
	expect.durationTolerance = 0.5;
	expect.endSyncTolerance = 0.2;
	/* Each source's audio outlasts its video by an AAC frame: video resumes that late. */
	expect.allowedGap = 0.05;
	expect.allowedGaps = 2;
	{
		ProcessResult r = runProcess(ffprobeCommand(url), 60);
		std::vector<std::string> problems;
		if (!r.succeeded())
			problems.push_back("ffprobe failed");
		Timelines t = parseFfprobe(r.out, problems);
		auto more = checkTimelines(t, expect);
		problems.insert(problems.end(), more.begin(), more.end());
		EXPECT_TRUE(problems.empty())
			<< "ffprobe:\n"
			<< joinLines(problems) << summarize(t) << r.describe();
	}
	{
		TimelineExpectation buffers = expect;
		buffers.packets = false;
		ProcessResult r = runProcess(playCommand(url), 60);
		std::vector<std::string> problems;
		if (!r.succeeded())
			problems.push_back("playbin3 did not reach EOS cleanly");
		if (r.out.find("element|factory=hlsdemux2|") == std::string::npos)
			problems.push_back("playbin3 did not use hlsdemux2");
		Timelines t = parseFfprobe(r.out, problems);
		auto more = checkTimelines(t, buffers);
		problems.insert(problems.end(), more.begin(), more.end());
		EXPECT_TRUE(problems.empty())
			<< "playbin3 (hlsdemux2):\n"
			<< joinLines(problems) << summarize(t) << r.describe();
	}
	if (HasFailure())
		out.keep();
}

} /* namespace */

namespace {

/* This process's sluice-ingest children (smartsrc isolate=true). */
std::vector<int> ingestChildren()
{
	return childProcesses(getpid(), "sluice-ingest");
}

} /* namespace */

/* isolate=true: the same HLS source, read by sluice-ingest, gives the same streams and times. */
TEST_F(SmartSrcStreamsTest, IsolatedHlsIsClassifiedAndPlayedToTheEnd)
{
	std::string error;
	ASSERT_TRUE(ffmpegHls(dir_.path(), "h264", "libx264", 4, error)) << error;
	PlayOptions options;
	options.configure = [](GstElement *src) {
		g_object_set(src, "isolate", TRUE, nullptr);
	};
	Played p = play(server_.baseUrl() + "/h264.m3u8", options);
	EXPECT_TRUE(p.eos) << p.error;
	EXPECT_TRUE(p.error.empty()) << p.error;
	ASSERT_EQ(p.videoCodecs.size(), 1u);
	EXPECT_TRUE(p.isolated.front()) << "the source was not read in a child process";
	EXPECT_EQ(p.videoCodecs.front(), "h264");
	EXPECT_GE(p.videoTimes.size(), 115u) << "4 s at 30 fps";
	EXPECT_EQ(firstProblemOfTimes(p.videoTimes), "");
	EXPECT_TRUE(ingestChildren().empty()) << "sluice-ingest outlived its pipeline";
}

/*
 * The point of isolate=true: the process demuxing a live HLS source dies (SIGSEGV, as
 * GStreamer 1.22's adaptivedemux2 can) and the pipeline goes on from a reconnect, with time
 * that keeps growing, and no error.
 */
TEST_F(SmartSrcStreamsTest, IsolatedLiveHlsSurvivesACrashOfItsReader)
{
	std::string error;
	ASSERT_TRUE(ffmpegHls(dir_.path(), "h264", "libx264", 4, error)) << error;
	auto writePlaylist = [this](const std::string &body) {
		const std::string path = dir_.file("live.m3u8");
		const std::string tmp = path + ".tmp";
		ASSERT_TRUE(g_file_set_contents(tmp.c_str(), body.c_str(), -1, nullptr));
		ASSERT_EQ(g_rename(tmp.c_str(), path.c_str()), 0);
	};
	const std::string live = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n"
				 "#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1,\nh264_0.ts\n#EXTINF:1,\n"
				 "h264_1.ts\n#EXTINF:1,\nh264_2.ts\n#EXTINF:1,\nh264_3.ts\n";
	writePlaylist(live);

	int killed = 0;
	size_t framesAtKill = 0;
	bool ended = false;
	PlayOptions options;
	options.timeoutSeconds = 60;
	options.configure = [](GstElement *src) {
		g_object_set(src, "isolate", TRUE, "retry-delay", 100u, nullptr);
	};
	options.stopWhen = [&](const Played &p) {
		if (!killed && p.classifications >= 1 && p.videoTimes.size() >= 10) {
			std::vector<int> children = ingestChildren();
			if (children.size() == 1) {
				killed = children.front();
				framesAtKill = p.videoTimes.size();
				kill(killed, SIGSEGV);
			}
		}
		/* Playing again after the crash: let the channel end. */
		if (killed && !ended && p.classifications >= 2
		    && p.videoTimes.size() >= framesAtKill + 30) {
			ended = true;
			writePlaylist(live + "#EXT-X-ENDLIST\n");
		}
		return false;
	};
	Played p = play(server_.baseUrl() + "/live.m3u8", options);

	ASSERT_NE(killed, 0) << "no sluice-ingest child to kill";
	EXPECT_TRUE(p.error.empty()) << p.error;
	EXPECT_TRUE(p.eos) << "did not play on after the crash";
	EXPECT_GE(p.classifications, 2u);
	EXPECT_TRUE(std::all_of(p.isolated.begin(), p.isolated.end(), [](bool i) { return i; }));
	EXPECT_TRUE(std::any_of(p.warnings.begin(), p.warnings.end(), [](const std::string &w) {
		return w.find("signal 11") != std::string::npos;
	})) << "the crash was not reported";
	EXPECT_GE(p.videoTimes.size(), framesAtKill + 30);
	EXPECT_GE(p.discont, 1u);
	EXPECT_EQ(firstProblemOfTimes(p.videoTimes), "");
}

} /* namespace sluice::test */
