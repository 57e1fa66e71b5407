/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * smartsrc through the README's own gst-launch lines, read from README.md, for every source
 * class: each pipeline ends, in EOS (a VOD source, or a live one sent EOS as gst-launch -e
 * does) or in an ERROR that names what went wrong, and never waits or reopens for ever.
 */

#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include "httpserver.h"
#include "outputdir.h"
#include "playercheck.h"
#include "producer.h"
#include "smartsrcrun.h"

namespace sluice::test {
namespace {

using Argv = std::vector<std::string>;

/*
 * Every gst-launch-1.0 command in text (Markdown) that uses smartsrc, as the shell hands it
 * to gst-launch: a fenced line joined with the next at a trailing backslash, an `inline` one
 * across its line break, quotes removed; without "gst-launch-1.0" and its options (-e).
 */
std::vector<Argv> smartsrcLaunchLines(const std::string &text)
{
	static const std::string kCommand = "gst-launch-1.0 ";
	std::vector<Argv> lines;
	for (size_t at = text.find(kCommand); at != std::string::npos;
	     at = text.find(kCommand, at + 1)) {
		std::string command;
		if (at > 0 && text[at - 1] == '`') {
			size_t end = text.find('`', at);
			if (end == std::string::npos)
				continue;
			command = text.substr(at, end - at);
		} else {
			size_t end = at;
			while ((end = text.find('\n', end)) != std::string::npos
			       && text[end - 1] == '\\')
				end++;
			command = text.substr(at, end == std::string::npos ? end : end - at);
		}
		/* A backslash-newline is nothing to the shell; an inline span's break a space. */
		for (size_t cut; (cut = command.find("\\\n")) != std::string::npos;)
			command.erase(cut, 2);
		std::replace(command.begin(), command.end(), '\n', ' ');

		gint argc = 0;
		g_auto(GStrv) argv = nullptr;
		if (!g_shell_parse_argv(command.c_str(), &argc, &argv, nullptr))
			continue;
		Argv line;
		bool options = true;
		for (gint i = 1; i < argc; i++) {
			if (options && argv[i][0] == '-')
				continue;
			options = false;
			line.emplace_back(argv[i]);
		}
		if (std::find(line.begin(), line.end(), "smartsrc") != line.end())
			lines.push_back(std::move(line));
	}
	return lines;
}

/* The README's test:// URI, offered for when "no source is around". */
std::string readmeTestUri(const std::string &text)
{
	static const std::string kStart = "uri=\"test://";
	size_t at = text.find(kStart);
	if (at == std::string::npos)
		return {};
	at += strlen("uri=\"");
	return text.substr(at, text.find('"', at) - at);
}

/* line with the value of each property named in values replaced ("uri" -> "uri=..."). */
Argv substitute(Argv line, const std::map<std::string, std::string> &values)
{
	for (std::string &token : line) {
		size_t equals = token.find('=');
		if (equals == std::string::npos)
			continue;
		auto found = values.find(token.substr(0, equals));
		if (found != values.end())
			token = found->first + "=" + found->second;
	}
	return line;
}

/* line with the token `from` replaced by the tokens `to`. */
Argv replaceToken(Argv line, const std::string &from, const Argv &to)
{
	auto at = std::find(line.begin(), line.end(), from);
	if (at == line.end())
		return line;
	at = line.erase(at);
	line.insert(at, to.begin(), to.end());
	return line;
}

std::string joined(const Argv &line)
{
	std::string text;
	for (const std::string &token : line)
		text += (text.empty() ? "" : " ") + token;
	return text;
}

/* How a pipeline made from a launch line ended. */
struct Ending {
	bool eos = false;
	bool sentEos = false; /* the test sent it EOS, as gst-launch -e does on Ctrl-C */
	std::string error; /* the first ERROR: "message (from element)" */
	std::string errorSource;
	unsigned switches = 0; /* smartsrc-source-switched: reopens and failovers */
	std::vector<bool> live; /* of each smartsrc-classified */
	std::map<std::string, unsigned> segments; /* cmafsink segments per track */
	std::string parseError;
};

/*
 * Builds line as gst-launch does (gst_parse_launchv), plays it and waits on the bus for EOS
 * or an ERROR, at most timeoutSeconds. live: once cmafsink has written a segment of every
 * track (or a second has passed, without cmafsink), sends EOS.
 */
Ending launch(const Argv &line, unsigned timeoutSeconds, bool live)
{
	Ending ending;
	std::vector<const gchar *> argv;
	for (const std::string &token : line)
		argv.push_back(token.c_str());
	argv.push_back(nullptr);
	g_autoptr(GError) parseError = nullptr;
	GstElement *pipeline = gst_parse_launchv(argv.data(), &parseError);
	if (!pipeline || parseError) {
		ending.parseError = parseError ? parseError->message : "no pipeline";
		if (pipeline)
			gst_object_unref(pipeline);
		return ending;
	}
	g_autoptr(GstElement) cmafsink = gst_bin_get_by_name(GST_BIN(pipeline), "c");

	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	GstBus *bus = gst_element_get_bus(pipeline);
	const gint64 start = g_get_monotonic_time();
	const gint64 deadline = start + timeoutSeconds * G_USEC_PER_SEC;
	while (g_get_monotonic_time() < deadline) {
		GstMessage *msg = gst_bus_timed_pop(bus, 100 * GST_MSECOND);
		bool done = false;
		if (msg && GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
			g_autoptr(GError) error = nullptr;
			gst_message_parse_error(msg, &error, nullptr);
			ending.error = error->message;
			ending.errorSource = GST_MESSAGE_SRC_NAME(msg);
			done = true;
		} else if (msg && GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS) {
			ending.eos = true;
			done = true;
		} else if (msg && GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ELEMENT) {
			const GstStructure *s = gst_message_get_structure(msg);
			if (gst_structure_has_name(s, "smartsrc-source-switched"))
				ending.switches++;
			gboolean classifiedLive = FALSE;
			if (gst_structure_has_name(s, "smartsrc-classified")
			    && gst_structure_get_boolean(s, "live", &classifiedLive))
				ending.live.push_back(classifiedLive);
			if (gst_structure_has_name(s, "cmafsink-segment-added"))
				ending.segments[gst_structure_get_string(s, "track")]++;
		}
		if (msg)
			gst_message_unref(msg);
		if (done)
			break;
		const bool enough = cmafsink
			? ending.segments["video_0"] && ending.segments["audio_0"]
			: g_get_monotonic_time() - start > G_USEC_PER_SEC;
		if (live && !ending.sentEos && enough) {
			ending.sentEos = true;
			gst_element_send_event(pipeline, gst_event_new_eos());
		}
	}
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(bus);
	gst_object_unref(pipeline);
	return ending;
}

/* "codec_type=audio|codec_name=aac|channels=1" per stream of what ffprobe reads at url. */
std::vector<std::string> probeStreams(const std::string &url, std::string &error)
{
	ProcessResult r
		= runProcess({"ffprobe", "-v", "error", "-show_entries",
			      "stream=codec_type,codec_name,channels", "-of", "compact=p=0", url},
			     60);
	error = r.succeeded() ? "" : r.describe();
	std::vector<std::string> streams;
	for (const std::string &line : linesStartingWith(r.out, "codec_"))
		if (std::find(streams.begin(), streams.end(), line) == streams.end())
			streams.push_back(line);
	return streams;
}

/*
 * The sources, made once for the whole suite and served from loopback: an ffmpeg HLS VOD
 * (MPEG-TS segments, H.264 + mono AAC, the source of issue 11), the same as a "live"
 * playlist (no ENDLIST), a DASH VOD written by cmafsink, and the same MPEG-TS as one file.
 */
class SmartSrcLaunchTest : public SmartSrcTest
{
protected:
	static void SetUpTestSuite()
	{
		if (!haveElement("smartsrc"))
			return;
		for (const char *tool : {"ffmpeg", "ffprobe"}) {
			g_autofree char *path = g_find_program_in_path(tool);
			if (!path) {
				skipReason_ = std::string(tool) + " is not installed";
				return;
			}
		}
		dir_ = new OutputDir("smartsrc-launch");
		server_ = new StaticFileServer(dir_->path());
		std::string error;
		const std::string &d = dir_->path();
		if (!ffmpegHls(d, "vod", "libx264", 6, error)) {
			setupError_ = error;
			return;
		}
		/* The same segments as a live playlist: the demuxer starts at its edge and waits
		 * for more. */
		std::string live = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n"
				   "#EXT-X-MEDIA-SEQUENCE:0\n";
		for (int i = 0; i < 6; i++)
			live += "#EXTINF:1,\nvod_" + std::to_string(i) + ".ts\n";
		/* One segment the origin lost, well after the start. */
		std::string holey = readText(d + "/vod.m3u8");
		const size_t lost = holey.find("vod_4.ts");
		if (lost != std::string::npos)
			holey.replace(lost, strlen("vod_4.ts"), "lost_4.ts");
		if (!g_file_set_contents((d + "/live.m3u8").c_str(), live.c_str(), -1, nullptr)
		    || !g_file_set_contents((d + "/holey.m3u8").c_str(), holey.c_str(), -1,
					    nullptr)) {
			setupError_ = "cannot write the playlists";
			return;
		}
		ProcessResult ts = runProcess({"ffmpeg", "-loglevel", "error", "-y", "-i",
					       d + "/vod.m3u8", "-c", "copy", d + "/stream.ts"},
					      60);
		if (!ts.succeeded()) {
			setupError_ = ts.describe();
			return;
		}
		if (!produce("videotestsrc num-buffers=150 ! video/x-raw,format=I420,width=320,"
			     "height=240,framerate=30/1 ! x264enc key-int-max=30 ! h264parse ! "
			     "cmafsink name=c playlist-type=vod target-duration=1 location="
				     + d
				     + "/dash audiotestsrc num-buffers=230 samplesperbuffer=1024 "
				       "! audio/x-raw,rate=48000,channels=1 ! avenc_aac ! "
				       "aacparse ! c.audio_0",
			     error)) {
			setupError_ = error;
			return;
		}
		if (!server_->start(error))
			setupError_ = error;
		if (const char *root = g_getenv("SLUICE_SOURCE_ROOT"))
			readme_ = readText(std::string(root) + "/README.md");
	}

