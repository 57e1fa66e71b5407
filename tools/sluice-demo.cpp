/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * sluice-demo: a live test pattern packaged by cmafsink in memory and served over HTTP.
 *
 *   videotestsrc ─ timeoverlay ─ x264enc ─ h264parse ─┐
 *                                                      ├─ cmafsink (no location) ◄─ get-resource
 *   audiotestsrc ───────────── avenc_aac ─ aacparse ──┘                 ▲
 *                                                          libsoup server (GET/HEAD, CORS)
 */

#include <cstdio>
#include <cstring>
#include <string>

#include <gst/gst.h>
#include <libsoup/soup.h>

namespace {

struct Demo {
	GMainLoop *loop = nullptr;
	GstElement *pipeline = nullptr;
	GstElement *sink = nullptr;
};

const char *contentType(const char *name)
{
	if (g_str_has_suffix(name, ".m3u8"))
		return "application/vnd.apple.mpegurl";
	if (g_str_has_suffix(name, ".mpd"))
		return "application/dash+xml";
	if (g_str_has_suffix(name, ".m4s"))
		return "video/iso.segment";
	if (g_str_has_suffix(name, ".mp4"))
		return "video/mp4";
	return nullptr;
}

/* A mapped buffer kept alive for as long as libsoup holds the chunk that points into it. */
struct MappedBuffer {
	GstBuffer *buffer;
	GstMapInfo map;

	static void release(gpointer data)
	{
		auto *self = static_cast<MappedBuffer *>(data);
		gst_buffer_unmap(self->buffer, &self->map);
		gst_buffer_unref(self->buffer);
		delete self;
	}
};

constexpr char kNotFound[]
	= "{\"error\":{\"code\":\"not_found\",\"message\":\"no such playlist or segment\"}}\n";

/* Serves a resource straight from cmafsink's memory: each buffer is appended, not copied. */
void handleRequest(SoupServer *, SoupServerMessage *msg, const char *path, GHashTable *,
		   gpointer userData)
{
	auto *demo = static_cast<Demo *>(userData);
	const char *method = soup_server_message_get_method(msg);
	SoupMessageHeaders *headers = soup_server_message_get_response_headers(msg);
	soup_message_headers_replace(headers, "Access-Control-Allow-Origin", "*");

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		soup_server_message_set_status(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, nullptr);
		return;
	}

	const char *name = path[0] == '/' ? path + 1 : path;
	if (!*name)
		name = "master.m3u8";
	const char *type = contentType(name);
	GstBufferList *list = nullptr;
	if (type && !strchr(name, '/'))
		g_signal_emit_by_name(demo->sink, "get-resource", name, &list);
	if (!list) {
		soup_server_message_set_status(msg, SOUP_STATUS_NOT_FOUND, nullptr);
		soup_server_message_set_response(msg, "application/json", SOUP_MEMORY_STATIC,
						 kNotFound, sizeof(kNotFound) - 1);
		return;
	}

	bool manifest = g_str_has_suffix(name, ".m3u8") || g_str_has_suffix(name, ".mpd");
	soup_message_headers_replace(headers, "Cache-Control",
				     manifest ? "no-cache" : "public, max-age=3600");
	soup_message_headers_set_content_type(headers, type, nullptr);
	SoupMessageBody *body = soup_server_message_get_response_body(msg);
	for (guint i = 0; i < gst_buffer_list_length(list); i++) {
		auto *mapped = new MappedBuffer {gst_buffer_ref(gst_buffer_list_get(list, i)), {}};
		if (!gst_buffer_map(mapped->buffer, &mapped->map, GST_MAP_READ)) {
			gst_buffer_unref(mapped->buffer);
			delete mapped;
			continue;
		}
		GBytes *bytes = g_bytes_new_with_free_func(mapped->map.data, mapped->map.size,
							   MappedBuffer::release, mapped);
		soup_message_body_append_bytes(body, bytes);
		g_bytes_unref(bytes);
	}
	gst_buffer_list_unref(list);
	soup_server_message_set_status(msg, SOUP_STATUS_OK, nullptr);
}

gboolean onBusMessage(GstBus *, GstMessage *msg, gpointer userData)
{
	auto *demo = static_cast<Demo *>(userData);
	if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
		g_autoptr(GError) error = nullptr;
		g_autofree char *debug = nullptr;
		gst_message_parse_error(msg, &error, &debug);
		g_printerr("sluice-demo: %s\n%s\n", error->message, debug ? debug : "");
		g_main_loop_quit(demo->loop);
	}
	return G_SOURCE_CONTINUE;
}

} /* namespace */

