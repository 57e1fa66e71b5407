/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A TS fan-out client over a libsoup 3 server response: an endless chunked video/MP2T body.
 */

#pragma once

#include <functional>
#include <memory>

#include <libsoup/soup.h>

#include "tsfanout.h"

namespace sluice {

/*
 * Takes over msg's response: 200, Content-Type video/MP2T, Cache-Control no-cache, chunked
 * (read-to-EOF for HTTP/1.0 clients), no Content-Length. write() appends to the body without a
 * copy and unpauses the message; the body does not accumulate, so a chunk is released once
 * written. queuedBytes() is what was appended and not yet reported by "wrote-body-data".
 *
 * onGone runs once, from the message's "finished" signal, when the client goes away (or the
 * response ends); it may destroy the sink (TsFanout::removeClient()). Destroying the sink first
 * disconnects from the message, ends the response if it is still open, and drops the reference
 * the sink holds: onGone is then never called.
 *
 * close() ends the body with the last chunk; abort() shuts the connection down at once, for a
 * client that stopped reading (a graceful end would wait on it forever).
 *
 * Typical use, from a SoupServer handler:
 *
 *   auto id = std::make_shared<TsFanout::ClientId>(0);
 *   *id = fanout.addClient(makeSoupTsSink(msg, [&fanout, id] { fanout.removeClient(*id); }));
 *
 * (onGone never runs before addClient() returns: libsoup writes from the main loop.)
 *
 * For GET only: answer HEAD with the headers alone. Main thread only; the caller must not
 * answer msg otherwise.
 */
std::unique_ptr<TsClientSink> makeSoupTsSink(SoupServerMessage *msg, std::function<void()> onGone);

} /* namespace sluice */
