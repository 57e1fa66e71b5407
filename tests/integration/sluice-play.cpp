/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * sluice-play: plays a URI with playbin3 into fakesinks as fast as it can and reports every
 * decoded buffer, in ffprobe's compact format so the player tests read both with one parser.
 *
 * Usage: sluice-play [--user-agent=UA] URI [SECONDS]
 *   SECONDS: stop after that long, as a viewer would. UA: the User-Agent of every HTTP request
 *   (souphttpsrc's; hlsdemux2 and dashdemux2 take it from there).
 *
 * stdout: "stream|index=0|codec_type=video|sample_rate=0|caps=...", "packet|stream_index=0|
 * pts_time=...|duration_time=..." and "frame|stream_index=0|media_type=audio|nb_samples=..."
 * per decoded buffer, "element|factory=hlsdemux2|klass=..." per element playbin3 created.
 * Exit status 0 at EOS or after SECONDS, 1 on an ERROR message (printed to stderr), 2 on bad
 * usage.
 */

#include <cstdio>
#include <cstring>
#include <mutex>

#include <unistd.h>

#include <gst/audio/audio.h>
#include <gst/gst.h>

namespace {

struct Sink {
	int index;
	const char *type;
	/* Guards info and announced; handoffs of one sink come from one streaming thread, but
	 * a flush may move it. */
	std::mutex mutex;
	bool announced = false;
	GstAudioInfo info;
};

double seconds(GstClockTime t)
{
	return static_cast<double>(t) / GST_SECOND;
}

void onHandoff(GstElement *, GstBuffer *buffer, GstPad *pad, gpointer userData)
{
	auto *sink = static_cast<Sink *>(userData);
	std::lock_guard<std::mutex> locker(sink->mutex);

	if (!sink->announced) {
		g_autoptr(GstCaps) caps = gst_pad_get_current_caps(pad);
		g_autofree char *text = caps ? gst_caps_to_string(caps) : g_strdup("none");
		gst_audio_info_init(&sink->info);
		if (caps && g_str_equal(sink->type, "audio"))
			gst_audio_info_from_caps(&sink->info, caps);
		std::printf("stream|index=%d|codec_type=%s|sample_rate=%d|caps=%s\n", sink->index,
			    sink->type, GST_AUDIO_INFO_RATE(&sink->info), text);
		sink->announced = true;
	}

	if (!GST_BUFFER_PTS_IS_VALID(buffer)) {
		std::printf("packet|stream_index=%d|pts_time=N/A|duration_time=N/A\n", sink->index);
		return;
	}
	if (GST_BUFFER_DURATION_IS_VALID(buffer))
		std::printf("packet|stream_index=%d|pts_time=%.6f|duration_time=%.6f\n",
			    sink->index, seconds(GST_BUFFER_PTS(buffer)),
			    seconds(GST_BUFFER_DURATION(buffer)));
	else
		std::printf("packet|stream_index=%d|pts_time=%.6f|duration_time=N/A\n", sink->index,
			    seconds(GST_BUFFER_PTS(buffer)));

	int bpf = GST_AUDIO_INFO_BPF(&sink->info);
	if (bpf > 0)
		std::printf("frame|stream_index=%d|media_type=%s|nb_samples=%zu\n", sink->index,
			    sink->type, gst_buffer_get_size(buffer) / bpf);
	else
		std::printf("frame|stream_index=%d|media_type=%s|pkt_duration_time=%.6f\n",
			    sink->index, sink->type,
			    GST_BUFFER_DURATION_IS_VALID(buffer)
				    ? seconds(GST_BUFFER_DURATION(buffer))
				    : 0.0);
}

void onElementAdded(GstBin *, GstBin *, GstElement *element, gpointer)
{
	GstElementFactory *factory = gst_element_get_factory(element);
	if (!factory)
		return;
	std::printf("element|factory=%s|klass=%s\n", GST_OBJECT_NAME(factory),
		    gst_element_factory_get_metadata(factory, GST_ELEMENT_METADATA_KLASS));
}

/* playbin3's source (souphttpsrc for http URIs) gets the User-Agent asked for. */
void onSourceSetup(GstElement *, GstElement *source, gpointer userAgent)
{
	if (g_object_class_find_property(G_OBJECT_GET_CLASS(source), "user-agent"))
		g_object_set(source, "user-agent", static_cast<const char *>(userAgent), nullptr);
}

GstElement *makeSink(Sink &sink)
{
	GstElement *fakesink = gst_element_factory_make("fakesink", nullptr);
	g_object_set(fakesink, "sync", FALSE, "signal-handoffs", TRUE, nullptr);
	g_signal_connect(fakesink, "handoff", G_CALLBACK(onHandoff), &sink);
	return fakesink;
}

} /* namespace */

int main(int argc, char **argv)
{
	gst_init(&argc, &argv);
	const char *userAgent = nullptr;
	if (argc > 1 && g_str_has_prefix(argv[1], "--user-agent=")) {
		userAgent = argv[1] + strlen("--user-agent=");
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	if (argc != 2 && argc != 3) {
		std::fprintf(stderr, "usage: %s [--user-agent=UA] URI [SECONDS]\n", argv[0]);
		return 2;
	}
	/* A live stream has no EOS: a viewer stops watching. */
	const GstClockTime deadline = argc == 3 ? gst_util_get_timestamp()
			+ static_cast<GstClockTime>(g_ascii_strtod(argv[2], nullptr) * GST_SECOND)
						: GST_CLOCK_TIME_NONE;

	Sink video {0, "video"};
	Sink audio {1, "audio"};
	GstElement *playbin = gst_element_factory_make("playbin3", nullptr);
	if (!playbin) {
		std::fprintf(stderr, "no playbin3\n");
		return 1;
	}
	g_object_set(playbin, "uri", argv[1], "video-sink", makeSink(video), "audio-sink",
		     makeSink(audio), nullptr);
	g_signal_connect(playbin, "deep-element-added", G_CALLBACK(onElementAdded), nullptr);
	if (userAgent)
		g_signal_connect(playbin, "source-setup", G_CALLBACK(onSourceSetup),
				 const_cast<char *>(userAgent));

	int status = 1;
	bool timeUp = false;
	g_autoptr(GstBus) bus = gst_element_get_bus(playbin);
	if (gst_element_set_state(playbin, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
		std::fprintf(stderr, "ERROR: playbin3 refused to go to PLAYING\n");
	} else {
		g_autoptr(GstMessage) msg = nullptr;
		while (true) {
			const GstClockTime now = gst_util_get_timestamp();
			const GstClockTime wait = deadline == GST_CLOCK_TIME_NONE
				? GST_CLOCK_TIME_NONE
				: deadline > now ? deadline - now
						 : 0;
			msg = gst_bus_timed_pop_filtered(
				bus, wait,
				static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR
							    | GST_MESSAGE_WARNING));
			if (!msg) {
				timeUp = true; /* the viewer's time is up */
				break;
			}
			if (GST_MESSAGE_TYPE(msg) != GST_MESSAGE_WARNING)
				break;
			g_autoptr(GError) err = nullptr;
			g_autofree char *debug = nullptr;
			gst_message_parse_warning(msg, &err, &debug);
			std::fprintf(stderr, "WARNING from %s: %s (%s)\n",
				     GST_OBJECT_NAME(GST_MESSAGE_SRC(msg)), err->message,
				     debug ? debug : "");
			gst_clear_message(&msg);
		}
		if (!msg || GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS) {
			status = 0;
		} else {
			g_autoptr(GError) err = nullptr;
			g_autofree char *debug = nullptr;
			gst_message_parse_error(msg, &err, &debug);
			std::fprintf(stderr, "ERROR from %s: %s (%s)\n",
				     GST_OBJECT_NAME(GST_MESSAGE_SRC(msg)), err->message,
				     debug ? debug : "");
		}
	}

	if (timeUp) {
		/*
		 * The viewer closes the player mid-stream. Not torn down: GStreamer 1.22.0's
		 * adaptivedemux2 can abort when a live demuxer is stopped mid-download (its
		 * download thread and the state change race over a libsoup stream).
		 */
		std::fflush(stdout);
		std::fflush(stderr);
		_exit(status);
	}
	gst_element_set_state(playbin, GST_STATE_NULL);
	gst_object_unref(playbin);
	std::fflush(stdout);
	return status;
}
