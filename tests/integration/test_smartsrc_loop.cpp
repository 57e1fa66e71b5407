/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * smartsrc uri=file:///...?loop=1: a short clip played as an endless live channel, in real
 * time, with continuous timestamps; the files it refuses, and a prompt stop.
 */

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <gst/gst.h>
#include <gtest/gtest.h>

#include "outputdir.h"
#include "playercheck.h"
#include "producer.h"
#include "smartsrcrun.h"

namespace sluice::test {
namespace {

constexpr double kClipSeconds = 2.0; /* 60 frames at 30 fps */
constexpr unsigned kLoops = 3;
/* Matroska stores times in whole milliseconds: neighbours may overlap by that rounding. */
constexpr double kRounding = 0.001;

/* What one smartsrc pad delivered. */
struct Unit {
	double pts = 0; /* seconds */
	double duration = 0;
	bool discont = false;
	bool delta = false;
	guint64 hash = 0; /* of the bytes: finds where the clip starts again */
	gint64 wallUs = 0; /* monotonic time it went out */
};

guint64 hashOf(GstBuffer *buffer)
{
	GstMapInfo map;
	guint64 h = 1469598103934665603ull; /* FNV-1a */
	if (!gst_buffer_map(buffer, &map, GST_MAP_READ))
		return 0;
	for (gsize i = 0; i < map.size; i++)
		h = (h ^ map.data[i]) * 1099511628211ull;
	gst_buffer_unmap(buffer, &map);
	return h;
}

/* smartsrc into queue ! fakesink per pad, recording every buffer; waits for what it is told. */
class LoopPlayer
{
public:
	explicit LoopPlayer(const std::string &uri)
	{
		pipeline_ = gst_pipeline_new(nullptr);
		GstElement *src = gst_element_factory_make("smartsrc", nullptr);
		g_object_set(src, "uri", uri.c_str(), nullptr);
		gst_bin_add(GST_BIN(pipeline_), src);
		g_signal_connect(src, "pad-added", G_CALLBACK(onPadAdded), this);
		bus_ = gst_element_get_bus(pipeline_);
	}

	~LoopPlayer()
	{
		stop();
		gst_object_unref(bus_);
		gst_object_unref(pipeline_);
	}

	void start() { gst_element_set_state(pipeline_, GST_STATE_PLAYING); }

	/* Seconds going to NULL took. */
	double stop()
	{
		gint64 began = g_get_monotonic_time();
		gst_element_set_state(pipeline_, GST_STATE_NULL);
		return (g_get_monotonic_time() - began) / 1e6;
	}

	/*
	 * Handles bus messages until done() holds (checked under the lock after every message
	 * or buffer), an error, or the timeout. True when done() held.
	 */
	template <typename Done>
	bool waitUntil(Done done, unsigned timeoutSeconds)
	{
		const gint64 deadline = g_get_monotonic_time() + timeoutSeconds * G_USEC_PER_SEC;
		while (g_get_monotonic_time() < deadline) {
			{
				std::unique_lock<std::mutex> lock(lock_);
				if (done(units_))
					return true;
				/* Buffers wake this; messages are picked up at least every 50 ms.
				 */
				changed_.wait_for(lock, std::chrono::milliseconds(50));
				if (done(units_))
					return true;
			}
			while (GstMessage *msg = gst_bus_pop(bus_)) {
				handle(msg);
				gst_message_unref(msg);
			}
			if (!error.empty())
				return false;
		}
		return false;
	}

	std::map<std::string, std::vector<Unit>> units()
	{
		std::lock_guard<std::mutex> locker(lock_);
		return units_;
	}

	std::string error;
	std::vector<std::string> warnings;
	Classification classification;

private:
	static void onPadAdded(GstElement *, GstPad *pad, LoopPlayer *self)
	{
		linkToFakesink(self->pipeline_, pad);
		gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, onBuffer, self, nullptr);
	}

	static GstPadProbeReturn onBuffer(GstPad *pad, GstPadProbeInfo *info, gpointer data)
	{
		auto *self = static_cast<LoopPlayer *>(data);
		GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER(info);
		Unit u;
		u.pts = GST_BUFFER_PTS(buffer) / 1e9;
		u.duration = GST_BUFFER_DURATION_IS_VALID(buffer)
			? GST_BUFFER_DURATION(buffer) / 1e9
			: -1;
		u.discont = GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DISCONT);
		u.delta = GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
		u.hash = hashOf(buffer);
		u.wallUs = g_get_monotonic_time();
		{
			std::lock_guard<std::mutex> locker(self->lock_);
			self->units_[GST_PAD_NAME(pad)].push_back(u);
		}
		self->changed_.notify_all();
		return GST_PAD_PROBE_OK;
	}

