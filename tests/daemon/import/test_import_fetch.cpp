/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * fetchM3u() against a libsoup server on a loopback port, and against local files.
 */

#include <gtest/gtest.h>

#include <string>

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "m3ufetch.h"
#include "storetest.h"

using namespace sluice;

namespace {

const std::string kList = "#EXTM3U\n#EXTINF:-1 tvg-id=\"a\",A\nhttp://x/a.ts\n";

std::string gzip(const std::string &data)
{
	g_autoptr(GZlibCompressor) compressor
		= g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
	g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable();
	g_autoptr(GOutputStream) out
		= g_converter_output_stream_new(memory, G_CONVERTER(compressor));
	gsize written = 0;
	EXPECT_TRUE(g_output_stream_write_all(out, data.data(), data.size(), &written, nullptr,
					      nullptr));
	EXPECT_TRUE(g_output_stream_close(out, nullptr, nullptr));
	auto *mem = G_MEMORY_OUTPUT_STREAM(memory);
	return std::string(static_cast<const char *>(g_memory_output_stream_get_data(mem)),
			   g_memory_output_stream_get_data_size(mem));
}

void respond(SoupServerMessage *msg, guint status, const std::string &body,
	     const char *type = "audio/x-mpegurl")
{
	soup_server_message_set_status(msg, status, nullptr);
	soup_server_message_set_response(msg, type, SOUP_MEMORY_COPY, body.data(), body.size());
}

void handle(SoupServer *, SoupServerMessage *msg, const char *path, GHashTable *, gpointer)
{
	const std::string p = path;
	SoupMessageHeaders *response = soup_server_message_get_response_headers(msg);
	if (p == "/list") {
		respond(msg, SOUP_STATUS_OK, kList);
	} else if (p == "/missing") {
		respond(msg, SOUP_STATUS_NOT_FOUND, "<html>gone</html>", "text/html");
	} else if (p == "/error") {
		respond(msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "oops", "text/plain");
	} else if (p == "/redirect") {
		soup_server_message_set_redirect(msg, SOUP_STATUS_FOUND, "/list");
	} else if (p == "/loop") {
		soup_server_message_set_redirect(msg, SOUP_STATUS_FOUND, "/loop");
	} else if (p == "/ua") {
		const char *agent = soup_message_headers_get_one(
			soup_server_message_get_request_headers(msg), "User-Agent");
		respond(msg, SOUP_STATUS_OK, agent ? agent : "(none)", "text/plain");
	} else if (p == "/big") {
		respond(msg, SOUP_STATUS_OK, std::string(2000, 'x'));
	} else if (p == "/big-chunked") {
		/* No Content-Length: only counting while reading can stop it. */
		soup_server_message_set_status(msg, SOUP_STATUS_OK, nullptr);
		soup_message_headers_set_encoding(response, SOUP_ENCODING_CHUNKED);
		SoupMessageBody *body = soup_server_message_get_response_body(msg);
		const std::string chunk(10000, 'y');
		for (int i = 0; i < 30; i++)
			soup_message_body_append(body, SOUP_MEMORY_COPY, chunk.data(),
						 chunk.size());
		soup_message_body_complete(body);
	} else if (p == "/gzip") {
		respond(msg, SOUP_STATUS_OK, gzip(kList));
		soup_message_headers_replace(response, "Content-Encoding", "gzip");
	} else if (p == "/gzip-bomb") {
		/* Some kilobytes on the wire, a megabyte decoded. */
		respond(msg, SOUP_STATUS_OK, gzip(std::string(1024 * 1024, 'z')));
		soup_message_headers_replace(response, "Content-Encoding", "gzip");
	} else if (p == "/stall") {
		/* Never answers; the connection closes when the client gives up. */
		soup_server_message_pause(msg);
	} else {
		respond(msg, SOUP_STATUS_NOT_FOUND, "", "text/plain");
	}
}

struct Outcome {
	int calls = 0;
	std::string text;
	std::string error;
};

/*
 * Everything on a main context of the test's own, pushed as thread-default: fetchM3u() must
 * answer there, not on the global default context.
 */
class Fetch : public ::testing::Test
{
protected:
	void SetUp() override
	{
		context_ = g_main_context_new();
		g_main_context_push_thread_default(context_);
		loop_ = g_main_loop_new(context_, FALSE);

		server_ = soup_server_new(nullptr, nullptr);
		soup_server_add_handler(server_, nullptr, handle, nullptr, nullptr);
		g_autoptr(GError) error = nullptr;
		ASSERT_TRUE(
			soup_server_listen_local(server_, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
			<< error->message;
		GSList *uris = soup_server_get_uris(server_);
		ASSERT_NE(uris, nullptr);
		base_ = "http://127.0.0.1:"
			+ std::to_string(g_uri_get_port(static_cast<GUri *>(uris->data)));
		g_slist_free_full(uris, reinterpret_cast<GDestroyNotify>(g_uri_unref));

		session_ = soup_session_new();
	}

	void TearDown() override
	{
		g_clear_object(&session_);
		/* The session's connections close; the server notices before it goes. */
		runFor(20);
		if (server_)
			soup_server_disconnect(server_);
		g_clear_object(&server_);
		/* Let closed connections and cancelled operations wind down on our context. */
		while (g_main_context_iteration(context_, FALSE)) { }
		g_main_loop_unref(loop_);
		g_main_context_pop_thread_default(context_);
		g_main_context_unref(context_);
	}

	Outcome fetch(const std::string &url, const std::string &userAgent = {},
		      uint64_t maxBytes = 0, unsigned timeoutMs = 5000)
	{
		Outcome outcome;
		bool returned = false;
		detail::fetchM3u(
			session_, url, userAgent, maxBytes,
			[&](std::string text, std::string error) {
				EXPECT_TRUE(returned) << "done called from inside fetchM3u()";
				EXPECT_EQ(g_main_context_get_thread_default(), context_);
				outcome.calls++;
				outcome.text = std::move(text);
				outcome.error = std::move(error);
				g_main_loop_quit(loop_);
			},
			timeoutMs);
		returned = true;

		/* A test that hangs is a failure, not a stuck CI job. */
		GSource *guard = g_timeout_source_new_seconds(10);
		g_source_set_callback(
			guard,
			[](gpointer loop) {
				g_main_loop_quit(static_cast<GMainLoop *>(loop));
				return G_SOURCE_REMOVE;
			},
			loop_, nullptr);
		g_source_attach(guard, context_);
		g_main_loop_run(loop_);
		g_source_destroy(guard);
		g_source_unref(guard);

		/* A second call would come soon after the first. */
		runFor(30);
		EXPECT_EQ(outcome.calls, 1) << url;
		return outcome;
	}

	void runFor(unsigned ms)
	{
		GSource *timer = g_timeout_source_new(ms);
		g_source_set_callback(
			timer,
			[](gpointer loop) {
				g_main_loop_quit(static_cast<GMainLoop *>(loop));
				return G_SOURCE_REMOVE;
			},
			loop_, nullptr);
		g_source_attach(timer, context_);
		g_main_loop_run(loop_);
		g_source_unref(timer);
	}

	GMainContext *context_ = nullptr;
	GMainLoop *loop_ = nullptr;
	SoupServer *server_ = nullptr;
	SoupSession *session_ = nullptr;
	std::string base_;
};

TEST_F(Fetch, Ok)
{
	const Outcome o = fetch(base_ + "/list");
	EXPECT_EQ(o.error, "");
	EXPECT_EQ(o.text, kList);
}

TEST_F(Fetch, NotFoundNamesStatusAndUrl)
{
	const Outcome o = fetch(base_ + "/missing");
	EXPECT_EQ(o.text, "");
	EXPECT_EQ(o.error, "HTTP 404 Not Found from " + base_ + "/missing");
	EXPECT_EQ(fetch(base_ + "/error").error,
		  "HTTP 500 Internal Server Error from " + base_ + "/error");
}

TEST_F(Fetch, FollowsRedirects)
{
	const Outcome o = fetch(base_ + "/redirect");
	EXPECT_EQ(o.error, "");
	EXPECT_EQ(o.text, kList);
}

TEST_F(Fetch, RedirectLoopIsAnError)
{
	const Outcome o = fetch(base_ + "/loop");
	EXPECT_EQ(o.text, "");
	EXPECT_NE(o.error, "");
}

TEST_F(Fetch, SendsUserAgent)
{
	EXPECT_EQ(fetch(base_ + "/ua", "TiviMate/4.7").text, "TiviMate/4.7");
	EXPECT_EQ(fetch(base_ + "/ua").text, "Sluice/0.1");
}

TEST_F(Fetch, RefusesBodiesOverTheLimit)
{
	EXPECT_EQ(fetch(base_ + "/big", {}, 1000).error, base_ + "/big is larger than 1000 bytes");
	EXPECT_EQ(fetch(base_ + "/big", {}, 2000).text.size(), 2000u);
	EXPECT_EQ(fetch(base_ + "/big-chunked", {}, 100000).error,
		  base_ + "/big-chunked is larger than 100000 bytes");
	EXPECT_EQ(fetch(base_ + "/big-chunked", {}, 0).text.size(), 300000u);
}

TEST_F(Fetch, DecodesGzip)
{
	const Outcome o = fetch(base_ + "/gzip");
	EXPECT_EQ(o.error, "");
	EXPECT_EQ(o.text, kList);
}

TEST_F(Fetch, LimitCountsDecodedBytes)
{
	EXPECT_EQ(fetch(base_ + "/gzip-bomb", {}, 100000).error,
		  base_ + "/gzip-bomb is larger than 100000 bytes");
}

TEST_F(Fetch, StalledServerTimesOut)
{
	const gint64 start = g_get_monotonic_time();
	const Outcome o = fetch(base_ + "/stall", {}, 0, 200);
	const gint64 elapsedMs = (g_get_monotonic_time() - start) / 1000;
	EXPECT_EQ(o.error, "timed out fetching " + base_ + "/stall");
	EXPECT_GE(elapsedMs, 200);
	EXPECT_LT(elapsedMs, 5000);
}

TEST_F(Fetch, RefusesOtherSchemesAndBadUrls)
{
	EXPECT_EQ(fetch("ftp://127.0.0.1/list.m3u").error,
		  "cannot fetch \"ftp://127.0.0.1/list.m3u\": only http://, https:// and file:// "
		  "lists can be fetched");
	EXPECT_EQ(fetch("not a url").error.rfind("cannot fetch \"not a url\"", 0), 0u);
	EXPECT_EQ(fetch("http://").error, "cannot fetch \"http://\": not a valid URL");
}

TEST_F(Fetch, ConnectionRefused)
{
	/* The server's port, once the server is gone. */
	soup_server_disconnect(server_);
	const Outcome o = fetch(base_ + "/list");
	EXPECT_EQ(o.text, "");
	EXPECT_EQ(o.error.rfind("cannot fetch " + base_ + "/list: ", 0), 0u) << o.error;
}

TEST_F(Fetch, ReadsLocalFiles)
{
	test::TempDir dir;
	const std::string path = dir.file("list.m3u");
	test::writeBytes(path, kList);
	g_autofree gchar *uri = g_filename_to_uri(path.c_str(), nullptr, nullptr);
	const Outcome o = fetch(uri);
	EXPECT_EQ(o.error, "");
	EXPECT_EQ(o.text, kList);

	EXPECT_EQ(fetch(uri, {}, 10).error, std::string(uri) + " is larger than 10 bytes");

	g_autofree gchar *missing
		= g_filename_to_uri(dir.file("none.m3u").c_str(), nullptr, nullptr);
	EXPECT_EQ(fetch(missing).error.rfind("cannot fetch " + std::string(missing) + ": ", 0), 0u);
}

TEST_F(Fetch, PublicEntryPoint)
{
	Outcome outcome;
	fetchM3u(session_, base_ + "/list", {}, 1024 * 1024,
		 [&](std::string text, std::string error) {
			 outcome.calls++;
			 outcome.text = std::move(text);
			 outcome.error = std::move(error);
			 g_main_loop_quit(loop_);
		 });
	g_main_loop_run(loop_);
	EXPECT_EQ(outcome.calls, 1);
	EXPECT_EQ(outcome.text, kList);
}

} /* namespace */
