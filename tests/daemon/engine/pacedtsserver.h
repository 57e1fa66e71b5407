/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A live MPEG-TS upstream for engine tests: a file sent over HTTP at its own bitrate.
 */

#pragma once

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "sluicedtest.h"

namespace sluice::test {

/* An H.264 + AAC MPEG-TS file of the given size and length (1 s GOPs at 25 fps). */
inline CommandRun makeTsFile(const std::string &file, int width, int height, int seconds)
{
	return runCommand({"gst-launch-1.0",
			   "-q",
			   "videotestsrc",
			   "num-buffers=" + std::to_string(seconds * 25),
			   "!",
			   "video/x-raw,width=" + std::to_string(width)
				   + ",height=" + std::to_string(height) + ",framerate=25/1",
			   "!",
			   "x264enc",
			   "key-int-max=25",
			   "speed-preset=ultrafast",
			   "bitrate=300",
			   "!",
			   "h264parse",
			   "!",
			   "mpegtsmux",
			   "name=m",
			   "!",
			   "filesink",
			   "location=" + file,
			   "audiotestsrc",
			   "num-buffers=" + std::to_string(seconds * 47),
			   "!",
			   "audio/x-raw,rate=48000",
			   "!",
			   "avenc_aac",
			   "!",
			   "aacparse",
			   "!",
			   "m."});
}

/*
 * A live MPEG-TS source over HTTP on a thread of its own: a file generated once, sent at its
 * own bitrate in chunks (like an IPTV upstream), counting requests.
 */
class PacedTsServer
{
public:
	PacedTsServer(const std::string &file, double durationS)
	{
		g_autoptr(GError) error = nullptr;
		g_file_get_contents(file.c_str(), &data_, &size_, &error);
		bytesPerTick_
			= static_cast<size_t>(size_ / durationS * kTickMs / 1000.0) / 188 * 188
			+ 188;
		context_ = g_main_context_new();
		loop_ = g_main_loop_new(context_, FALSE);
		g_main_context_push_thread_default(context_);
		server_ = soup_server_new(nullptr, nullptr);
		soup_server_add_handler(server_, "/live.ts", handle, this, nullptr);
		soup_server_listen_local(server_, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, nullptr);
		GSList *uris = soup_server_get_uris(server_);
		port_ = g_uri_get_port(static_cast<GUri *>(uris->data));
		g_slist_free_full(uris, reinterpret_cast<GDestroyNotify>(g_uri_unref));
		g_main_context_pop_thread_default(context_);
		thread_ = std::thread([this] {
			g_main_context_push_thread_default(context_);
			g_main_loop_run(loop_);
			g_main_context_pop_thread_default(context_);
		});
	}
	~PacedTsServer()
	{
		g_main_context_invoke(
			context_,
			[](gpointer loop) -> gboolean {
				g_main_loop_quit(static_cast<GMainLoop *>(loop));
				return G_SOURCE_REMOVE;
			},
			loop_);
		thread_.join();
		g_object_unref(server_);
		g_main_loop_unref(loop_);
		g_main_context_unref(context_);
		g_free(data_);
	}
	std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/live.ts"; }
	int requests() const { return requests_; }

private:
	static constexpr guint kTickMs = 40;
	struct Stream {
		PacedTsServer *server;
		SoupServerMessage *msg;
		size_t offset = 0;
		guint timer = 0;
		GSource *source = nullptr; /* owned while timer is set */
	};

	static void handle(SoupServer *, SoupServerMessage *msg, const char *, GHashTable *,
			   gpointer data)
	{
		auto *self = static_cast<PacedTsServer *>(data);
		self->requests_++;
		soup_server_message_set_status(msg, 200, nullptr);
		SoupMessageHeaders *headers = soup_server_message_get_response_headers(msg);
		soup_message_headers_set_content_type(headers, "video/MP2T", nullptr);
		soup_message_headers_set_encoding(headers, SOUP_ENCODING_CHUNKED);
		soup_message_body_set_accumulate(soup_server_message_get_response_body(msg), FALSE);
		auto *stream = new Stream {self, SOUP_SERVER_MESSAGE(g_object_ref(msg))};
		/* On this server's own context (the handler runs there). */
		GSource *timer = g_timeout_source_new(kTickMs);
		g_source_set_callback(timer, tick, stream, nullptr);
		stream->timer = g_source_attach(timer, self->context_);
		stream->source = timer;
		g_signal_connect_swapped(msg, "finished", G_CALLBACK(+[](Stream *gone) {
						 if (gone->timer)
							 g_source_destroy(gone->source);
						 g_source_unref(gone->source);
						 g_object_unref(gone->msg);
						 delete gone;
					 }),
					 stream);
		soup_server_message_pause(msg);
	}

	static gboolean tick(gpointer data)
	{
		auto *stream = static_cast<Stream *>(data);
		PacedTsServer *self = stream->server;
		SoupMessageBody *body = soup_server_message_get_response_body(stream->msg);
		const size_t n = std::min(self->bytesPerTick_, self->size_ - stream->offset);
		soup_message_body_append(body, SOUP_MEMORY_STATIC, self->data_ + stream->offset, n);
		stream->offset += n;
		if (stream->offset >= self->size_) {
			soup_message_body_complete(body);
			stream->timer = 0;
		}
		soup_server_message_unpause(stream->msg);
		return stream->timer ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
	}

	char *data_ = nullptr;
	gsize size_ = 0;
	size_t bytesPerTick_ = 0;
	GMainContext *context_;
	GMainLoop *loop_;
	SoupServer *server_;
	std::thread thread_;
	uint16_t port_ = 0;
	std::atomic<int> requests_ {0};
};

} /* namespace sluice::test */
