/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * Fetching a source's M3U list: HTTP(S) through libsoup 3, or a local file, asynchronously.
 */

#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <libsoup/soup.h>

namespace sluice {

/*
 * Called once with the list's text and an empty error, or an empty text and an error for a
 * person ("HTTP 404 Not Found from http://...", "... is larger than 1048576 bytes").
 */
using FetchM3uDone = std::function<void(std::string text, std::string error)>;

/*
 * Reads url without blocking, and calls done exactly once, from the thread-default main context
 * of the caller (never from inside fetchM3u() itself), with the text or an error.
 *
 * http:// and https:// are a GET on session: userAgent as User-Agent ("Sluice/0.1" when empty),
 * redirects followed and gzip/deflate bodies decoded by the session (libsoup 3 does both by
 * default), a status >= 400 an error naming it. file:// reads a local file (a list on a NAS
 * share). Other schemes are an error.
 *
 * The body is read in chunks and given up on as soon as it passes maxBytes (0 = no limit;
 * counted after decoding). The session's own "timeout" property applies; on top, the whole
 * fetch is abandoned after 30 s, so a server trickling bytes can't hold an import forever.
 * The session must outlive the fetch.
 */
void fetchM3u(SoupSession *session, const std::string &url, const std::string &userAgent,
	      uint64_t maxBytes, FetchM3uDone done);

namespace detail {

/* fetchM3u() with another overall time limit (ms; 0 = none): for tests. */
void fetchM3u(SoupSession *session, const std::string &url, const std::string &userAgent,
	      uint64_t maxBytes, FetchM3uDone done, unsigned timeoutMs);

} /* namespace detail */

} /* namespace sluice */
