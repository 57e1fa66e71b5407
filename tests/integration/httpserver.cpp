/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A static-file HTTP server on 127.0.0.1 for the player tests, running on a thread of its own.
 */

#include "httpserver.h"

#include <cstring>
#include <future>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string_view>
#include <thread>

#include <glib.h>
#include <libsoup/soup.h>

namespace sluice::test {

/* Delivery latency of a media or init segment: a LAN's round trip and then some. */
constexpr guint kSegmentLatencyMs = 20;

namespace {

const char *mimeTypeFor(std::string_view path)
{
	struct Mapping {
		std::string_view suffix;
		const char *mime;
	};
	static constexpr Mapping mappings[] = {
		{".m3u8", "application/vnd.apple.mpegurl"},
		{".mpd", "application/dash+xml"},
		{".m4s", "video/iso.segment"},
		{".mp4", "video/mp4"},
	};
	for (const auto &m : mappings) {
		if (path.ends_with(m.suffix))
			return m.mime;
	}
	return "application/octet-stream";
}

} /* namespace */

struct StaticFileServer::Private {
	std::string root;

	/* Owned by the server thread: created, run and released there. */
	GMainContext *context = nullptr;
	GMainLoop *loop = nullptr;
	std::thread thread;

	/* Guards log; taken by the server thread and by readers of requestLog(). */
	mutable std::mutex mutex;
	std::vector<std::string> log;
	std::map<std::string, std::string> headers; /* last value by lower-case name */

	std::map<std::string, int> flaky; /* requests seen per /flaky/ path */

	/* The first two requests of a /flaky/ path fail, the next ones are served. */
	bool flakyFailure(const char *path)
	{
		std::lock_guard<std::mutex> locker(mutex);
		return ++flaky[path] <= 2;
	}

	void record(const char *method, const char *path, guint status)
	{
		std::lock_guard<std::mutex> locker(mutex);
		log.push_back(std::string(method) + " " + path + " " + std::to_string(status));
	}

	static void handle(SoupServer *, SoupServerMessage *msg, const char *path, GHashTable *,
			   gpointer userData);
	void run(std::promise<std::string> ready);
};

void StaticFileServer::Private::handle(SoupServer *, SoupServerMessage *msg, const char *path,
				       GHashTable *, gpointer userData)
{
	auto *self = static_cast<Private *>(userData);
	const char *method = soup_server_message_get_method(msg);
	{
		std::lock_guard<std::mutex> locker(self->mutex);
		soup_message_headers_foreach(
			soup_server_message_get_request_headers(msg),
			[](const char *name, const char *value, gpointer data) {
				g_autofree char *lower = g_ascii_strdown(name, -1);
				(*static_cast<std::map<std::string, std::string> *>(data))[lower]
					= value;
			},
			&self->headers);
	}

	guint status = SOUP_STATUS_OK;
	if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD) {
		status = SOUP_STATUS_NOT_IMPLEMENTED;
	} else if (std::string_view(path).find("..") != std::string_view::npos
		   || g_str_has_prefix(path, "/forbidden/")) {
		status = SOUP_STATUS_FORBIDDEN;
	} else if (g_str_has_prefix(path, "/flaky/") && self->flakyFailure(path)) {
		status = SOUP_STATUS_NOT_FOUND;
	} else if (g_str_has_prefix(path, "/redirect/")) {
		/* /redirect/NAME: 302 to /NAME. */
		status = SOUP_STATUS_FOUND;
		soup_message_headers_replace(soup_server_message_get_response_headers(msg),
					     "Location", path + strlen("/redirect"));
	} else {
		/* /flaky/NAME is NAME once it has failed; /live/NAME is NAME, chunked;
		 * /stall/NAME is half of NAME, then a connection that sends nothing;
		 * /truncated/NAME is NAME, with segments ending in 2.ts or 2.m4s cut in half. */
		const char *served = path;
		for (const char *prefix : {"/flaky/", "/live/", "/stall/", "/truncated/"}) {
			if (g_str_has_prefix(path, prefix))
				served = path + strlen(prefix) - 1;
		}
		g_autofree char *file = g_build_filename(self->root.c_str(), served, nullptr);
		gchar *contents = nullptr;
		gsize length = 0;
		if (g_file_get_contents(file, &contents, &length, nullptr)) {
			if (g_str_has_prefix(path, "/truncated/")
			    && (g_str_has_suffix(path, "2.ts")
				|| g_str_has_suffix(path, "2.m4s"))) {
				/* A segment cut short, as when an origin's upload broke off. */
				length /= 2;
			}
			if (g_str_has_prefix(path, "/stall/")) {
				/* The first half, then nothing, with the connection held open. */
				SoupMessageHeaders *headers
					= soup_server_message_get_response_headers(msg);
				soup_message_headers_set_encoding(headers, SOUP_ENCODING_CHUNKED);
				soup_message_headers_set_content_type(headers, mimeTypeFor(path),
								      nullptr);
				soup_message_body_append(soup_server_message_get_response_body(msg),
							 SOUP_MEMORY_COPY, contents, length / 2);
				g_free(contents);
			} else if (g_str_has_prefix(path, "/live/")) {
				/* Chunked, no Content-Length: how an endless stream is served. */
				SoupMessageHeaders *headers
					= soup_server_message_get_response_headers(msg);
				soup_message_headers_set_encoding(headers, SOUP_ENCODING_CHUNKED);
				soup_message_headers_set_content_type(headers, mimeTypeFor(path),
								      nullptr);
				SoupMessageBody *body = soup_server_message_get_response_body(msg);
				soup_message_body_append(body, SOUP_MEMORY_TAKE, contents, length);
				soup_message_body_complete(body);
			} else {
				soup_server_message_set_response(
					msg, mimeTypeFor(path), SOUP_MEMORY_TAKE, contents, length);
			}
			/* Live playlists change under the same name. */
			soup_message_headers_replace(soup_server_message_get_response_headers(msg),
						     "Cache-Control", "no-cache");
		} else {
			status = SOUP_STATUS_NOT_FOUND;
		}
	}
	soup_server_message_set_status(msg, status, nullptr);
	self->record(method, path, status);

