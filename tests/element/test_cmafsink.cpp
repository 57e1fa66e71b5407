/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * cmafsink element tests: timestamped buffers in through GstHarness, exact segments, messages,
 * manifests and upstream events out.
 */

#include <cstring>
#include <string>
#include <vector>

#include <glib/gstdio.h>
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

namespace {

/* avcC of a real x264 stream (High 4:4:4 level 1.3, 320x240), taken from its caps. */
const char *kAvcC = "01f4000dffe1001d67f4000d90d9b28283f602d41818190000030001000003003c8f14299601"
		    "000668ebec448440";
/* AAC-LC 44.1 kHz mono AudioSpecificConfig, as avenc_aac ! aacparse gives it. */
const char *kAsc = "120856e500";

GstBuffer *hexBuffer(const char *hex)
{
	size_t n = strlen(hex) / 2;
	GstBuffer *buffer = gst_buffer_new_allocate(nullptr, n, nullptr);
	GstMapInfo map;
	gst_buffer_map(buffer, &map, GST_MAP_WRITE);
	for (size_t i = 0; i < n; i++) {
		char byte[3] = {hex[2 * i], hex[2 * i + 1], 0};
		map.data[i] = static_cast<uint8_t>(strtoul(byte, nullptr, 16));
	}
	gst_buffer_unmap(buffer, &map);
	return buffer;
}

GstCaps *h264Caps(const char *avcC = kAvcC)
{
	GstBuffer *codecData = hexBuffer(avcC);
	GstCaps *caps = gst_caps_new_simple(
		"video/x-h264", "stream-format", G_TYPE_STRING, "avc", "alignment", G_TYPE_STRING,
		"au", "width", G_TYPE_INT, 320, "height", G_TYPE_INT, 240, "framerate",
		GST_TYPE_FRACTION, 30, 1, "codec_data", GST_TYPE_BUFFER, codecData, nullptr);
	gst_buffer_unref(codecData);
	return caps;
}

GstCaps *aacCaps(int mpegversion = 4)
{
	GstBuffer *codecData = hexBuffer(kAsc);
	GstCaps *caps = gst_caps_new_simple("audio/mpeg", "mpegversion", G_TYPE_INT, mpegversion,
					    "stream-format", G_TYPE_STRING, "raw", "rate",
					    G_TYPE_INT, 44100, "channels", G_TYPE_INT, 1,
					    "codec_data", GST_TYPE_BUFFER, codecData, nullptr);
	gst_buffer_unref(codecData);
	return caps;
}

/* One length-prefixed NAL unit of filler: cmafsink never looks inside avc samples. */
GstBuffer *videoFrame(int index, bool keyframe, size_t size = 1000)
{
	GstBuffer *buffer = gst_buffer_new_allocate(nullptr, size, nullptr);
	GstMapInfo map;
	gst_buffer_map(buffer, &map, GST_MAP_WRITE);
	memset(map.data, index & 0xff, size);
	uint32_t nal = size - 4;
	map.data[0] = nal >> 24;
	map.data[1] = nal >> 16;
	map.data[2] = nal >> 8;
	map.data[3] = nal;
	map.data[4] = keyframe ? 0x65 : 0x41;
	gst_buffer_unmap(buffer, &map);
	GST_BUFFER_PTS(buffer) = gst_util_uint64_scale(index, GST_SECOND, 30);
	GST_BUFFER_DTS(buffer) = GST_BUFFER_PTS(buffer);
	GST_BUFFER_DURATION(buffer) = gst_util_uint64_scale(1, GST_SECOND, 30);
	if (!keyframe)
		GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
	return buffer;
}

struct SegmentMessage {
	std::string track;
	std::string name;
	guint64 number;
	guint period;
	GstClockTime runningTime;
	GstClockTime duration;
	guint64 size;
};

class CmafSinkTest : public ::testing::Test
{
protected:
	void SetUp() override
	{
		tmp_ = g_dir_make_tmp("cmafsink-XXXXXX", nullptr);
		sink_ = gst_element_factory_make("cmafsink", nullptr);
		ASSERT_NE(sink_, nullptr) << "cmafsink not found: is GST_PLUGIN_PATH_1_0 set?";
		gst_object_ref_sink(sink_);
		bus_ = gst_bus_new();
		gst_element_set_bus(sink_, bus_);
	}