	static void TearDownTestSuite()
	{
		delete server_;
		delete dir_;
		server_ = nullptr;
		dir_ = nullptr;
	}

	void SetUp() override
	{
		SmartSrcTest::SetUp();
		if (IsSkipped())
			return;
		if (!skipReason_.empty())
			GTEST_SKIP() << skipReason_;
		ASSERT_TRUE(setupError_.empty()) << setupError_;
		ASSERT_FALSE(readme_.empty()) << "README.md not found under SLUICE_SOURCE_ROOT";
		for (const Argv &line : smartsrcLaunchLines(readme_)) {
			if (std::find(line.begin(), line.end(), "cmafsink") != line.end())
				cmafLine_ = line;
			if (std::find(line.begin(), line.end(), "mode=raw") != line.end())
				rawLine_ = line;
		}
		ASSERT_FALSE(cmafLine_.empty()) << "no smartsrc ... cmafsink line in README.md";
		ASSERT_FALSE(rawLine_.empty()) << "no smartsrc mode=raw line in README.md";
	}

	std::string url(const std::string &path) const { return server_->baseUrl() + path; }

	/* The README's smartsrc-into-cmafsink line, reading uri, writing out. */
	Argv cmafLine(const std::string &uri, const OutputDir &out) const
	{
		return substitute(cmafLine_,
				  {{"uri", uri},
				   {"location", out.path()},
				   {"backup-uris", "<\"" + url("/backup.ts") + "\">"}});
	}

