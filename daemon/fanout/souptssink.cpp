/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A TS fan-out client over a libsoup 3 server response: an endless chunked video/MP2T body.
 */

#include "souptssink.h"

#include <utility>

namespace sluice {

namespace {

class SoupTsSink final : public TsClientSink
{
public:
	SoupTsSink(SoupServerMessage *msg, std::function<void()> onGone);
	~SoupTsSink() override;
	SoupTsSink(const SoupTsSink &) = delete;
	SoupTsSink &operator=(const SoupTsSink &) = delete;

	bool write(GBytes *bytes) override;
	size_t queuedBytes() const override { return appended_ - written_; }
	void close() override;
	void abort() override;

private:
	static void wroteBodyData(SoupServerMessage *msg, guint size, gpointer data);
	static void finished(SoupServerMessage *msg, gpointer data);
	void disconnect();
	/* Ends the body; the message finishes once libsoup has written what is queued. */
	void complete();

	SoupServerMessage *msg_; /* a reference */
	std::function<void()> onGone_;
	gulong wroteHandler_ = 0;
	gulong finishedHandler_ = 0;
	uint64_t appended_ = 0;
	uint64_t written_ = 0;
	bool ended_ = false; /* close() or abort(): nothing more is written */
	bool gone_ = false; /* "finished" came: the message is done with */
};

SoupTsSink::SoupTsSink(SoupServerMessage *msg, std::function<void()> onGone)
	: msg_(SOUP_SERVER_MESSAGE(g_object_ref(msg))), onGone_(std::move(onGone))
{
	soup_server_message_set_status(msg_, SOUP_STATUS_OK, nullptr);
	SoupMessageHeaders *headers = soup_server_message_get_response_headers(msg_);
	soup_message_headers_replace(headers, "Content-Type", "video/MP2T");
	soup_message_headers_replace(headers, "Cache-Control", "no-cache");
	/* HTTP/1.0 has no chunked encoding: the body ends with the connection. */
	bool http10 = soup_server_message_get_http_version(msg_) == SOUP_HTTP_1_0;
	soup_message_headers_set_encoding(headers,
					  http10 ? SOUP_ENCODING_EOF : SOUP_ENCODING_CHUNKED);
	/* Written chunks are released instead of kept for the whole (endless) body. */
	soup_message_body_set_accumulate(soup_server_message_get_response_body(msg_), FALSE);

	wroteHandler_ = g_signal_connect(msg_, "wrote-body-data", G_CALLBACK(wroteBodyData), this);
	finishedHandler_ = g_signal_connect(msg_, "finished", G_CALLBACK(finished), this);
}

SoupTsSink::~SoupTsSink()
{
	disconnect();
	if (!gone_ && !ended_)
		complete();
	g_object_unref(msg_);
}

void SoupTsSink::disconnect()
{
	if (wroteHandler_)
		g_signal_handler_disconnect(msg_, wroteHandler_);
	if (finishedHandler_)
		g_signal_handler_disconnect(msg_, finishedHandler_);
	wroteHandler_ = finishedHandler_ = 0;
}

void SoupTsSink::wroteBodyData(SoupServerMessage *, guint size, gpointer data)
{
	static_cast<SoupTsSink *>(data)->written_ += size;
}

void SoupTsSink::finished(SoupServerMessage *, gpointer data)
{
	auto *self = static_cast<SoupTsSink *>(data);
	self->gone_ = true;
	self->disconnect();
	/* onGone may destroy the sink: nothing of it is touched after the call. */
	std::function<void()> onGone = std::move(self->onGone_);
	if (onGone)
		onGone();
}

bool SoupTsSink::write(GBytes *bytes)
{
	if (gone_ || ended_)
		return false;
	size_t size = g_bytes_get_size(bytes);
	if (!size)
		return true;
	soup_message_body_append_bytes(soup_server_message_get_response_body(msg_), bytes);
	appended_ += size;
	soup_server_message_unpause(msg_);
	return true;
}

void SoupTsSink::complete()
{
	ended_ = true;
	soup_message_body_complete(soup_server_message_get_response_body(msg_));
	soup_server_message_unpause(msg_);
}

void SoupTsSink::close()
{
	if (gone_ || ended_)
		return;
	complete();
}

void SoupTsSink::abort()
{
	if (gone_ || ended_)
		return;
	/* A shut-down socket fails the pending write at once: libsoup then finishes the message
	 * and closes the connection, releasing the queued chunks. */
	if (GSocket *socket = soup_server_message_get_socket(msg_))
		g_socket_shutdown(socket, TRUE, TRUE, nullptr);
	complete();
}

} /* namespace */

std::unique_ptr<TsClientSink> makeSoupTsSink(SoupServerMessage *msg, std::function<void()> onGone)
{
	return std::make_unique<SoupTsSink>(msg, std::move(onGone));
}

} /* namespace sluice */