	void TearDown() override
	{
		for (GstHarness *h : harnesses_)
			gst_harness_teardown(h);
		for (GstMessage *m : errors_)
			gst_message_unref(m);
		if (sink_) {
			gst_element_set_state(sink_, GST_STATE_NULL);
			gst_object_unref(sink_);
		}
		if (bus_)
			gst_object_unref(bus_);
		g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmp_);
		(void)!system(cmd);
		g_free(tmp_);
	}

	GstHarness *addPad(const char *name, GstCaps *caps)
	{
		GstHarness *h = gst_harness_new_with_element(sink_, name, nullptr);
		gst_harness_set_src_caps(h, caps);
		harnesses_.push_back(h);
		return h;
	}

	std::vector<SegmentMessage> segments()
	{
		std::vector<SegmentMessage> out;
		while (GstMessage *msg = gst_bus_pop(bus_)) {
			const GstStructure *s = gst_message_get_structure(msg);
			if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS)
				sawEos_ = true;
			else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR)
				errors_.push_back(gst_message_ref(msg));
			else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_WARNING) {
				GError *warning = nullptr;
				gst_message_parse_warning(msg, &warning, nullptr);
				warnings_.push_back(warning->message);
				g_error_free(warning);
			} else if (s && gst_structure_has_name(s, "cmafsink-segment-added")) {
				SegmentMessage m;
				m.track = gst_structure_get_string(s, "track");
				m.name = gst_structure_get_string(s, "name");
				gst_structure_get_uint64(s, "number", &m.number);
				gst_structure_get_uint(s, "period", &m.period);
				gst_structure_get_clock_time(s, "running-time", &m.runningTime);
				gst_structure_get_clock_time(s, "duration", &m.duration);
				gst_structure_get_uint64(s, "size", &m.size);
				out.push_back(m);
			}
			gst_message_unref(msg);
		}
		return out;
	}

	std::string errorText()
	{
		segments();
		if (errors_.empty())
			return {};
		GstMessage *msg = errors_.front();
		errors_.erase(errors_.begin());
		GError *error = nullptr;
		gst_message_parse_error(msg, &error, nullptr);
		std::string text = error->message;
		g_error_free(error);
		gst_message_unref(msg);
		return text;
	}

	/* A resource read back through the "get-resource" action signal. */
	std::string resource(const char *name)
	{
		GstBufferList *list = nullptr;
		g_signal_emit_by_name(sink_, "get-resource", name, &list);
		if (!list)
			return {};
		std::string out;
		for (guint i = 0; i < gst_buffer_list_length(list); i++) {
			GstBuffer *b = gst_buffer_list_get(list, i);
			GstMapInfo map;
			gst_buffer_map(b, &map, GST_MAP_READ);
			out.append(reinterpret_cast<char *>(map.data), map.size);
			gst_buffer_unmap(b, &map);
		}
		gst_buffer_list_unref(list);
		return out;
	}

	bool fileExists(const std::string &name)
	{
		return g_file_test((std::string(tmp_) + "/" + name).c_str(), G_FILE_TEST_EXISTS);
	}

	char *tmp_ = nullptr;
	GstElement *sink_ = nullptr;
	GstBus *bus_ = nullptr;
	std::vector<GstHarness *> harnesses_;
	std::vector<GstMessage *> errors_;
	std::vector<std::string> warnings_;
	bool sawEos_ = false;
};

/* Box type at a byte offset of a resource, and the box size. */
std::string boxType(const std::string &data, size_t offset)
{
	return offset + 8 <= data.size() ? data.substr(offset + 4, 4) : std::string();
}