	/* Requests so far for path ("/vod.m3u8"), whatever their answer. */
	size_t requestsFor(const std::string &path) const
	{
		size_t n = 0;
		for (const std::string &entry : server_->requestLog()) {
			if (entry.rfind("GET " + path + " ", 0) == 0)
				n++;
		}
		return n;
	}

	/*
	 * The README's cmafsink line plays uri to its end (or, live, to the EOS the test
	 * sends), with no reopen, and leaves audio and video that ffprobe reads.
	 */
	void expectPlays(const std::string &uri, bool live, unsigned channels)
	{
		OutputDir out("smartsrc-launch-out");
		const Argv line = cmafLine(uri, out);
		SCOPED_TRACE(joined(line));
		const size_t backups = requestsFor("/backup.ts");
		Ending ending = launch(line, live ? 90 : 60, live);
		ASSERT_TRUE(ending.parseError.empty()) << ending.parseError;
		ASSERT_TRUE(ending.error.empty())
			<< ending.error << " (from " << ending.errorSource << ")";
		ASSERT_TRUE(ending.eos) << "the pipeline neither ended nor failed";
		EXPECT_EQ(ending.sentEos, live);
		ASSERT_FALSE(ending.live.empty()) << "never classified";
		EXPECT_EQ(ending.live.front(), live) << "classified as the wrong kind of source";
		if (!live) {
			EXPECT_EQ(ending.switches, 0u) << "a VOD source was reopened";
		}
		EXPECT_EQ(requestsFor("/backup.ts"), backups) << "the backup was tried";
		EXPECT_GE(ending.segments["video_0"], 1u);
		EXPECT_GE(ending.segments["audio_0"], 1u);

		std::string error;
		std::vector<std::string> streams = probeStreams(out.file("master.m3u8"), error);
		ASSERT_TRUE(error.empty()) << error;
		const std::string audio
			= "codec_name=aac|codec_type=audio|channels=" + std::to_string(channels);
		EXPECT_NE(std::find(streams.begin(), streams.end(), audio), streams.end())
			<< joinLines(streams);
		EXPECT_NE(std::find(streams.begin(), streams.end(),
				    "codec_name=h264|codec_type=video"),
			  streams.end())
			<< joinLines(streams);
	}

