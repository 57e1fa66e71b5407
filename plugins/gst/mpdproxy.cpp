/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A loopback server that hands GStreamer's dashdemux2 live MPDs it can follow.
 */

#include "mpdproxy.h"

#include <condition_variable>

#include "mpdparse.h"
#include "variantfilter.h"

GST_DEBUG_CATEGORY_STATIC(mpd_proxy_debug);
#define GST_CAT_DEFAULT mpd_proxy_debug

namespace sluice {

namespace {

constexpr guint kFetchTimeoutS = 10;

/* One request on its way to the source. */
struct Pending {
	SoupServerMessage *client; /* owned ref */
	std::string uri;
};

/* GstStructureForeachFunc: one extra request header. */
gboolean addHeader(GQuark field, const GValue *value, gpointer data)
{
	auto *headers = static_cast<SoupMessageHeaders *>(data);
	if (G_VALUE_HOLDS_STRING(value)) {
		if (const char *text = g_value_get_string(value))
			soup_message_headers_append(headers, g_quark_to_string(field), text);
		return TRUE;
	}
	GValue text = G_VALUE_INIT;
	g_value_init(&text, G_TYPE_STRING);
	if (g_value_transform(value, &text) && g_value_get_string(&text))
		soup_message_headers_append(headers, g_quark_to_string(field),
					    g_value_get_string(&text));
	g_value_unset(&text);
	return TRUE;
}

void answer(SoupServerMessage *msg, guint status, const std::string &body, const char *type)
{
	soup_server_message_set_status(msg, status, nullptr);
	SoupMessageHeaders *headers = soup_server_message_get_response_headers(msg);
	soup_message_headers_replace(headers, "Cache-Control", "no-cache");
	soup_server_message_set_response(msg, type, SOUP_MEMORY_COPY, body.data(), body.size());
	soup_server_message_unpause(msg);
}

} /* namespace */

MpdProxy &MpdProxy::instance()
{
	static MpdProxy *proxy = new MpdProxy;
	return *proxy;
}

MpdProxy::MpdProxy()
{
	GST_DEBUG_CATEGORY_INIT(mpd_proxy_debug, "smartsrcmpdproxy", 0,
				"smartsrc's loopback MPD server");
}

/* Called with lock_ held. */
bool MpdProxy::start()
{
	if (started_ || failed_)
		return started_;
	std::mutex readyLock;
	std::condition_variable ready;
	bool done = false;
	std::string error;
	context_ = g_main_context_new();
	thread_ = std::thread([&, this] {
		g_main_context_push_thread_default(context_);
		server_ = soup_server_new(nullptr, nullptr);
		session_ = soup_session_new_with_options("timeout", kFetchTimeoutS, nullptr);
		soup_server_add_handler(server_, "/mpd/", handle, this, nullptr);
		g_autoptr(GError) listenError = nullptr;
		g_autoptr(GInetAddress) loopback
			= g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
		g_autoptr(GSocketAddress) address = g_inet_socket_address_new(loopback, 0);
		const bool listening = soup_server_listen(
			server_, address, static_cast<SoupServerListenOptions>(0), &listenError);
		if (listening) {
			GSList *uris = soup_server_get_uris(server_);
			base_ = "http://127.0.0.1:"
				+ std::to_string(g_uri_get_port(static_cast<GUri *>(uris->data)))
				+ "/mpd/";
			g_slist_free_full(uris, reinterpret_cast<GDestroyNotify>(g_uri_unref));
		} else {
			error = listenError->message;
		}
		{
			std::lock_guard<std::mutex> locker(readyLock);
			done = true;
		}
		ready.notify_one(); /* start()'s locals are gone from here on */
		if (!listening)
			return;
		GMainLoop *loop = g_main_loop_new(context_, FALSE);
		g_main_loop_run(loop); /* for the life of the process */
	});
	std::unique_lock<std::mutex> locker(readyLock);
	ready.wait(locker, [&] { return done; });
	if (!error.empty()) {
		GST_WARNING("cannot serve live MPDs on loopback: %s", error.c_str());
		failed_ = true;
		thread_.detach();
		return false;
	}
	thread_.detach();
	started_ = true;
	GST_INFO("serving live MPDs for dashdemux2 at %s", base_.c_str());
	return true;
}

std::string MpdProxy::add(const std::string &uri, const std::string &userAgent,
			  const GstStructure *headers)
{
	std::lock_guard<std::mutex> locker(lock_);
	if (!start())
		return {};
	const uint64_t id = nextId_++;
	entries_[id] = Entry {uri, userAgent, headers ? gst_structure_copy(headers) : nullptr};
	return base_ + std::to_string(id) + ".mpd";
}

void MpdProxy::remove(const std::string &url)
{
	std::lock_guard<std::mutex> locker(lock_);
	if (!started_ || !url.starts_with(base_))
		return;
	const uint64_t id = g_ascii_strtoull(url.c_str() + base_.size(), nullptr, 10);
	auto it = entries_.find(id);
	if (it == entries_.end())
		return;
	if (it->second.headers)
		gst_structure_free(it->second.headers);
	entries_.erase(it);
}

/* The server's thread. */
void MpdProxy::handle(SoupServer *, SoupServerMessage *msg, const char *path, GHashTable *,
		      gpointer data)
{
	auto *self = static_cast<MpdProxy *>(data);
	const uint64_t id = g_ascii_strtoull(path + std::string_view("/mpd/").size(), nullptr, 10);
	SoupMessage *upstream = nullptr;
	std::string uri;
	{
		std::lock_guard<std::mutex> locker(self->lock_);
		auto it = self->entries_.find(id);
		if (it != self->entries_.end()) {
			uri = it->second.uri;
			upstream = soup_message_new("GET", uri.c_str());
			if (upstream) {
				SoupMessageHeaders *headers
					= soup_message_get_request_headers(upstream);
				if (!it->second.userAgent.empty())
					soup_message_headers_replace(headers, "User-Agent",
								     it->second.userAgent.c_str());
				if (it->second.headers)
					gst_structure_foreach(it->second.headers, addHeader,
							      headers);
			}
		}
	}
	if (!upstream) {
		soup_server_message_set_status(msg, uri.empty() ? 404 : 502, nullptr);
		return;
	}
	soup_server_message_pause(msg);
	auto *pending = new Pending {SOUP_SERVER_MESSAGE(g_object_ref(msg)), uri};
	soup_session_send_and_read_async(self->session_, upstream, G_PRIORITY_DEFAULT, nullptr,
					 fetched, pending);
	g_object_unref(upstream);
}

/* The server's thread: the source answered (or did not). */
void MpdProxy::fetched(GObject *session, GAsyncResult *result, gpointer data)
{
	auto *pending = static_cast<Pending *>(data);
	SoupMessage *upstream
		= soup_session_get_async_result_message(SOUP_SESSION(session), result);
	g_autoptr(GError) error = nullptr;
	g_autoptr(GBytes) body
		= soup_session_send_and_read_finish(SOUP_SESSION(session), result, &error);
	const guint status = upstream ? soup_message_get_status(upstream) : 0;
	if (!body || !SOUP_STATUS_IS_SUCCESSFUL(status)) {
		GST_INFO("%s: %s", pending->uri.c_str(),
			 error ? error->message : soup_status_get_phrase(status));
		answer(pending->client, status >= 400 && status < 600 ? status : 502,
		       error ? error->message : "", "text/plain");
	} else {
		gsize size = 0;
		const char *text = static_cast<const char *>(g_bytes_get_data(body, &size));
		/* Where it came from after redirects: its relative URLs resolve there. */
		g_autofree char *from = g_uri_to_string(soup_message_get_uri(upstream));
		if (size > kMpdMaxBytes)
			answer(pending->client, 502, "MPD too large", "text/plain");
		else
			answer(pending->client, 200,
			       anchorLiveMpd(std::string_view(text, size), from),
			       "application/dash+xml");
	}
	g_object_unref(pending->client);
	delete pending;
}

} /* namespace sluice */