uint32_t boxSize(const std::string &data, size_t offset)
{
	auto b = reinterpret_cast<const uint8_t *>(data.data() + offset);
	return (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
}

TEST_F(CmafSinkTest, CutsOnKeyframesAtTargetDuration)
{
	g_object_set(sink_, "location", tmp_, "target-duration", 1, "window-size", 0, nullptr);
	GstHarness *h = addPad("video_0", h264Caps());

	/* 4 s at 30 fps, a keyframe every 15 frames: cuts at 1 s, 2 s, 3 s. */
	for (int i = 0; i < 120; i++)
		ASSERT_EQ(gst_harness_push(h, videoFrame(i, i % 15 == 0)), GST_FLOW_OK);
	ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_eos()));

	auto segs = segments();
	ASSERT_EQ(segs.size(), 4u);
	for (size_t i = 0; i < segs.size(); i++) {
		EXPECT_EQ(segs[i].track, "video_0");
		EXPECT_EQ(segs[i].name, "video_0-" + std::to_string(i + 1) + ".m4s");
		EXPECT_EQ(segs[i].number, i + 1);
		EXPECT_EQ(segs[i].period, 0u);
		EXPECT_EQ(segs[i].runningTime, i * GST_SECOND);
		EXPECT_EQ(segs[i].duration, GST_SECOND);
		EXPECT_TRUE(fileExists(segs[i].name));

		/* The in-memory copy is the file: styp, moof, mdat of the announced size. */
		std::string data = resource(segs[i].name.c_str());
		ASSERT_EQ(data.size(), segs[i].size);
		EXPECT_EQ(boxType(data, 0), "styp");
		size_t moof = boxSize(data, 0);
		EXPECT_EQ(boxType(data, moof), "moof");
		size_t mdat = moof + boxSize(data, moof);
		EXPECT_EQ(boxType(data, mdat), "mdat");
		EXPECT_EQ(mdat + boxSize(data, mdat), data.size());
		EXPECT_EQ(data.size() - mdat - 8, 30u * 1000u);
	}

	EXPECT_TRUE(fileExists("video_0-init-0.mp4"));
	std::string init = resource("video_0-init-0.mp4");
	EXPECT_EQ(boxType(init, 0), "ftyp");
	EXPECT_EQ(boxType(init, boxSize(init, 0)), "moov");

	std::string playlist = resource("video_0.m3u8");
	EXPECT_NE(playlist.find("#EXT-X-VERSION:7"), std::string::npos);
	EXPECT_NE(playlist.find("#EXT-X-MAP:URI=\"video_0-init-0.mp4\""), std::string::npos);
	EXPECT_NE(playlist.find("#EXT-X-ENDLIST"), std::string::npos);
	EXPECT_NE(playlist.find("video_0-4.m4s"), std::string::npos);
	EXPECT_NE(resource("master.m3u8").find("avc1.f4000d"), std::string::npos);
	EXPECT_NE(resource("manifest.mpd").find("<S t=\"90000\" d=\"90000\" r=\"3\"/>"),
		  std::string::npos);

	/* The element posts EOS once every pad has ended. */
	EXPECT_TRUE(sawEos_);
}

TEST_F(CmafSinkTest, NoSegmentStartsWithoutKeyframe)
{
	g_object_set(sink_, "target-duration", 1, nullptr);
	GstHarness *h = addPad("video_0", h264Caps());

	/* Delta frames first, then a keyframe at 0.5 s, then a long GOP until 2.5 s. */
	for (int i = 0; i < 90; i++)
		ASSERT_EQ(gst_harness_push(h, videoFrame(i, i == 15 || i == 75)), GST_FLOW_OK);
	ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_eos()));

	auto segs = segments();
	ASSERT_EQ(segs.size(), 2u);
	EXPECT_EQ(segs[0].runningTime, GST_SECOND / 2);
	/* No keyframe at 1.5 s: the segment runs on to the next one at 2.5 s. */
	EXPECT_EQ(segs[0].duration, 2 * GST_SECOND);
	EXPECT_EQ(segs[1].runningTime, 5 * GST_SECOND / 2);

	/* Longer than the live playlist's target duration: one warning that says what to do. */
	ASSERT_EQ(warnings_.size(), 1u);
	EXPECT_NE(warnings_[0].find("video_0"), std::string::npos) << warnings_[0];
	EXPECT_NE(warnings_[0].find("target-duration"), std::string::npos) << warnings_[0];
}

