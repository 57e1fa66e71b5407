/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * The demo's test:// channels recorded once into short clips that smartsrc plays in a loop.
 */

#include "democlips.h"

#include <cerrno>
#include <cmath>

#include <glib/gstdio.h>
#include <gst/gst.h>

namespace sluice {

namespace {

/* A generous bound on one clip's encode (a 1080p H.265 clip takes seconds). */
constexpr GstClockTime kRecordTimeout = 180 * GST_SECOND;

/* Frames per keyframe: one a second, so any segment duration of whole seconds lines up. */
unsigned gopFrames(const TestSourceSpec &spec)
{
	return std::max(1u, static_cast<unsigned>(std::lround(double(spec.fpsNum) / spec.fpsDen)));
}

/*
 * The clip's video bitrate: the URI's, else what a channel of that size and codec usually
 * has. Every encoder gets one: libaom left alone spends 75 Mbit/s on 360p of noise.
 */
unsigned videoKbps(const TestSourceSpec &spec)
{
	if (spec.bitrateKbps)
		return spec.bitrateKbps;
	const unsigned h264 = spec.height <= 360 ? 800 : spec.height <= 720 ? 2500 : 4500;
	switch (spec.codec) {
	case TestVideoCodec::H265:
	case TestVideoCodec::VP9:
		return h264 * 7 / 10;
	case TestVideoCodec::AV1:
		return h264 * 6 / 10;
	default:
		return h264;
	}
}

/* The encoder and parser of the clip's video: no B-frames, so PTS and DTS agree. */
std::string videoEncoder(const TestSourceSpec &spec)
{
	const std::string gop = std::to_string(gopFrames(spec));
	const std::string kbps = std::to_string(videoKbps(spec));
	switch (spec.codec) {
	case TestVideoCodec::H264:
		/* No scene cuts: x264 finds them in a clock overlay, and a keyframe off the
		 * second moves every segment cut of the channel. */
		return "x264enc speed-preset=veryfast bframes=0 option-string=scenecut=0 "
		       "key-int-max="
			+ gop + " bitrate=" + kbps + " ! h264parse";
	case TestVideoCodec::H265:
		/* x265 is slow: ultrafast keeps a first start short. */
		return "x265enc speed-preset=ultrafast "
		       "option-string=bframes=0:open-gop=0:scenecut=0 "
		       "key-int-max="
			+ gop + " bitrate=" + kbps + " ! h265parse";
	case TestVideoCodec::VP9:
		return "vp9enc deadline=1 cpu-used=8 lag-in-frames=0 row-mt=true threads=2 "
		       "end-usage=cbr keyframe-max-dist="
			+ gop + " target-bitrate=" + kbps + "000 ! vp9parse";
	case TestVideoCodec::AV1:
		/* Quantizer bounds: see makeVideoEncoder(), libaom aborts without them. */
		return "av1enc usage-profile=realtime cpu-used=8 lag-in-frames=0 threads=2 "
		       "end-usage=cbr min-quantizer=0 max-quantizer=63 keyframe-max-dist="
			+ gop + " target-bitrate=" + kbps + " ! av1parse";
	case TestVideoCodec::None:
		break;
	}
	return {};
}

std::string pipelineFor(const TestSourceSpec &spec, const std::string &path)
{
	g_autofree char *location = g_strescape(path.c_str(), nullptr);
	std::string description
		= "matroskamux name=mux ! filesink location=\"" + std::string(location) + "\" ";
	if (spec.codec != TestVideoCodec::None) {
		const auto frames = static_cast<unsigned>(
			std::lround(double(kDemoClipSeconds) * spec.fpsNum / spec.fpsDen));
		description += "videotestsrc pattern=" + spec.videotestsrcPattern + " num-buffers="
			+ std::to_string(frames) + " ! video/x-raw,format=I420,width="
			+ std::to_string(spec.width) + ",height=" + std::to_string(spec.height)
			+ ",framerate=" + std::to_string(spec.fpsNum) + "/"
			+ std::to_string(spec.fpsDen) + " ! timeoverlay font-desc=\"Sans 24\" ! "
			+ videoEncoder(spec) + " ! queue ! mux. ";
	}
	if (spec.audio != TestAudioCodec::None) {
		/* 10 ms buffers: whole seconds of them, whatever the codec's frame. */
		description += "audiotestsrc wave=ticks samplesperbuffer=480 num-buffers="
			+ std::to_string(kDemoClipSeconds * 100)
			+ " ! audio/x-raw,rate=48000,channels=2 ! "
			+ (spec.audio == TestAudioCodec::AAC ? "avenc_aac ! aacparse"
							     : "opusenc ! opusparse")
			+ " ! queue ! mux. ";
	}
	return description;
}

} /* namespace */

std::string demoClipName(const TestSourceSpec &spec)
{
	std::string name = "demo-v2-" + spec.pattern + "-" + testVideoCodecName(spec.codec) + "-"
		+ testAudioCodecName(spec.audio) + "-" + std::to_string(spec.width) + "x"
		+ std::to_string(spec.height) + "-" + std::to_string(spec.fpsNum);
	if (spec.fpsDen != 1)
		name += "_" + std::to_string(spec.fpsDen);
	if (spec.bitrateKbps)
		name += "-" + std::to_string(spec.bitrateKbps) + "k";
	return name + ".mkv";
}

bool recordDemoClip(const TestSourceSpec &spec, const std::string &path, std::string &error)
{
	if (spec.codec == TestVideoCodec::None && spec.audio == TestAudioCodec::None) {
		error = "a clip needs video or audio";
		return false;
	}
	const std::string partial = path + ".partial";
	g_autoptr(GError) parseError = nullptr;
	g_autoptr(GstElement) pipeline
		= gst_parse_launch(pipelineFor(spec, partial).c_str(), &parseError);
	if (!pipeline || parseError) {
		error = "cannot build the recording pipeline: "
			+ std::string(parseError ? parseError->message : "unknown error");
		return false;
	}
	if (gst_element_set_state(pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
		gst_element_set_state(pipeline, GST_STATE_NULL);
		error = "cannot start the recording pipeline";
		return false;
	}
	g_autoptr(GstBus) bus = gst_element_get_bus(pipeline);
	g_autoptr(GstMessage) message = gst_bus_timed_pop_filtered(
		bus, kRecordTimeout,
		static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
	gst_element_set_state(pipeline, GST_STATE_NULL);
	if (!message || GST_MESSAGE_TYPE(message) != GST_MESSAGE_EOS) {
		if (message) {
			g_autoptr(GError) gerror = nullptr;
			gst_message_parse_error(message, &gerror, nullptr);
			error = gerror->message;
		} else {
			error = "the recording took longer than "
				+ std::to_string(kRecordTimeout / GST_SECOND) + " s";
		}
		g_unlink(partial.c_str());
		return false;
	}
	if (g_rename(partial.c_str(), path.c_str()) != 0) {
		error = "cannot rename " + partial + ": " + g_strerror(errno);
		g_unlink(partial.c_str());
		return false;
	}
	return true;
}

std::string loopDemoList(std::string_view m3u, const std::string &dir,
			 std::vector<std::string> &warnings)
{
	g_autofree char *absolute = g_canonicalize_filename(dir.c_str(), nullptr);
	const std::string clips = absolute;
	if (g_mkdir_with_parents(clips.c_str(), 0755) != 0) {
		warnings.push_back("cannot create " + clips + ": " + g_strerror(errno)
				   + "; the demo channels encode their test patterns live");
		return std::string(m3u);
	}
	std::string out;
	size_t start = 0;
	while (start < m3u.size()) {
		size_t end = m3u.find('\n', start);
		if (end == std::string_view::npos)
			end = m3u.size();
		std::string line(m3u.substr(start, end - start));
		const bool crlf = !line.empty() && line.back() == '\r';
		if (crlf)
			line.pop_back();
		TestSourceSpec spec;
		std::string error;
		if (line.starts_with("test://") && parseTestUri(line, spec, error)) {
			const std::string path = clips + "/" + demoClipName(spec);
			if (!g_file_test(path.c_str(), G_FILE_TEST_EXISTS)) {
				g_message("recording the demo clip %s (first start only)",
					  demoClipName(spec).c_str());
				if (!recordDemoClip(spec, path, error))
					warnings.push_back("demo clip " + path + ": " + error + "; "
							   + line + " is encoded live");
			}
			if (g_file_test(path.c_str(), G_FILE_TEST_EXISTS)) {
				g_autofree char *uri
					= g_filename_to_uri(path.c_str(), nullptr, nullptr);
				if (uri)
					line = std::string(uri) + "?loop=1";
			}
		}
		out += line + (crlf ? "\r" : "") + (end < m3u.size() ? "\n" : "");
		start = end + 1;
	}
	return out;
}

} /* namespace sluice */