	void handle(GstMessage *msg)
	{
		if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
			g_autoptr(GError) e = nullptr;
			gst_message_parse_error(msg, &e, nullptr);
			error = e->message;
		} else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_WARNING) {
			g_autoptr(GError) e = nullptr;
			gst_message_parse_warning(msg, &e, nullptr);
			warnings.push_back(e->message);
		} else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ELEMENT) {
			const GstStructure *s = gst_message_get_structure(msg);
			if (s && gst_structure_has_name(s, "smartsrc-classified"))
				classification = parse(s);
		}
	}

	GstElement *pipeline_ = nullptr;
	GstBus *bus_ = nullptr;
	std::mutex lock_; /* guards units_ */
	std::condition_variable changed_;
	std::map<std::string, std::vector<Unit>> units_; /* by smartsrc pad */
};

/* Media delivered on a pad, first pts to the end of the last buffer. */
double spanOf(const std::vector<Unit> &units)
{
	return units.empty() ? 0 : units.back().pts + units.back().duration - units.front().pts;
}

/* Indices where the clip's first buffer comes again: the start of every loop. */
std::vector<size_t> loopStarts(const std::vector<Unit> &units)
{
	std::vector<size_t> starts;
	for (size_t i = 0; i < units.size(); i++) {
		if (units[i].hash == units.front().hash)
			starts.push_back(i);
	}
	return starts;
}

/* Timestamps of one pad: growing, no overlap beyond rounding (and priming), no gap > a frame. */
void expectContinuous(const std::string &pad, const std::vector<Unit> &units, double priming)
{
	ASSERT_FALSE(units.empty()) << pad;
	EXPECT_TRUE(units.front().discont) << pad << ": the first buffer is a discontinuity";
	for (size_t i = 1; i < units.size(); i++) {
		const Unit &a = units[i - 1];
		const Unit &b = units[i];
		ASSERT_GT(a.duration, 0) << pad << " buffer " << i - 1 << " has no duration";
		EXPECT_GT(b.pts, a.pts) << pad << " buffer " << i;
		const double gap = b.pts - (a.pts + a.duration);
		EXPECT_GE(gap, -(kRounding + priming))
			<< pad << ": overlap at buffer " << i << " (" << b.pts << " s)";
		EXPECT_LE(gap, a.duration + kRounding)
			<< pad << ": gap wider than a frame at buffer " << i << " (" << b.pts
			<< " s)";
		EXPECT_FALSE(b.discont)
			<< pad << ": DISCONT at buffer " << i << " (" << b.pts << " s)";
	}
}

struct ClipCase {
	const char *name;
	std::vector<const char *> elements;
	const char *videoChain; /* after raw 320x240 I420 video */
	const char *audioChain; /* after raw 48 kHz stereo audio */
	const char *videoCodec;
	const char *audioCodec;
	double priming; /* seconds a loop's first audio packet overlaps the next (Opus pre-skip) */
};

const ClipCase kCases[] = {
	{"h264_aac",
	 {"x264enc", "avenc_aac"},
	 "x264enc key-int-max=30 bframes=0 speed-preset=ultrafast ! h264parse",
	 "avenc_aac ! aacparse",
	 "h264",
	 "aac",
	 0},
	{"vp9_opus",
	 {"vp9enc", "opusenc"},
	 "vp9enc deadline=1 cpu-used=8 keyframe-max-dist=30 ! vp9parse",
	 "opusenc ! opusparse",
	 "vp9",
	 "opus",
	 0.0066},
};

/*
 * A 2 s clip in Matroska, as the daemon's demo clips are made: 60 video frames, and audio a
 * little longer (96 frames of 1024 samples, 2.048 s) so that the loop has to cut it.
 */
std::string makeClip(const OutputDir &dir, const ClipCase &c, std::string &error)
{
	const std::string path = dir.file(std::string(c.name) + ".mkv");
	const std::string description
		= "videotestsrc num-buffers=60 ! video/x-raw,format=I420,width=320,height=240,"
		  "framerate=30/1 ! "
		+ std::string(c.videoChain) + " ! matroskamux name=m ! filesink location=" + path
		+ " audiotestsrc num-buffers=96 samplesperbuffer=1024 ! "
		  "audio/x-raw,rate=48000,channels=2 ! "
		+ c.audioChain + " ! m.";
	return produce(description, error) ? path : "";
}

class SmartSrcLoopTest : public SmartSrcTest
{
protected:
	OutputDir dir_ {"smartsrc-loop"};
};

class SmartSrcLoopCodecTest : public SmartSrcLoopTest, public testing::WithParamInterface<ClipCase>
{
};