TEST_F(CmafSinkTest, AsksUpstreamForKeyUnitsOnTheGrid)
{
	g_object_set(sink_, "target-duration", 2, nullptr);
	GstHarness *h = addPad("video_0", h264Caps());
	ASSERT_EQ(gst_harness_push(h, videoFrame(0, true)), GST_FLOW_OK);

	std::vector<GstClockTime> requested;
	while (GstEvent *event = gst_harness_try_pull_upstream_event(h)) {
		if (gst_video_event_is_force_key_unit(event)) {
			GstClockTime runningTime;
			gboolean allHeaders;
			guint count;
			ASSERT_TRUE(gst_video_event_parse_upstream_force_key_unit(
				event, &runningTime, &allHeaders, &count));
			EXPECT_TRUE(allHeaders);
			requested.push_back(runningTime);
		}
		gst_event_unref(event);
	}
	/* Boundaries ahead on the grid (at least 4 s, to cover encoder lookahead). */
	ASSERT_GE(requested.size(), 2u);
	for (size_t i = 0; i < requested.size(); i++)
		EXPECT_EQ(requested[i], (i + 1) * 2 * GST_SECOND);
}

TEST_F(CmafSinkTest, LiveWindowSlidesAndRetentionRemovesOldFiles)
{
	g_object_set(sink_, "location", tmp_, "target-duration", 1, "window-size", 3, "max-files",
		     4, nullptr);
	GstHarness *h = addPad("video_0", h264Caps());
	for (int i = 0; i < 300; i++) /* 10 segments */
		ASSERT_EQ(gst_harness_push(h, videoFrame(i, i % 30 == 0)), GST_FLOW_OK);

	auto segs = segments();
	ASSERT_EQ(segs.size(), 9u); /* the 10th is still open */
	std::string playlist = resource("video_0.m3u8");
	EXPECT_NE(playlist.find("#EXT-X-MEDIA-SEQUENCE:7"), std::string::npos) << playlist;
	EXPECT_EQ(playlist.find("video_0-6.m4s"), std::string::npos);
	EXPECT_NE(playlist.find("video_0-9.m4s"), std::string::npos);
	EXPECT_EQ(playlist.find("#EXT-X-ENDLIST"), std::string::npos);

	/* max-files=4 on disk; memory keeps two windows. */
	for (int n = 1; n <= 9; n++) {
		std::string name = "video_0-" + std::to_string(n) + ".m4s";
		EXPECT_EQ(fileExists(name), n >= 6) << name;
		EXPECT_EQ(!resource(name.c_str()).empty(), n >= 4) << name;
	}

	std::string mpd = resource("manifest.mpd");
	EXPECT_NE(mpd.find("type=\"dynamic\""), std::string::npos);
	EXPECT_NE(mpd.find("startNumber=\"7\""), std::string::npos) << mpd;
}

/*
 * Live in memory, the MPD for GStreamer's dashdemux2 starts it 30 s further behind the live
 * edge (it plays only once it holds 30 s), so it lists that much more than the window, and
 * memory keeps those segments.
 */
