/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Fetching a source's M3U list: one asynchronous GET or file read, chunked, size- and time-bound.
 */

#include "m3ufetch.h"

#include <cstring>
#include <utility>

#include <gio/gio.h>

namespace sluice {

namespace {

constexpr unsigned kTimeoutMs = 30 * 1000;
constexpr gsize kChunkBytes = 64 * 1024;
constexpr const char *kDefaultUserAgent = "Sluice/0.1";

/* done's arguments, on their way to the caller's main context. */
struct Delivery {
	FetchM3uDone done;
	std::string text;
	std::string error;
};

gboolean deliver(gpointer data)
{
	auto *delivery = static_cast<Delivery *>(data);
	if (delivery->done)
		delivery->done(std::move(delivery->text), std::move(delivery->error));
	return G_SOURCE_REMOVE;
}

void destroyDelivery(gpointer data)
{
	delete static_cast<Delivery *>(data);
}

/*
 * One fetch. Everything runs on the caller's thread-default main context: libsoup and GIO
 * dispatch their callbacks there, and the time limit is a source attached there, so there is
 * no lock.
 *
 * Lifetime: from start() until it finishes, exactly one asynchronous operation (the request,
 * opening the file, or reading a chunk) is pending, and its callback owns the Fetch. finish()
 * may come from elsewhere (the time limit): it cancels that operation, whose callback then
 * finds `finished_` set and deletes the Fetch. done is never called from start() itself but
 * from an idle source, so a caller's state is never re-entered.
 */
class Fetch
{
public:
	Fetch(std::string url, uint64_t maxBytes, FetchM3uDone done)
		: url_(std::move(url)), maxBytes_(maxBytes), done_(std::move(done)),
		  context_(g_main_context_ref_thread_default()), cancellable_(g_cancellable_new())
	{
	}
	~Fetch()
	{
		stopTimeout();
		g_clear_object(&stream_);
		g_clear_object(&message_);
		g_clear_object(&cancellable_);
		g_main_context_unref(context_);
	}
	Fetch(const Fetch &) = delete;
	Fetch &operator=(const Fetch &) = delete;

	/* Takes ownership of itself: deleted when done has been scheduled and nothing is pending.
	 */
	void start(SoupSession *session, const std::string &userAgent, unsigned timeoutMs)
	{
		if (timeoutMs > 0) {
			timeout_ = g_timeout_source_new(timeoutMs);
			g_source_set_callback(timeout_, onTimeout, this, nullptr);
			g_source_attach(timeout_, context_);
		}

		const char *scheme = g_uri_peek_scheme(url_.c_str());
		if (scheme && std::strcmp(scheme, "file") == 0) {
			g_autoptr(GFile) file = g_file_new_for_uri(url_.c_str());
			g_file_read_async(file, G_PRIORITY_DEFAULT, cancellable_, onFileOpened,
					  this);
			return;
		}
		if (!scheme
		    || (std::strcmp(scheme, "http") != 0 && std::strcmp(scheme, "https") != 0)) {
			finishAndDelete(
				{},
				"cannot fetch \"" + url_
					+ "\": only http://, https:// and file:// lists can "
					  "be fetched");
			return;
		}
		message_ = soup_message_new("GET", url_.c_str());
		if (!message_) {
			finishAndDelete({}, "cannot fetch \"" + url_ + "\": not a valid URL");
			return;
		}
		soup_message_headers_replace(
			soup_message_get_request_headers(message_), "User-Agent",
			userAgent.empty() ? kDefaultUserAgent : userAgent.c_str());
		soup_session_send_async(session, message_, G_PRIORITY_DEFAULT, cancellable_, onSent,
					this);
	}

private:
	static void onSent(GObject *source, GAsyncResult *result, gpointer data)
	{
		auto *self = static_cast<Fetch *>(data);
		g_autoptr(GError) error = nullptr;
		GInputStream *stream
			= soup_session_send_finish(SOUP_SESSION(source), result, &error);
		if (self->finished_) {
			g_clear_object(&stream);
			delete self;
			return;
		}
		if (!stream) {
			self->finishAndDelete({}, self->describe(error));
			return;
		}
		self->stream_ = stream;

		const guint status = soup_message_get_status(self->message_);
		if (status < 200 || status >= 300) {
			/* 3xx: a redirect libsoup could not follow (no Location, too many). */
			const char *reason = soup_message_get_reason_phrase(self->message_);
			std::string text = "HTTP " + std::to_string(status);
			if (reason && *reason)
				text += std::string(" ") + reason;
			self->finishAndDelete({}, text + " from " + self->url_);
			return;
		}

		/* An honest Content-Length says early what reading would find out late. */
		SoupMessageHeaders *headers = soup_message_get_response_headers(self->message_);
		const char *coding = soup_message_headers_get_one(headers, "Content-Encoding");
		const bool identity = !coding || g_ascii_strcasecmp(coding, "identity") == 0;
		if (self->maxBytes_ > 0 && identity
		    && soup_message_headers_get_encoding(headers) == SOUP_ENCODING_CONTENT_LENGTH
		    && static_cast<uint64_t>(soup_message_headers_get_content_length(headers))
			    > self->maxBytes_) {
			self->finishAndDelete({}, self->tooLarge());
			return;
		}
		self->readNext();
	}