TEST_P(SmartSrcLoopCodecTest, PlaysInRealTimeWithContinuousTimestamps)
{
	const ClipCase &c = GetParam();
	for (const char *element : c.elements) {
		if (!haveElement(element))
			GTEST_SKIP() << element << " is not installed";
	}
	std::string error;
	const std::string path = makeClip(dir_, c, error);
	ASSERT_FALSE(path.empty()) << error;

	LoopPlayer player("file://" + path + "?loop=1");
	player.start();
	/* Both streams into their fourth loop: three whole loops behind them. */
	const double target = kLoops * kClipSeconds;
	bool reached = player.waitUntil(
		[target](const std::map<std::string, std::vector<Unit>> &units) {
			for (const char *pad : {"video_0", "audio_0"}) {
				auto it = units.find(pad);
				if (it == units.end()
				    || it->second.back().pts - it->second.front().pts < target)
					return false;
			}
			return true;
		},
		60);
	std::map<std::string, std::vector<Unit>> units = player.units();
	ASSERT_TRUE(reached) << "not 3 loops in 60 s: " << player.error << "; video "
			     << spanOf(units["video_0"]) << " s, audio " << spanOf(units["audio_0"])
			     << " s";
	player.stop();
	EXPECT_TRUE(player.warnings.empty()) << player.warnings.front();

	const Classification &k = player.classification;
	ASSERT_TRUE(k.posted);
	EXPECT_EQ(k.type, "file");
	EXPECT_EQ(k.container, "matroska");
	EXPECT_TRUE(k.live);
	ASSERT_TRUE(k.find("video") && k.find("audio"));
	EXPECT_EQ(k.find("video")->codec, c.videoCodec);
	EXPECT_EQ(k.find("video")->width, 320);
	EXPECT_EQ(k.find("audio")->codec, c.audioCodec);

	const std::vector<Unit> &video = units["video_0"];
	const std::vector<Unit> &audio = units["audio_0"];
	expectContinuous("video_0", video, 0);
	expectContinuous("audio_0", audio, c.priming);

	/* Real time: the fourth loop's first buffer cannot go out before ~3 loops of wall time. */
	const Unit &last = video.back().wallUs > audio.back().wallUs ? video.back() : audio.back();
	const double wall
		= (last.wallUs - std::min(video.front().wallUs, audio.front().wallUs)) / 1e6;
	EXPECT_GE(wall, target - 0.5) << "3 loops of media went out in " << wall << " s";

	/* The clip starts again in both streams together, loop after loop, on a keyframe. */
	std::vector<size_t> videoLoops = loopStarts(video);
	std::vector<size_t> audioLoops = loopStarts(audio);
	ASSERT_GE(videoLoops.size(), kLoops + 1);
	ASSERT_GE(audioLoops.size(), kLoops + 1);
	EXPECT_EQ(videoLoops[1], 60u) << "every frame of the clip, once per loop";
	for (size_t n = 0; n <= kLoops; n++) {
		const Unit &v = video[videoLoops[n]];
		const Unit &a = audio[audioLoops[n]];
		EXPECT_FALSE(v.delta) << "loop " << n << " starts on a delta frame";
		EXPECT_NEAR(v.pts - video.front().pts, n * kClipSeconds, 0.002) << "loop " << n;
		EXPECT_NEAR(a.pts, v.pts, 0.1) << "audio and video apart at loop " << n;
		if (n > 0) {
			EXPECT_EQ(audioLoops[n] - audioLoops[n - 1], audioLoops[1])
				<< "audio frames per loop";
		}
	}
	if (HasFailure())
		dir_.keep();
}

INSTANTIATE_TEST_SUITE_P(Codecs, SmartSrcLoopCodecTest, testing::ValuesIn(kCases),
			 [](const testing::TestParamInfo<ClipCase> &param) {
				 return std::string(param.param.name);
			 });

TEST_F(SmartSrcLoopTest, MissingFileIsAnErrorNamingIt)
{
	const std::string path = dir_.file("nowhere.mkv");
	Classification c = run("file://" + path + "?loop=1", 10);
	EXPECT_FALSE(c.posted);
	EXPECT_NE(c.error.find(path), std::string::npos) << c.error;
	EXPECT_NE(c.error.find("no such file"), std::string::npos) << c.error;
}

TEST_F(SmartSrcLoopTest, SubtitlesAloneAreAnErrorNamingTheFile)
{
	const std::string srt = "1\n00:00:00,000 --> 00:00:01,000\nHello\n\n"
				"2\n00:00:01,000 --> 00:00:02,000\nWorld\n";
	ASSERT_TRUE(g_file_set_contents(dir_.file("words.srt").c_str(), srt.data(), srt.size(),
					nullptr));
	const std::string path = dir_.file("words.mkv");
	std::string error;
	ASSERT_TRUE(produce("filesrc location=" + dir_.file("words.srt")
				    + " ! subparse ! matroskamux ! filesink location=" + path,
			    error))
		<< error;
	Classification c = run("file://" + path + "?loop=true", 30);
	EXPECT_FALSE(c.posted);
	EXPECT_NE(c.error.find(path), std::string::npos) << c.error;
	EXPECT_NE(c.error.find("no audio or video"), std::string::npos) << c.error;
}