TEST_F(CmafSinkTest, LiveInMemoryKeepsTheDeepMpdsSegments)
{
	g_object_set(sink_, "target-duration", 1, "window-size", 3, nullptr);
	GstHarness *h = addPad("video_0", h264Caps());
	for (int i = 0; i < 1200; i++) /* 40 segments */
		ASSERT_EQ(gst_harness_push(h, videoFrame(i, i % 30 == 0)), GST_FLOW_OK);
	ASSERT_EQ(segments().size(), 39u); /* the 40th is still open */

	const std::string mpd = resource("manifest.mpd");
	EXPECT_NE(mpd.find(" suggestedPresentationDelay=\"PT3S\""), std::string::npos) << mpd;
	EXPECT_NE(mpd.find("startNumber=\"37\""), std::string::npos) << mpd;

	/* 3 target durations + 30 s behind the edge; 35 segments listed (evicted ones summed). */
	const std::string deep = resource("manifest-from-period-start.mpd");
	EXPECT_NE(deep.find(" suggestedPresentationDelay=\"PT33S\""), std::string::npos) << deep;
	EXPECT_NE(deep.find(" timeShiftBufferDepth=\"PT35S\""), std::string::npos) << deep;
	EXPECT_NE(deep.find("startNumber=\"1\""), std::string::npos) << deep;

	/* The deep MPD's 35 segments and the one before them are held. */
	for (int n = 1; n <= 39; n++) {
		const std::string name = "video_0-" + std::to_string(n) + ".m4s";
		EXPECT_EQ(!resource(name.c_str()).empty(), n >= 4) << name;
	}
}

TEST_F(CmafSinkTest, CodecChangeStartsANewPeriod)
{
	g_object_set(sink_, "target-duration", 1, "window-size", 0, nullptr);
	GstHarness *h = addPad("video_0", h264Caps());
	for (int i = 0; i < 45; i++)
		ASSERT_EQ(gst_harness_push(h, videoFrame(i, i % 15 == 0)), GST_FLOW_OK);

	/* The source switches: a different SPS (level 3.0) from 1.5 s on. */
	std::string other = kAvcC;
	other.replace(6, 2, "1e");
	gst_harness_set_src_caps(h, h264Caps(other.c_str()));
	for (int i = 45; i < 90; i++)
		ASSERT_EQ(gst_harness_push(h, videoFrame(i, i % 15 == 0)), GST_FLOW_OK);
	ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_eos()));

	auto segs = segments();
	ASSERT_GE(segs.size(), 3u);
	EXPECT_EQ(segs.front().period, 0u);
	EXPECT_EQ(segs.back().period, 1u);
	for (size_t i = 1; i < segs.size(); i++)
		EXPECT_EQ(segs[i].number, segs[i - 1].number + 1) << "numbers only grow";

	EXPECT_NE(resource("video_0-init-1.mp4"), resource("video_0-init-0.mp4"));
	std::string playlist = resource("video_0.m3u8");
	EXPECT_NE(playlist.find("#EXT-X-DISCONTINUITY\n"), std::string::npos) << playlist;
	EXPECT_NE(playlist.find("#EXT-X-MAP:URI=\"video_0-init-1.mp4\""), std::string::npos);
	std::string mpd = resource("manifest.mpd");
	EXPECT_NE(mpd.find("<Period id=\"p1\""), std::string::npos) << mpd;
}