	if (status == SOUP_STATUS_OK
	    && (g_str_has_suffix(path, ".m4s") || g_str_has_suffix(path, ".mp4"))) {
		/* Paused, not slept: the server thread keeps answering other requests. */
		soup_server_message_pause(msg);
		GSource *delay = g_timeout_source_new(kSegmentLatencyMs);
		g_source_set_callback(
			delay,
			[](gpointer data) {
				auto *message = static_cast<SoupServerMessage *>(data);
				soup_server_message_unpause(message);
				return G_SOURCE_REMOVE;
			},
			g_object_ref(msg), g_object_unref);
		g_source_attach(delay, self->context);
		g_source_unref(delay);
	}
}

void StaticFileServer::Private::run(std::promise<std::string> ready)
{
	g_main_context_push_thread_default(context);

	/* Listening attaches the socket sources to the thread-default context: this one. */
	SoupServer *server = soup_server_new("server-header", "sluice-test", nullptr);
	soup_server_add_handler(server, nullptr, &Private::handle, this, nullptr);

	g_autoptr(GError) error = nullptr;
	if (!soup_server_listen_local(server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error)) {
		ready.set_value(std::string("error: ") + error->message);
	} else {
		GSList *uris = soup_server_get_uris(server);
		std::string url = "http://127.0.0.1:"
			+ std::to_string(g_uri_get_port(static_cast<GUri *>(uris->data)));
		g_slist_free_full(uris, reinterpret_cast<GDestroyNotify>(g_uri_unref));
		ready.set_value(url);
		g_main_loop_run(loop);
	}

	soup_server_disconnect(server);
	g_object_unref(server);
	g_main_context_pop_thread_default(context);
}

StaticFileServer::StaticFileServer(std::string root) : d_(std::make_unique<Private>())
{
	d_->root = std::move(root);
	d_->context = g_main_context_new();
	d_->loop = g_main_loop_new(d_->context, FALSE);
}

StaticFileServer::~StaticFileServer()
{
	if (d_->thread.joinable()) {
		/* Through the context, so a quit can't be lost before the loop runs. */
		g_main_context_invoke(
			d_->context,
			[](gpointer loop) {
				g_main_loop_quit(static_cast<GMainLoop *>(loop));
				return G_SOURCE_REMOVE;
			},
			d_->loop);
		d_->thread.join();
	}
	g_main_loop_unref(d_->loop);
	g_main_context_unref(d_->context);
}

bool StaticFileServer::start(std::string &error)
{
	std::promise<std::string> ready;
	std::future<std::string> result = ready.get_future();
	d_->thread = std::thread(&Private::run, d_.get(), std::move(ready));

	std::string value = result.get();
	if (value.starts_with("error: ")) {
		error = value.substr(7);
		d_->thread.join();
		return false;
	}
	baseUrl_ = value;
	return true;
}

std::string StaticFileServer::lastHeader(const std::string &name) const
{
	g_autofree char *lower = g_ascii_strdown(name.c_str(), -1);
	std::lock_guard<std::mutex> locker(d_->mutex);
	auto found = d_->headers.find(lower);
	return found == d_->headers.end() ? std::string() : found->second;
}

std::vector<std::string> StaticFileServer::requestLog() const
{
	std::lock_guard<std::mutex> locker(d_->mutex);
	return d_->log;
}

} /* namespace sluice::test */