TEST_F(SmartSrcLoopTest, GarbageIsAnErrorNamingTheFile)
{
	const std::string garbage = garbageBytes(100000);
	const std::string path = dir_.file("garbage.mkv");
	ASSERT_TRUE(g_file_set_contents(path.c_str(), garbage.data(), garbage.size(), nullptr));
	Classification c = run("file://" + path + "?loop=1", 30);
	EXPECT_FALSE(c.posted);
	EXPECT_NE(c.error.find(path), std::string::npos) << c.error;
}

/* Held in memory: a file over 64 MiB is refused before a byte is read (this one is sparse). */
TEST_F(SmartSrcLoopTest, TooBigIsRefused)
{
	const std::string path = dir_.file("huge.mkv");
	ASSERT_TRUE(g_file_set_contents(path.c_str(), "", 0, nullptr));
	std::error_code ec;
	std::filesystem::resize_file(path, 65ull * 1024 * 1024, ec);
	ASSERT_FALSE(ec) << ec.message();
	Classification c = run("file://" + path + "?loop=1", 10);
	EXPECT_FALSE(c.posted);
	EXPECT_NE(c.error.find(path), std::string::npos) << c.error;
	EXPECT_NE(c.error.find("64 MiB"), std::string::npos) << c.error;
}

TEST_F(SmartSrcLoopTest, BadLoopValueIsAnError)
{
	Classification c = run("file://" + dir_.file("clip.mkv") + "?loop=sometimes", 10);
	EXPECT_FALSE(c.posted);
	EXPECT_NE(c.error.find("loop=sometimes"), std::string::npos) << c.error;
}

/* The feeding stops with the element: going to NULL mid-playback is prompt. */
TEST_F(SmartSrcLoopTest, StopsPromptlyMidPlayback)
{
	if (!haveElement("x264enc") || !haveElement("avenc_aac"))
		GTEST_SKIP() << "x264enc or avenc_aac is not installed";
	std::string error;
	const std::string path = makeClip(dir_, kCases[0], error);
	ASSERT_FALSE(path.empty()) << error;

	for (int round = 0; round < 3; round++) {
		LoopPlayer player("file://" + path + "?loop=1");
		player.start();
		ASSERT_TRUE(player.waitUntil(
			[](const std::map<std::string, std::vector<Unit>> &units) {
				auto v = units.find("video_0");
				auto a = units.find("audio_0");
				return v != units.end() && a != units.end() && v->second.size() > 10
					&& a->second.size() > 10;
			},
			30))
			<< player.error;
		double seconds = player.stop();
		EXPECT_LT(seconds, 5.0) << "round " << round;
	}
}

/*
 * From a shell, as the README shows it: runs for 4 s without an error, then an interrupt
 * (gst-launch -e sends EOS, which smartsrc lets through) ends it cleanly.
 */
TEST_F(SmartSrcLoopTest, RunsFromGstLaunch)
{
	if (!haveElement("x264enc") || !haveElement("avenc_aac"))
		GTEST_SKIP() << "x264enc or avenc_aac is not installed";
	std::string error;
	const std::string path = makeClip(dir_, kCases[0], error);
	ASSERT_FALSE(path.empty()) << error;

	ProcessResult r = runProcess({"timeout",
				      "--preserve-status",
				      "-s",
				      "INT",
				      "4",
				      "gst-launch-1.0",
				      "-e",
				      "smartsrc",
				      "uri=file://" + path + "?loop=1",
				      "name=s",
				      "s.video_0",
				      "!",
				      "queue",
				      "!",
				      "fakesink",
				      "s.audio_0",
				      "!",
				      "queue",
				      "!",
				      "fakesink"},
				     60);
	EXPECT_TRUE(r.succeeded()) << r.describe();
	EXPECT_NE(r.out.find("Got EOS"), std::string::npos) << r.describe();
	for (const std::string *text : {&r.out, &r.err}) {
		EXPECT_EQ(text->find("ERROR"), std::string::npos) << r.describe();
		EXPECT_EQ(text->find("WARNING"), std::string::npos) << r.describe();
		EXPECT_EQ(text->find("CRITICAL"), std::string::npos) << r.describe();
	}
}

} /* namespace */
} /* namespace sluice::test */