TEST_F(CmafSinkTest, AudioCutsOnTheSameGridAsVideo)
{
	g_object_set(sink_, "target-duration", 1, "window-size", 0, nullptr);
	GstHarness *v = addPad("video_0", h264Caps());
	GstHarness *a = addPad("audio_0", aacCaps());

	const GstClockTime frame = gst_util_uint64_scale(1024, GST_SECOND, 44100);
	for (int i = 0; i < 90; i++)
		ASSERT_EQ(gst_harness_push(v, videoFrame(i, i % 30 == 0)), GST_FLOW_OK);
	for (int i = 0; i * frame < 3 * GST_SECOND; i++) {
		GstBuffer *b = gst_buffer_new_allocate(nullptr, 200, nullptr);
		GST_BUFFER_PTS(b) = i * frame;
		GST_BUFFER_DURATION(b) = frame;
		ASSERT_EQ(gst_harness_push(a, b), GST_FLOW_OK);
	}
	ASSERT_TRUE(gst_harness_push_event(v, gst_event_new_eos()));
	ASSERT_TRUE(gst_harness_push_event(a, gst_event_new_eos()));

	std::vector<GstClockTime> videoStarts, audioStarts;
	for (auto &s : segments())
		(s.track == "video_0" ? videoStarts : audioStarts).push_back(s.runningTime);
	ASSERT_EQ(videoStarts.size(), 3u);
	/* The last audio frame (2.995 s) is nearest to the 3 s grid point: a 4th segment. */
	ASSERT_EQ(audioStarts.size(), 4u);
	for (size_t i = 0; i < 3; i++) {
		/* The audio frame nearest to each video cut starts the audio segment. */
		GstClockTimeDiff diff = GST_CLOCK_DIFF(videoStarts[i], audioStarts[i]);
		EXPECT_LE(std::llabs(diff), static_cast<long long>(frame / 2)) << i;
	}
	std::string master = resource("master.m3u8");
	EXPECT_NE(master.find("CODECS=\"avc1.f4000d,mp4a.40.2\""), std::string::npos) << master;
	EXPECT_NE(master.find("AUDIO=\"audio\""), std::string::npos);
}

/*
 * Audio that comes before the first video keyframe (a decoder waiting for one, an encoder's
 * latency) waits for it: the grid starts on the keyframe, audio from then on is kept, and
 * what came before is dropped, so the first segments of both tracks start together.
 */
TEST_F(CmafSinkTest, AudioWaitsForTheFirstVideoKeyframe)
{
	g_object_set(sink_, "target-duration", 1, "window-size", 0, nullptr);
	GstHarness *v = addPad("video_0", h264Caps());
	GstHarness *a = addPad("audio_0", aacCaps());

	const GstClockTime frame = gst_util_uint64_scale(1024, GST_SECOND, 44100);
	auto audioFrame = [frame](int i) {
		GstBuffer *b = gst_buffer_new_allocate(nullptr, 200, nullptr);
		GST_BUFFER_PTS(b) = i * frame;
		GST_BUFFER_DURATION(b) = frame;
		return b;
	};
	/* 1.5 s of audio before any video, then video from its keyframe at 0.5 s. */
	int audio = 0;
	for (; audio * frame < GST_SECOND * 3 / 2; audio++)
		ASSERT_EQ(gst_harness_push(a, audioFrame(audio)), GST_FLOW_OK);
	EXPECT_TRUE(segments().empty());
	for (int i = 15; i < 105; i++) /* 0.5 s to 3.5 s, keyframes every second */
		ASSERT_EQ(gst_harness_push(v, videoFrame(i, (i - 15) % 30 == 0)), GST_FLOW_OK);
	for (; audio * frame < GST_SECOND * 7 / 2; audio++)
		ASSERT_EQ(gst_harness_push(a, audioFrame(audio)), GST_FLOW_OK);
	ASSERT_TRUE(gst_harness_push_event(v, gst_event_new_eos()));
	ASSERT_TRUE(gst_harness_push_event(a, gst_event_new_eos()));

	std::vector<GstClockTime> videoStarts, audioStarts;
	for (auto &segment : segments())
		(segment.track == "video_0" ? videoStarts : audioStarts)
			.push_back(segment.runningTime);
	ASSERT_EQ(videoStarts.size(), 3u);
	ASSERT_GE(audioStarts.size(), 3u);
	EXPECT_EQ(videoStarts[0], GST_SECOND / 2);
	/* The held audio from the keyframe on was kept: it starts within a frame of it. */
	for (size_t i = 0; i < 3; i++) {
		GstClockTimeDiff diff = GST_CLOCK_DIFF(videoStarts[i], audioStarts[i]);
		EXPECT_LE(std::llabs(diff), static_cast<long long>(frame)) << i;
	}
}