	static inline OutputDir *dir_ = nullptr;
	static inline StaticFileServer *server_ = nullptr;
	static inline std::string setupError_;
	static inline std::string skipReason_;
	static inline std::string readme_;
	Argv cmafLine_, rawLine_;
};

TEST_F(SmartSrcLaunchTest, ReadmeLinesAreFoundAsTheShellPassesThem)
{
	/* Quotes gone, continuation lines joined: what gst-launch-1.0 itself receives. */
	EXPECT_EQ(cmafLine_.front(), "smartsrc") << joined(cmafLine_);
	auto backup = std::find_if(cmafLine_.begin(), cmafLine_.end(), [](const std::string &t) {
		return t.rfind("backup-uris=", 0) == 0;
	});
	ASSERT_NE(backup, cmafLine_.end()) << joined(cmafLine_);
	EXPECT_EQ(*backup, "backup-uris=<\"http://127.0.0.1:8001/live.ts\">");
	EXPECT_EQ(cmafLine_.back(), "c.audio_0") << joined(cmafLine_);
	EXPECT_EQ(joined(rawLine_),
		  "smartsrc uri=http://host/live.ts mode=raw ! filesink location=copy.ts");
	EXPECT_EQ(readmeTestUri(readme_).rfind("test://", 0), 0u);

	/* The extraction itself, on the shapes the README uses. */
	std::vector<Argv> lines = smartsrcLaunchLines(
		"```sh\ngst-launch-1.0 -e smartsrc uri=\"a b\" name=s \\\n  s.video_0 ! "
		"fakesink\ngst-launch-1.0 videotestsrc ! fakesink\n```\nand `gst-launch-1.0 "
		"smartsrc uri=x mode=raw !\nfilesink location=y` inline; `gst-launch-1.0");
	ASSERT_EQ(lines.size(), 2u);
	EXPECT_EQ(joined(lines[0]), "smartsrc uri=a b name=s s.video_0 ! fakesink");
	EXPECT_EQ(lines[0][1], "uri=a b");
	EXPECT_EQ(joined(lines[1]), "smartsrc uri=x mode=raw ! filesink location=y");
}

/* The source of issue 11: the line used to hang on "Delayed linking failed" for audio_0. */
TEST_F(SmartSrcLaunchTest, HlsVodWithMonoAacPlaysToEosThroughCmafsink)
{
	const size_t playlists = requestsFor("/vod.m3u8");
	expectPlays(url("/vod.m3u8"), false, 1);
	EXPECT_EQ(requestsFor("/vod.m3u8"), playlists + 1) << "the VOD was opened again";
}

TEST_F(SmartSrcLaunchTest, LiveHlsPlaysUntilSentEos)
{
	expectPlays(url("/live.m3u8"), true, 1);
}

TEST_F(SmartSrcLaunchTest, DashVodPlaysToEos)
{
	expectPlays(url("/dash/manifest.mpd"), false, 1);
}

TEST_F(SmartSrcLaunchTest, MpegTsOverHttpPlaysToEos)
{
	expectPlays(url("/stream.ts"), false, 1);
}

/* An endless TS (chunked, no length) that drops: reopened, then ended by the EOS sent. */
TEST_F(SmartSrcLaunchTest, LiveMpegTsOverHttpPlaysUntilSentEos)
{
	expectPlays(url("/live/stream.ts"), true, 1);
}

TEST_F(SmartSrcLaunchTest, MpegTsFilePlaysToEos)
{
	expectPlays("file://" + dir_->file("stream.ts"), false, 1);
}

TEST_F(SmartSrcLaunchTest, LoopedFilePlaysUntilSentEos)
{
	expectPlays("file://" + dir_->file("stream.ts") + "?loop=1", true, 1);
}

TEST_F(SmartSrcLaunchTest, ReadmeTestUriPlaysUntilSentEos)
{
	const std::string uri = readmeTestUri(readme_);
	ASSERT_FALSE(uri.empty()) << "no test:// URI in README.md";
	expectPlays(uri, true, 2);
}

/* The raw line copies a TS source byte for byte, and ends. */
TEST_F(SmartSrcLaunchTest, RawLineCopiesAnMpegTsSourceAndEnds)
{
	OutputDir out("smartsrc-launch-raw");
	const Argv line = substitute(
		rawLine_, {{"uri", url("/stream.ts")}, {"location", out.file("copy.ts")}});
	SCOPED_TRACE(joined(line));
	Ending ending = launch(line, 60, false);
	ASSERT_TRUE(ending.error.empty()) << ending.error;
	ASSERT_TRUE(ending.eos);
	EXPECT_TRUE(readText(out.file("copy.ts")) == readText(dir_->file("stream.ts")))
		<< "the copy differs from the source";
}

/* On a source that is no MPEG-TS, the raw line warns, delivers a parsed stream, and ends. */
TEST_F(SmartSrcLaunchTest, RawLineOnHlsEndsToo)
{
	OutputDir out("smartsrc-launch-raw");
	const Argv line = substitute(
		rawLine_, {{"uri", url("/vod.m3u8")}, {"location", out.file("copy.ts")}});
	SCOPED_TRACE(joined(line));
	Ending ending = launch(line, 60, false);
	ASSERT_TRUE(ending.error.empty()) << ending.error;
	EXPECT_TRUE(ending.eos);
	EXPECT_EQ(ending.switches, 0u);
}

/*
 * The README's line with its audio going somewhere that cannot take AAC: an ERROR from
 * smartsrc naming the pad, at once, and the source is not opened again.
 */
TEST_F(SmartSrcLaunchTest, UnlinkablePadIsAnErrorNamingItNotAReopen)
{
	for (const std::string &path : {std::string("/vod.m3u8"), std::string("/stream.ts")}) {
		OutputDir out("smartsrc-launch-out");
		const Argv line
			= replaceToken(cmafLine(url(path), out), "c.audio_0",
				       {"capsfilter", "caps=audio/x-opus", "!", "fakesink"});
		SCOPED_TRACE(joined(line));
		const size_t before = requestsFor(path);
		Ending ending = launch(line, 60, false);
		ASSERT_FALSE(ending.error.empty()) << (ending.eos ? "EOS" : "no ERROR, no EOS");
		EXPECT_EQ(ending.errorSource, "s");
		EXPECT_NE(ending.error.find("audio_0"), std::string::npos) << ending.error;
		EXPECT_NE(ending.error.find("not linked"), std::string::npos) << ending.error;
		EXPECT_NE(ending.error.find("audio/mpeg"), std::string::npos) << ending.error;
		EXPECT_EQ(ending.switches, 0u);
		EXPECT_EQ(requestsFor(path), before + 1) << "the source was opened again";
	}
}

/* A pad the README's line leaves out entirely is no different. */
TEST_F(SmartSrcLaunchTest, PadLeftUnlinkedIsAnErrorNamingIt)
{
	OutputDir out("smartsrc-launch-out");
	Argv line = cmafLine(url("/vod.m3u8"), out);
	auto branch = std::find(line.begin(), line.end(), "s.audio_0");
	ASSERT_NE(branch, line.end());
	line.erase(branch, line.end());
	SCOPED_TRACE(joined(line));
	Ending ending = launch(line, 60, false);
	EXPECT_NE(ending.error.find("audio_0 of s is not linked"), std::string::npos)
		<< ending.error;
	EXPECT_EQ(ending.switches, 0u);
}

/*
 * A link made without looking at caps (an application's gst_pad_link_full with no checks)
 * to something that refuses the stream: the error names the pad and both sides, before the
 * caps ever reach the refusing element.
 */
TEST_F(SmartSrcLaunchTest, RefusedCapsAreAnErrorNamingBothSides)
{
	GstElement *pipeline = gst_pipeline_new(nullptr);
	GstElement *src = gst_element_factory_make("smartsrc", "s");
	g_object_set(src, "uri", url("/vod.m3u8").c_str(), nullptr);
	gst_bin_add(GST_BIN(pipeline), src);
	g_signal_connect(src, "pad-added", G_CALLBACK(+[](GstElement *, GstPad *pad, GstBin *bin) {
				 if (strcmp(GST_PAD_NAME(pad), "audio_0")) {
					 linkToFakesink(GST_ELEMENT(bin), pad);
					 return;
				 }
				 GstElement *queue = gst_element_factory_make("queue", nullptr);
				 GstElement *filter
					 = gst_element_factory_make("capsfilter", nullptr);
				 GstElement *sink = gst_element_factory_make("fakesink", nullptr);
				 g_autoptr(GstCaps) opus = gst_caps_from_string("audio/x-opus");
				 g_object_set(filter, "caps", opus, nullptr);
				 gst_bin_add_many(bin, queue, filter, sink, nullptr);
				 gst_element_link_many(queue, filter, sink, nullptr);
				 for (GstElement *e : {sink, filter, queue})
					 gst_element_sync_state_with_parent(e);
				 g_autoptr(GstPad) queueSink
					 = gst_element_get_static_pad(queue, "sink");
				 gst_pad_link_full(pad, queueSink, GST_PAD_LINK_CHECK_NOTHING);
			 }),
			 pipeline);
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	GstBus *bus = gst_element_get_bus(pipeline);
	GstMessage *msg = gst_bus_timed_pop_filtered(
		bus, 60 * GST_SECOND,
		static_cast<GstMessageType>(GST_MESSAGE_ERROR | GST_MESSAGE_EOS));
	std::string error, source;
	if (msg && GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
		g_autoptr(GError) e = nullptr;
		gst_message_parse_error(msg, &e, nullptr);
		error = e->message;
		source = GST_MESSAGE_SRC_NAME(msg);
	}
	if (msg)
		gst_message_unref(msg);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(bus);
	gst_object_unref(pipeline);

	ASSERT_FALSE(error.empty()) << "no ERROR";
	EXPECT_EQ(source, "s");
	EXPECT_NE(
		error.find("audio_0 of s could not link: downstream accepts audio/x-opus; the "
			   "source offers audio/mpeg, mpegversion=4, stream-format={ raw, adts }"),
		std::string::npos)
		<< error;
}

/* A VOD whose origin lost a segment mid-way: an error naming it, not a restart. */
TEST_F(SmartSrcLaunchTest, VodThatBreaksMidwayIsAnErrorNotAReopen)
{
	OutputDir out("smartsrc-launch-out");
	const Argv line = cmafLine(url("/holey.m3u8"), out);
	SCOPED_TRACE(joined(line));
	const size_t before = requestsFor("/holey.m3u8");
	Ending ending = launch(line, 90, false);
	ASSERT_FALSE(ending.error.empty()) << (ending.eos ? "EOS" : "no ERROR, no EOS");
	EXPECT_NE(ending.error.find(url("/holey.m3u8")), std::string::npos) << ending.error;
	EXPECT_EQ(ending.switches, 0u);
	EXPECT_EQ(requestsFor("/holey.m3u8"), before + 1);
	EXPECT_EQ(requestsFor("/backup.ts"), 0u);
}

} /* namespace */
} /* namespace sluice::test */
