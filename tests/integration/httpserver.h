/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A static-file HTTP server on 127.0.0.1 for the player tests, running on a thread of its own.
 */

#pragma once

#include <memory>
#include <string>
#include <vector>

namespace sluice::test {

/*
 * Serves the files under a directory as they are at request time (a live playlist can grow
 * under it), with the MIME types players expect for HLS and DASH. Listens on an ephemeral port
 * of 127.0.0.1; the libsoup server lives on its own GMainContext, driven by a thread the
 * server starts and joins, so the test's thread can block on a subprocess meanwhile.
 *
 * Media segments are answered after a short delay, as over any real network. From a server
 * answering in 0.2 ms, GStreamer 1.22's adaptivedemux2 can download a whole short
 * presentation before it has exposed its pads, and then fails ("Can't push EOS on non-exposed
 * pad", then "Couldn't download fragments") when the machine is busy: a race only loopback
 * makes possible, which no player meets on a LAN.
 *
 * Paths under /forbidden/ answer 403, for tests of what a client makes of it; /flaky/NAME
 * answers 404 twice, then serves NAME; /live/NAME serves NAME chunked, without a
 * Content-Length, as an endless stream is (and then ends, as a dropped one does);
 * /stall/NAME sends half of NAME and then nothing, holding the connection open;
 * /redirect/NAME answers 302 to /NAME; /truncated/NAME serves NAME, but media segments whose
 * name ends in 2.ts or 2.m4s (the third of a playlist) only up to half their size.
 */
class StaticFileServer
{
public:
	explicit StaticFileServer(std::string root);
	~StaticFileServer();

	StaticFileServer(const StaticFileServer &) = delete;
	StaticFileServer &operator=(const StaticFileServer &) = delete;

	/* Starts listening; false with a message in error when it cannot. */
	bool start(std::string &error);

	/* "http://127.0.0.1:PORT", valid after start() succeeded. */
	const std::string &baseUrl() const { return baseUrl_; }

	/* "GET /video_0-1.m4s 200" for every request so far, oldest first. */
	std::vector<std::string> requestLog() const;

	/* The value of a request header as last received (empty when never seen). */
	std::string lastHeader(const std::string &name) const;

	struct Private;

private:
	std::unique_ptr<Private> d_;
	std::string baseUrl_;
};

} /* namespace sluice::test */