/* An audio track whose video never starts still gets its segments, at the end. */
TEST_F(CmafSinkTest, HeldAudioIsWrittenWhenVideoNeverStarts)
{
	g_object_set(sink_, "target-duration", 1, "window-size", 0, nullptr);
	GstHarness *v = addPad("video_0", h264Caps());
	GstHarness *a = addPad("audio_0", aacCaps());
	const GstClockTime frame = gst_util_uint64_scale(1024, GST_SECOND, 44100);
	for (int i = 0; i * frame < 2 * GST_SECOND; i++) {
		GstBuffer *b = gst_buffer_new_allocate(nullptr, 200, nullptr);
		GST_BUFFER_PTS(b) = i * frame;
		GST_BUFFER_DURATION(b) = frame;
		ASSERT_EQ(gst_harness_push(a, b), GST_FLOW_OK);
	}
	EXPECT_TRUE(segments().empty());
	ASSERT_TRUE(gst_harness_push_event(a, gst_event_new_eos()));
	ASSERT_TRUE(gst_harness_push_event(v, gst_event_new_eos()));
	size_t audioSegments = 0;
	for (auto &segment : segments())
		audioSegments += segment.track == "audio_0" ? 1 : 0;
	EXPECT_GE(audioSegments, 2u);
}

/*
 * MPEG-2 AAC (ADTS with ID 1, as many broadcast MPEG-TS streams carry it) is AAC LC, the same
 * bitstream with the same AudioSpecificConfig from aacparse: carried as mp4a.40.2.
 */
TEST_F(CmafSinkTest, Mpeg2AacIsCarriedAsAacLc)
{
	g_object_set(sink_, "target-duration", 1, "window-size", 0, nullptr);
	GstHarness *v = addPad("video_0", h264Caps());
	GstHarness *a = addPad("audio_0", aacCaps(2));
	const GstClockTime frame = gst_util_uint64_scale(1024, GST_SECOND, 44100);
	for (int i = 0; i < 60; i++)
		ASSERT_EQ(gst_harness_push(v, videoFrame(i, i % 30 == 0)), GST_FLOW_OK);
	for (int i = 0; i * frame < 2 * GST_SECOND; i++) {
		GstBuffer *b = gst_buffer_new_allocate(nullptr, 200, nullptr);
		GST_BUFFER_PTS(b) = i * frame;
		GST_BUFFER_DURATION(b) = frame;
		ASSERT_EQ(gst_harness_push(a, b), GST_FLOW_OK);
	}
	ASSERT_TRUE(gst_harness_push_event(v, gst_event_new_eos()));
	ASSERT_TRUE(gst_harness_push_event(a, gst_event_new_eos()));
	size_t audioSegments = 0;
	for (auto &segment : segments())
		audioSegments += segment.track == "audio_0" ? 1 : 0;
	EXPECT_GE(audioSegments, 2u);
	const std::string error = errorText();
	EXPECT_TRUE(error.empty()) << error;
	std::string master = resource("master.m3u8");
	EXPECT_NE(master.find("mp4a.40.2"), std::string::npos) << master;
}

TEST_F(CmafSinkTest, RefusesCapsItCannotCarry)
{
	GstHarness *h = gst_harness_new_with_element(sink_, "audio_0", nullptr);
	harnesses_.push_back(h);
	/* ADTS is not in the template: refused at negotiation. */
	GstCaps *adts = gst_caps_from_string("audio/mpeg, mpegversion=(int)4, "
					     "stream-format=(string)adts, rate=44100, channels=2");
	GstPad *sinkpad = gst_element_get_static_pad(sink_, "audio_0");
	EXPECT_FALSE(gst_pad_query_accept_caps(sinkpad, adts));
	gst_caps_unref(adts);
	gst_object_unref(sinkpad);

	/* Raw AAC without codec_data passes the template but cannot be described. */
	gst_harness_set_src_caps_str(
		h,
		"audio/mpeg, mpegversion=(int)4, stream-format=(string)raw, rate=(int)44100, "
		"channels=(int)2");
	std::string error = errorText();
	EXPECT_NE(error.find("audio_0"), std::string::npos) << error;
	EXPECT_NE(error.find("aacparse"), std::string::npos) << error;
}