int main(int argc, char **argv)
{
	gint port = 8080;
	g_autofree char *host = g_strdup("127.0.0.1");
	gint targetDuration = 2;
	gint height = 720;

	GOptionEntry entries[] = {
		{"host", 0, 0, G_OPTION_ARG_STRING, &host, "Address to listen on", "ADDR"},
		{"port", 'p', 0, G_OPTION_ARG_INT, &port, "HTTP port (0 = any free port)", "PORT"},
		{"target-duration", 't', 0, G_OPTION_ARG_INT, &targetDuration,
		 "Segment duration in seconds", "S"},
		{"height", 0, 0, G_OPTION_ARG_INT, &height, "Picture height (16:9)", "PIXELS"},
		{},
	};
	g_autoptr(GOptionContext) context
		= g_option_context_new("- serve a live CMAF test channel as HLS and DASH");
	g_option_context_add_main_entries(context, entries, nullptr);
	g_option_context_add_group(context, gst_init_get_option_group());
	g_autoptr(GError) error = nullptr;
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		g_printerr("sluice-demo: %s\n", error->message);
		return 2;
	}

	int width = (height * 16 / 9) & ~1;
	g_autofree char *description = g_strdup_printf(
		"videotestsrc is-live=true pattern=smpte ! video/x-raw,format=I420,width=%d,"
		"height=%d,framerate=30/1 ! timeoverlay font-desc=\"Sans 36\" ! "
		"x264enc tune=zerolatency speed-preset=veryfast bitrate=2500 ! h264parse ! "
		"cmafsink name=sink target-duration=%d window-size=6 "
		"audiotestsrc is-live=true wave=ticks ! audio/x-raw,rate=48000,channels=2 ! "
		"avenc_aac ! aacparse ! sink.audio_0",
		width, height, targetDuration);

	Demo demo;
	demo.pipeline = gst_parse_launch(description, &error);
	if (!demo.pipeline || error) {
		g_printerr("sluice-demo: cannot build the pipeline: %s\n"
			   "(is the sluice plugin on GST_PLUGIN_PATH? `make run` sets it)\n",
			   error->message);
		return 1;
	}
	demo.sink = gst_bin_get_by_name(GST_BIN(demo.pipeline), "sink");
	demo.loop = g_main_loop_new(nullptr, FALSE);

	g_autoptr(GstBus) bus = gst_element_get_bus(demo.pipeline);
	gst_bus_add_watch(bus, onBusMessage, &demo);

	SoupServer *server = soup_server_new("server-header", "sluice-demo ", nullptr);
	soup_server_add_handler(server, nullptr, handleRequest, &demo, nullptr);
	g_autoptr(GInetAddress) address = g_inet_address_new_from_string(host);
	if (!address) {
		g_printerr("sluice-demo: \"%s\" is not an IP address\n", host);
		return 2;
	}
	g_autoptr(GSocketAddress) socketAddress = g_inet_socket_address_new(address, port);
	if (!soup_server_listen(server, socketAddress, static_cast<SoupServerListenOptions>(0),
				&error)) {
		g_printerr("sluice-demo: cannot listen on %s:%d: %s\n", host, port, error->message);
		return 1;
	}
	GSList *uris = soup_server_get_uris(server);
	g_autofree char *base = g_uri_to_string(static_cast<GUri *>(uris->data));
	g_slist_free_full(uris, reinterpret_cast<GDestroyNotify>(g_uri_unref));

	gst_element_set_state(demo.pipeline, GST_STATE_PLAYING);
	g_print("sluice-demo: live test channel (H.264 %dx%d + AAC, %d s CMAF segments)\n"
		"  HLS:  %smaster.m3u8\n  DASH: %smanifest.mpd\n"
		"  e.g.  ffplay %smaster.m3u8\n",
		width, height, targetDuration, base, base, base);

	g_main_loop_run(demo.loop);

	gst_element_set_state(demo.pipeline, GST_STATE_NULL);
	gst_object_unref(demo.sink);
	gst_object_unref(demo.pipeline);
	g_object_unref(server);
	g_main_loop_unref(demo.loop);
	return 0;
}
