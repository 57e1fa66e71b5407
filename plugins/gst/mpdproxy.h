/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Copyright (C) 2026 Sluice authors
 *
 * A loopback server that hands GStreamer's dashdemux2 live MPDs it can follow.
 */

#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include <gst/gst.h>
#include <libsoup/soup.h>

namespace sluice {

/*
 * dashdemux2 (1.22) re-reads a live MPD itself, from the URL it first got it from, and
 * mis-seeks in any SegmentTimeline that does not begin with its Period (see anchorLiveMpd in
 * variantfilter.h). So smartsrc gives it a URL on this server instead: each request fetches
 * the source's MPD (with the source's User-Agent and headers) and answers it anchored, with an
 * absolute BaseURL, so that segments still come straight from the source. The status of a
 * failed fetch is passed on (a 404 stays a 404; no answer is a 502).
 *
 * One per process, started on first use on a thread of its own, listening on 127.0.0.1 only.
 * Thread-safe.
 */
class MpdProxy
{
public:
	static MpdProxy &instance();

	/* A loopback URL serving uri's MPD; empty when the server cannot run (uri is then used
	 * as it is). headers: a GstStructure of extra request headers, or null. */
	std::string add(const std::string &uri, const std::string &userAgent,
			const GstStructure *headers);
	/* Forgets a URL add() returned. */
	void remove(const std::string &url);

private:
	struct Entry {
		std::string uri;
		std::string userAgent;
		GstStructure *headers = nullptr; /* owned */
	};

	MpdProxy();
	~MpdProxy() = delete; /* lives as long as the process */
	bool start();
	static void handle(SoupServer *server, SoupServerMessage *msg, const char *path,
			   GHashTable *query, gpointer data);
	static void fetched(GObject *session, GAsyncResult *result, gpointer data);

	std::mutex lock_; /* guards everything below */
	bool started_ = false;
	bool failed_ = false;
	std::string base_; /* "http://127.0.0.1:PORT/mpd/" */
	uint64_t nextId_ = 1;
	std::map<uint64_t, Entry> entries_;
	GMainContext *context_ = nullptr;
	SoupServer *server_ = nullptr;
	SoupSession *session_ = nullptr;
	std::thread thread_;
};

} /* namespace sluice */