TEST_F(CmafSinkTest, VideoOnAnAudioPadIsAnError)
{
	GstHarness *h = gst_harness_new_with_element(sink_, "audio_0", nullptr);
	harnesses_.push_back(h);
	GstPad *sinkpad = gst_element_get_static_pad(sink_, "audio_0");
	GstCaps *caps = h264Caps();
	EXPECT_FALSE(gst_pad_query_accept_caps(sinkpad, caps));
	gst_caps_unref(caps);
	gst_object_unref(sinkpad);
}

TEST_F(CmafSinkTest, UnwritableLocationIsAnErrorNamingThePath)
{
	std::string blocker = std::string(tmp_) + "/file";
	ASSERT_TRUE(g_file_set_contents(blocker.c_str(), "x", 1, nullptr));
	std::string location = blocker + "/out"; /* a directory under a regular file */
	g_object_set(sink_, "location", location.c_str(), nullptr);
	EXPECT_EQ(gst_element_set_state(sink_, GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
	std::string error = errorText();
	EXPECT_NE(error.find(location), std::string::npos) << error;
}

TEST_F(CmafSinkTest, ByteStreamH264IsRewrittenAndConfiguredFromTheStream)
{
	g_object_set(sink_, "target-duration", 1, "window-size", 0, nullptr);
	GstHarness *h
		= addPad("video_0",
			 gst_caps_from_string("video/x-h264, stream-format=(string)byte-stream, "
					      "alignment=(string)au, width=(int)320, "
					      "height=(int)240, framerate=(fraction)30/1"));
	/* SPS + PPS of kAvcC in Annex B, then an IDR slice; then P slices. */
	const std::string sps = "67f4000d90d9b28283f602d41818190000030001000003003c8f142996";
	const std::string pps = "68ebec448440";
	std::string key
		= "00000001" + sps + "00000001" + pps + "00000001" + "65" + std::string(200, 'a');
	for (int i = 0; i < 60; i++) {
		GstBuffer *b = hexBuffer(
			i % 30 == 0 ? key.c_str() : ("0000000141" + std::string(100, 'b')).c_str());
		GST_BUFFER_PTS(b) = GST_BUFFER_DTS(b) = gst_util_uint64_scale(i, GST_SECOND, 30);
		GST_BUFFER_DURATION(b) = gst_util_uint64_scale(1, GST_SECOND, 30);
		if (i % 30)
			GST_BUFFER_FLAG_SET(b, GST_BUFFER_FLAG_DELTA_UNIT);
		ASSERT_EQ(gst_harness_push(h, b), GST_FLOW_OK);
	}
	ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_eos()));
	ASSERT_EQ(segments().size(), 2u);

	std::string init = resource("video_0-init-0.mp4");
	ASSERT_FALSE(init.empty());
	size_t avcC = init.find("avcC");
	ASSERT_NE(avcC, std::string::npos);
	/* configurationVersion 1, then profile/compat/level straight from the SPS. */
	EXPECT_EQ(static_cast<uint8_t>(init[avcC + 4]), 1);
	EXPECT_EQ(static_cast<uint8_t>(init[avcC + 5]), 0xf4);
	EXPECT_EQ(static_cast<uint8_t>(init[avcC + 7]), 0x0d);

	/* Start codes became 4-byte lengths: the first sample is SPS(29) PPS(6) IDR(101). */
	std::string seg = resource("video_0-1.m4s");
	size_t mdat = seg.find("mdat");
	ASSERT_NE(mdat, std::string::npos);
	auto at = [&](size_t i) {
		return static_cast<uint8_t>(seg[mdat + 4 + i]);
	};
	EXPECT_EQ(at(3), 29);
	EXPECT_EQ(at(4), 0x67);
}

} /* namespace */

int main(int argc, char **argv)
{
	gst_init(&argc, &argv);
	::testing::InitGoogleTest(&argc, argv);
	return RUN_ALL_TESTS();
}