	static void onFileOpened(GObject *source, GAsyncResult *result, gpointer data)
	{
		auto *self = static_cast<Fetch *>(data);
		g_autoptr(GError) error = nullptr;
		GFileInputStream *stream = g_file_read_finish(G_FILE(source), result, &error);
		if (self->finished_) {
			g_clear_object(&stream);
			delete self;
			return;
		}
		if (!stream) {
			self->finishAndDelete({}, self->describe(error));
			return;
		}
		self->stream_ = G_INPUT_STREAM(stream);
		self->readNext();
	}

	void readNext()
	{
		g_input_stream_read_bytes_async(stream_, kChunkBytes, G_PRIORITY_DEFAULT,
						cancellable_, onRead, this);
	}

	static void onRead(GObject *source, GAsyncResult *result, gpointer data)
	{
		auto *self = static_cast<Fetch *>(data);
		g_autoptr(GError) error = nullptr;
		g_autoptr(GBytes) bytes
			= g_input_stream_read_bytes_finish(G_INPUT_STREAM(source), result, &error);
		if (self->finished_) {
			delete self;
			return;
		}
		if (!bytes) {
			self->finishAndDelete({}, self->describe(error));
			return;
		}
		gsize size = 0;
		const auto *chunk = static_cast<const char *>(g_bytes_get_data(bytes, &size));
		if (size == 0) {
			self->finishAndDelete(std::move(self->body_), {});
			return;
		}
		self->body_.append(chunk, size);
		if (self->maxBytes_ > 0 && self->body_.size() > self->maxBytes_) {
			self->finishAndDelete({}, self->tooLarge());
			return;
		}
		self->readNext();
	}

	static gboolean onTimeout(gpointer data)
	{
		auto *self = static_cast<Fetch *>(data);
		/* The pending operation's callback, cancelled by finish(), deletes the Fetch. */
		self->finish({}, "timed out fetching " + self->url_);
		return G_SOURCE_REMOVE;
	}

	std::string describe(const GError *error) const
	{
		if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
			return "timed out fetching " + url_ + ": " + error->message;
		return "cannot fetch " + url_ + ": " + (error ? error->message : "unknown error");
	}

	std::string tooLarge() const
	{
		return url_ + " is larger than " + std::to_string(maxBytes_) + " bytes";
	}

	void stopTimeout()
	{
		if (!timeout_)
			return;
		g_source_destroy(timeout_);
		g_source_unref(timeout_);
		timeout_ = nullptr;
	}

	/* Schedules done once; cancels whatever is still pending. */
	void finish(std::string text, std::string error)
	{
		if (finished_)
			return;
		finished_ = true;
		stopTimeout();
		g_cancellable_cancel(cancellable_);

		auto *delivery = new Delivery {std::move(done_), std::move(text), std::move(error)};
		GSource *idle = g_idle_source_new();
		g_source_set_priority(idle, G_PRIORITY_DEFAULT);
		g_source_set_callback(idle, deliver, delivery, destroyDelivery);
		g_source_attach(idle, context_);
		g_source_unref(idle);
	}

	/* finish() from the pending operation's own callback (or before any was started). */
	void finishAndDelete(std::string text, std::string error)
	{
		finish(std::move(text), std::move(error));
		delete this;
	}

	const std::string url_;
	const uint64_t maxBytes_;
	FetchM3uDone done_;
	GMainContext *context_;
	GCancellable *cancellable_;
	SoupMessage *message_ = nullptr;
	GInputStream *stream_ = nullptr;
	GSource *timeout_ = nullptr;
	std::string body_;
	bool finished_ = false;
};

} /* namespace */

void fetchM3u(SoupSession *session, const std::string &url, const std::string &userAgent,
	      uint64_t maxBytes, FetchM3uDone done)
{
	detail::fetchM3u(session, url, userAgent, maxBytes, std::move(done), kTimeoutMs);
}

namespace detail {

void fetchM3u(SoupSession *session, const std::string &url, const std::string &userAgent,
	      uint64_t maxBytes, FetchM3uDone done, unsigned timeoutMs)
{
	auto *fetch = new Fetch(url, maxBytes, std::move(done));
	fetch->start(session, userAgent, timeoutMs);
}

} /* namespace detail */

} /* namespace sluice */
